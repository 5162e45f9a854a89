/*
 * The reference model: the object layer's meaning written as plainly as
 * possible. Flat arrays, linear searches, parents as indices, everything
 * derived (reference counts, quota use, chunk counts) recomputed from
 * scratch when asked. It knows nothing of blocks or pointers except each
 * object's real address, recorded so the checker can compare.
 */
#ifndef TESTS_INVARIANTS_MODEL_H
#define TESTS_INVARIANTS_MODEL_H

#include <vireo/cap.h>
#include <vireo/status.h>
#include <vireo/types.h>

#define M_OBJS  64
#define M_NODES 512
#define M_NONE  (-1)

struct m_obj {
    bool exists; /* allocated: alive or a zombie */
    bool torn;   /* its last capability went */
    u8 type;
    int payer; /* M_NONE for init */
    int ec;    /* SC, PT: the bound EC */
    u64 quota; /* PD: limit */
    u64 flags; /* PD, EC */
    u64 v[3];  /* EC: utcb, ip, sp; SC: priority, budget; PT: badge, mtd; SM: count */
    const void *real;
};

struct m_node {
    bool used;
    bool mapping;
    u8 type; /* enum vireo_cap_type (mappings: VIREO_CAP_MEM) */
    u8 rights;
    int pd;    /* holder */
    u64 index; /* selector, or first virtual page */
    int slot;  /* mappings: slot in the holder's mapping table */
    int obj;   /* object capabilities */
    u64 frame, pages;
    int parent;
};

struct model {
    struct m_obj obj[M_OBJS];
    struct m_node node[M_NODES];
    int objs_hw, nodes_hw; /* entries at or above these were never used */
    u64 pool_blocks;
    u32 spaces;         /* address spaces the platform can hold */
    u64 space_pages;    /* pages per address space the platform can map */
    int fail_map_after; /* injected map_page failure, -1: off */
    bool fail_space_create;
};

/* init with the given pool size and root MEM ranges. */
void model_init(struct model *m, u64 pool_blocks, u32 spaces, u64 space_pages,
                const u64 (*ranges)[2], u32 range_count);
/* The model's view of obj_syscall. *created is the index of a new object
 * (else M_NONE); the caller records its real address. */
enum vireo_status model_syscall(struct model *m, int caller, u64 number, const u64 args[6],
                                u64 *result, int *created);

/* Derived values. */
u32 model_cap_count(const struct model *m, int obj);
u32 model_kref(const struct model *m, int obj);
u64 model_quota_used(const struct model *m, int pd);
u64 model_chunks(const struct model *m, int pd, bool mapping);
u64 model_free_blocks(const struct model *m);
int model_find_cap(const struct model *m, int pd, u64 sel);
int model_init_pd(const struct model *m);

#endif
