/* obj_kernel_init(): the pool and init, the root of everything. */
#include <string.h>

#include "cspace.h"
#include "lifecycle.h"
#include "syscalls.h"

static bool ranges_valid(const struct obj_frame_range *ranges, u32 count)
{
    if (count > VIREO_SEL_COUNT - VIREO_INIT_SEL_MEM)
        return false;
    for (u32 i = 0; i < count; i++) {
        const struct obj_frame_range *r = &ranges[i];
        if (r->pages == 0 || r->pages > VIREO_MEM_MAX_PAGES || r->frame >= VIREO_FRAME_LIMIT ||
            r->pages > VIREO_FRAME_LIMIT - r->frame)
            return false;
        for (u32 j = 0; j < i; j++) {
            if (ranges[j].frame < r->frame + r->pages &&
                r->frame < ranges[j].frame + ranges[j].pages)
                return false;
        }
    }
    return true;
}

/* Blocks of init's own capability-space chunks. */
static u64 init_chunks(u32 range_count)
{
    u64 last_sel = VIREO_INIT_SEL_MEM + range_count - 1;
    return range_count ? last_sel / OBJ_NODES_PER_CHUNK + 1 : 1;
}

enum vireo_status obj_kernel_init(struct obj_kernel *k, void *mem, u64 bytes,
                                  const struct obj_mmu_ops *mmu, void *mmu_ctx,
                                  const struct obj_frame_range *ranges, u32 range_count)
{
    memset(k, 0, sizeof(*k));
    if (!ranges_valid(ranges, range_count))
        return VIREO_E_INVALID_ARG;
    if (!pool_init(&k->pool, mem, bytes) || k->pool.count < 1 + init_chunks(range_count))
        return VIREO_E_NO_MEMORY;
    k->mmu = mmu;
    k->mmu_ctx = mmu_ctx;

    /* init's quota is every block but its own. */
    struct obj_pd *init = (struct obj_pd *)object_alloc(k, NULL, VIREO_CAP_PD, 0);
    init->quota_limit = k->pool.count - 1;
    enum vireo_status status = mmu->space_create(mmu_ctx, init);
    if (status != VIREO_OK)
        return status;
    k->init_pd = init;
    install_root_cap(k, init, VIREO_INIT_SEL_PD, &init->hdr);
    for (u32 i = 0; i < range_count; i++) {
        struct obj_node *node = cspace_claim(k, init, VIREO_INIT_SEL_MEM + i);
        node->type = VIREO_CAP_MEM;
        node->rights = (u8)vireo_cap_rights_valid(VIREO_CAP_MEM);
        node->u.frame = ranges[i].frame;
        node->pages = (u32)ranges[i].pages;
    }
    k->init_quota_start = init->quota_used;
    return VIREO_OK;
}
