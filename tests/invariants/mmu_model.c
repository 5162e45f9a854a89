/* The page-table and TLB model behind the object layer in host tests. */
#include <stdio.h>
#include <string.h>

#include "mmu_model.h"

static void violation(struct mmu_model *mmu, const char *what, u64 a, u64 b)
{
    mmu->state.violations++;
    snprintf(mmu->last_violation, sizeof(mmu->last_violation), "%s (0x%llx, 0x%llx)", what,
             (unsigned long long)a, (unsigned long long)b);
}

void mmu_model_init(struct mmu_model *mmu, const struct obj_frame_range *user, u32 count)
{
    memset(mmu, 0, sizeof(*mmu));
    for (u32 i = 0; i < count && i < MMU_MODEL_RANGES; i++)
        mmu->user[i] = user[i];
    mmu->user_count = count < MMU_MODEL_RANGES ? count : MMU_MODEL_RANGES;
    mmu->fail_map_after = -1;
}

bool mmu_model_is_user_frame(const struct mmu_model *mmu, u64 frame)
{
    for (u32 i = 0; i < mmu->user_count; i++) {
        if (frame >= mmu->user[i].frame && frame - mmu->user[i].frame < mmu->user[i].pages)
            return true;
    }
    return false;
}

int mmu_model_space(const struct mmu_model *mmu, const struct obj_pd *pd)
{
    int space = (int)pd->arch_space - 1;
    if (space < 0 || space >= MMU_MODEL_SPACES || mmu->state.space_pd[space] != pd)
        return -1;
    return space;
}

static enum vireo_status space_create(void *ctx, struct obj_pd *pd)
{
    struct mmu_model *mmu = ctx;
    if (mmu->fail_space_create) {
        mmu->fail_space_create = false;
        return VIREO_E_NO_MEMORY;
    }
    for (int i = 0; i < MMU_MODEL_SPACES; i++) {
        if (!mmu->state.space_pd[i]) {
            mmu->state.space_pd[i] = pd;
            pd->arch_space = (u64)i + 1;
            return VIREO_OK;
        }
    }
    return VIREO_E_NO_MEMORY;
}

static void space_destroy(void *ctx, struct obj_pd *pd)
{
    struct mmu_model *mmu = ctx;
    int space = mmu_model_space(mmu, pd);
    if (space < 0) {
        violation(mmu, "space_destroy of an unknown space", pd->arch_space, 0);
        return;
    }
    for (int p = 0; p < MMU_MODEL_PAGES; p++) {
        const struct mmu_model_page *page = &mmu->state.page[space][p];
        if (page->mapped || page->stale)
            violation(mmu, "space destroyed with a mapped or stale page", (u64)space, (u64)p);
    }
    memset(mmu->state.page[space], 0, sizeof(mmu->state.page[space]));
    mmu->state.space_pd[space] = NULL;
}

static enum vireo_status map_page(void *ctx, struct obj_pd *pd, u64 vpage, u64 frame, u32 rights)
{
    struct mmu_model *mmu = ctx;
    int space = mmu_model_space(mmu, pd);
    if (space < 0) {
        violation(mmu, "map_page into an unknown space", pd->arch_space, vpage);
        return VIREO_E_INVALID_ARG;
    }
    if (mmu->fail_map_after == 0) {
        mmu->fail_map_after = -1;
        return VIREO_E_NO_MEMORY;
    }
    if (mmu->fail_map_after > 0)
        mmu->fail_map_after--;
    if (vpage >= MMU_MODEL_PAGES)
        return VIREO_E_NO_MEMORY; /* the model's page tables end here */
    if (!mmu_model_is_user_frame(mmu, frame))
        violation(mmu, "kernel frame mapped", frame, vpage);
    if (!(rights & VIREO_MEM_R) || (rights & ~VIREO_MEM_RWX))
        violation(mmu, "bad mapping rights", rights, vpage);
    struct mmu_model_page *page = &mmu->state.page[space][vpage];
    if (page->mapped)
        return VIREO_E_OVERLAP;
    page->frame = frame;
    page->rights = (u8)rights;
    page->mapped = 1;
    page->stale = 0;
    return VIREO_OK;
}

static void unmap_page(void *ctx, struct obj_pd *pd, u64 vpage)
{
    struct mmu_model *mmu = ctx;
    int space = mmu_model_space(mmu, pd);
    if (space < 0 || vpage >= MMU_MODEL_PAGES || !mmu->state.page[space][vpage].mapped) {
        violation(mmu, "unmap_page of a page not mapped", pd->arch_space, vpage);
        return;
    }
    struct mmu_model_page *page = &mmu->state.page[space][vpage];
    memset(page, 0, sizeof(*page));
    page->stale = 1;
}

static void tlb_shootdown(void *ctx, struct obj_pd *pd)
{
    struct mmu_model *mmu = ctx;
    int space = mmu_model_space(mmu, pd);
    if (space < 0) {
        violation(mmu, "shootdown of an unknown space", pd->arch_space, 0);
        return;
    }
    for (int p = 0; p < MMU_MODEL_PAGES; p++)
        mmu->state.page[space][p].stale = 0;
}

const struct obj_mmu_ops mmu_model_ops = {
    .space_create = space_create,
    .space_destroy = space_destroy,
    .map_page = map_page,
    .unmap_page = unmap_page,
    .tlb_shootdown = tlb_shootdown,
    .object_dying = NULL,
};
