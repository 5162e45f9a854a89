/*
 * The capability and object layer: kernel objects, capability spaces, the
 * derivation tree with its mapping database, and kernel-object quotas.
 *
 * Pure C over memory the kernel hands in: no locking (the caller holds the
 * kernel lock), no allocation outside the pool, page tables only through
 * struct obj_mmu_ops. The syscall dispatcher calls obj_syscall(); host
 * tests (tests/unit/obj, tests/invariants, tests/fuzz) drive the same
 * function. docs/CAPABILITIES.md describes the model.
 */
#ifndef KERNEL_OBJ_OBJ_H
#define KERNEL_OBJ_OBJ_H

#include <vireo/status.h>
#include <vireo/types.h>

#include "mmu_hooks.h"
#include "objects.h"
#include "pool.h"

struct obj_kernel {
    struct obj_pool pool;
    const struct obj_mmu_ops *mmu;
    void *mmu_ctx;
    struct obj_pd *init_pd;
    struct obj_header *pending; /* objects awaiting teardown or free */
    u64 init_quota_start;       /* init's quota_used right after set-up */
};

/* A range of physical frames that user memory may come from. */
struct obj_frame_range {
    u64 frame;
    u64 pages;
};

/* Builds the pool in [mem, mem + bytes) and creates init: a PD with the
 * whole pool as its quota, its own PD capability (all rights) at
 * VIREO_INIT_SEL_PD and one MEM capability (RWX + delegate) per range at
 * VIREO_INIT_SEL_MEM + i. The ranges must not overlap and must hold no
 * frame of kernel memory: they are the only source of user mappings.
 * Returns VIREO_E_INVALID_ARG for bad ranges, VIREO_E_NO_MEMORY if the pool
 * is too small, or space_create's error. */
enum vireo_status obj_kernel_init(struct obj_kernel *k, void *mem, u64 bytes,
                                  const struct obj_mmu_ops *mmu, void *mmu_ctx,
                                  const struct obj_frame_range *ranges, u32 range_count);

/* The object-layer syscalls: CREATE_PD/EC/SC/PT/SM, DELEGATE, REVOKE,
 * LOOKUP and SM_CTRL (the non-blocking part: a down on a zero count returns
 * VIREO_E_TIMEOUT; the scheduler blocks instead when the timeout is not
 * VIREO_TIMEOUT_POLL). Any other number returns VIREO_E_INVALID_SYSCALL.
 * args are %rdi, %rsi, %rdx, %r10, %r8, %r9; *result is %rdx (0 unless the
 * call has a result). On any error nothing changed. After a REVOKE the
 * caller's own PD may be dead (obj_is_dead(&caller->hdr)). */
enum vireo_status obj_syscall(struct obj_kernel *k, struct obj_pd *caller, u64 number,
                              const u64 args[6], u64 *result);

/* ---- entry points for the scheduler and IPC ---- */

static inline bool obj_is_dead(const struct obj_header *obj)
{
    return obj->cap_count == 0;
}

/* The capability at sel in pd's space if it has the given type and every
 * right in `rights`: VIREO_E_BAD_CAP (empty, out of range, other type) or
 * VIREO_E_NO_RIGHTS otherwise. */
enum vireo_status obj_lookup(const struct obj_pd *pd, u64 sel, u32 type, u32 rights,
                             struct obj_node **out);
/* A portal pd may call (VIREO_PT_CALL). */
enum vireo_status obj_lookup_portal(const struct obj_pd *pd, u64 sel, struct obj_pt **out);
/* An EC with the given rights (e.g. VIREO_EC_RECALL). */
enum vireo_status obj_lookup_ec(const struct obj_pd *pd, u64 sel, u32 rights, struct obj_ec **out);
/* An SM with the given rights (VIREO_SM_UP / VIREO_SM_DOWN). */
enum vireo_status obj_lookup_sm(const struct obj_pd *pd, u64 sel, u32 rights, struct obj_sm **out);

/* Counter operations: up fails with VIREO_E_BUSY at VIREO_SM_COUNT_MAX,
 * try_down with VIREO_E_TIMEOUT at 0. The IPC work hands an up to a waiter
 * before calling obj_sm_up. */
enum vireo_status obj_sm_up(struct obj_sm *sm);
enum vireo_status obj_sm_try_down(struct obj_sm *sm);

#endif
