/*
 * A model of page tables and TLBs behind struct obj_mmu_ops, for host
 * tests: a bounded set of address spaces, each with MMU_MODEL_PAGES virtual
 * pages. Unmapped pages stay "stale" (as a TLB would keep them) until a
 * shootdown of their space. Anything the object layer must never do (map a
 * frame outside the user ranges, unmap what is not mapped, destroy a space
 * that still has mappings) is recorded as a violation.
 */
#ifndef TESTS_INVARIANTS_MMU_MODEL_H
#define TESTS_INVARIANTS_MMU_MODEL_H

#include "obj.h"

#define MMU_MODEL_SPACES 12
#define MMU_MODEL_PAGES  32
#define MMU_MODEL_RANGES 4

struct mmu_model_page {
    u64 frame;
    u8 rights;
    u8 mapped;
    u8 stale; /* unmapped, not yet shot down */
    u8 reserved[5];
};

/* The part of the model that is state: compared byte for byte. */
struct mmu_model_state {
    struct obj_pd *space_pd[MMU_MODEL_SPACES]; /* owner, NULL: free */
    struct mmu_model_page page[MMU_MODEL_SPACES][MMU_MODEL_PAGES];
    u32 violations;
    u32 reserved;
};

struct mmu_model {
    struct mmu_model_state state;
    /* user frames, from the ranges init was created with */
    struct obj_frame_range user[MMU_MODEL_RANGES];
    u32 user_count;
    /* fault injection, consumed when it fires: -1 is off */
    int fail_map_after; /* this many more map_page calls succeed */
    bool fail_space_create;
    char last_violation[96];
};

extern const struct obj_mmu_ops mmu_model_ops;

void mmu_model_init(struct mmu_model *mmu, const struct obj_frame_range *user, u32 count);
bool mmu_model_is_user_frame(const struct mmu_model *mmu, u64 frame);
/* The space index of pd (arch_space - 1), or -1. */
int mmu_model_space(const struct mmu_model *mmu, const struct obj_pd *pd);

#endif
