/* The mapping database: delegated page ranges in address spaces. */
#include "cspace.h"
#include "mapdb.h"
#include "tree.h"

bool mapdb_overlaps(const struct obj_pd *pd, u64 vpage, u64 pages)
{
    for (unsigned slot = 0; slot < VIREO_MAP_RANGES_MAX; slot++) {
        if (!pd->map_chunk[slot / OBJ_NODES_PER_CHUNK]) {
            slot |= OBJ_NODES_PER_CHUNK - 1;
            continue;
        }
        const struct obj_node *node = maptable_node(pd, slot);
        if (node && node->index < vpage + pages && vpage < node->index + node->pages)
            return true;
    }
    return false;
}

static void unmap_pages(struct obj_kernel *k, struct obj_pd *pd, u64 vpage, u64 pages)
{
    for (u64 i = 0; i < pages; i++)
        k->mmu->unmap_page(k->mmu_ctx, pd, vpage + i);
    k->mmu->tlb_shootdown(k->mmu_ctx, pd);
}

enum vireo_status mapdb_map(struct obj_kernel *k, struct obj_node *src, u64 offset, u64 pages,
                            struct obj_pd *dst, u64 vpage, u32 rights)
{
    u64 frame = src->u.frame + offset;
    for (u64 i = 0; i < pages; i++) {
        enum vireo_status status = k->mmu->map_page(k->mmu_ctx, dst, vpage + i, frame + i, rights);
        if (status != VIREO_OK) {
            if (i > 0)
                unmap_pages(k, dst, vpage, i);
            return status;
        }
    }
    bool needs_chunk;
    int slot = maptable_lowest_free(dst, &needs_chunk);
    struct obj_node *node = maptable_claim(k, dst, (unsigned)slot);
    node->type = OBJ_NODE_MAPPING;
    node->rights = (u8)rights;
    node->u.frame = frame;
    node->index = vpage;
    node->pages = (u32)pages;
    tree_add_child(src, node);
    return VIREO_OK;
}

void mapdb_unmap(struct obj_kernel *k, struct obj_node *mapping)
{
    unmap_pages(k, mapping->holder, mapping->index, mapping->pages);
}
