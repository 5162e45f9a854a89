/* Capability-space and mapping-table slots. */
#include <string.h>

#include "cspace.h"

static struct obj_node *table_slot(struct obj_chunk *const *chunks, u64 index)
{
    struct obj_chunk *chunk = chunks[index / OBJ_NODES_PER_CHUNK];
    return chunk ? &chunk->node[index % OBJ_NODES_PER_CHUNK] : NULL;
}

static struct obj_node *table_claim(struct obj_kernel *k, struct obj_pd *pd,
                                    struct obj_chunk **chunks, u8 *used, u64 index)
{
    u64 c = index / OBJ_NODES_PER_CHUNK;
    if (!chunks[c]) {
        chunks[c] = pool_alloc(&k->pool, OBJ_BLOCK_CHUNK);
        quota_charge(pd, 1);
    }
    used[c]++;
    struct obj_node *node = &chunks[c]->node[index % OBJ_NODES_PER_CHUNK];
    node->holder = pd;
    return node;
}

struct obj_node *cspace_cap(const struct obj_pd *pd, u64 sel)
{
    if (sel >= VIREO_SEL_COUNT)
        return NULL;
    struct obj_node *node = table_slot(pd->cap_chunk, sel);
    return node && node->type != VIREO_CAP_NULL ? node : NULL;
}

bool cspace_needs_chunk(const struct obj_pd *pd, u64 sel)
{
    return pd->cap_chunk[sel / OBJ_NODES_PER_CHUNK] == NULL;
}

struct obj_node *cspace_claim(struct obj_kernel *k, struct obj_pd *pd, u64 sel)
{
    struct obj_node *node = table_claim(k, pd, pd->cap_chunk, pd->cap_used, sel);
    node->index = sel;
    return node;
}

int maptable_lowest_free(const struct obj_pd *pd, bool *needs_chunk)
{
    for (unsigned slot = 0; slot < VIREO_MAP_RANGES_MAX; slot++) {
        struct obj_node *node = table_slot(pd->map_chunk, slot);
        if (!node || node->type == VIREO_CAP_NULL) {
            *needs_chunk = node == NULL;
            return (int)slot;
        }
    }
    return -1;
}

struct obj_node *maptable_claim(struct obj_kernel *k, struct obj_pd *pd, unsigned slot)
{
    struct obj_node *node = table_claim(k, pd, pd->map_chunk, pd->map_used, slot);
    node->slot = (u16)slot;
    return node;
}

struct obj_node *maptable_node(const struct obj_pd *pd, unsigned slot)
{
    struct obj_node *node = table_slot(pd->map_chunk, slot);
    return node && node->type != VIREO_CAP_NULL ? node : NULL;
}

void node_release(struct obj_kernel *k, struct obj_node *node)
{
    struct obj_pd *pd = node->holder;
    bool mapping = node->type == OBJ_NODE_MAPPING;
    u64 index = mapping ? node->slot : node->index;
    struct obj_chunk **chunks = mapping ? pd->map_chunk : pd->cap_chunk;
    u8 *used = mapping ? pd->map_used : pd->cap_used;
    u64 c = index / OBJ_NODES_PER_CHUNK;

    memset(node, 0, sizeof(*node));
    if (--used[c] == 0) {
        pool_free(&k->pool, chunks[c]);
        chunks[c] = NULL;
        quota_release(pd, 1);
    }
}
