/*
 * What the object layer needs from the platform: address spaces and page
 * mappings. The kernel implements these with its page tables (EPT/NPT for a
 * VM PD); host tests implement them with a model. No hook may call back
 * into the object layer.
 */
#ifndef KERNEL_OBJ_MMU_HOOKS_H
#define KERNEL_OBJ_MMU_HOOKS_H

#include <vireo/status.h>
#include <vireo/types.h>

struct obj_pd;
struct obj_header;
struct obj_ec;

struct obj_mmu_ops {
    /* A new, empty address space for pd (pd->flags says host or VM);
     * store its handle in pd->arch_space. On failure nothing is kept. */
    enum vireo_status (*space_create)(void *ctx, struct obj_pd *pd);
    /* pd is dead and has no mappings left: free its address space. */
    void (*space_destroy)(void *ctx, struct obj_pd *pd);
    /* Map one 4 KiB page; rights are VIREO_MEM_R/W/X (R always set). The
     * object layer never maps a page that its mapping database already
     * has mapped; anything else already there must give an error. */
    enum vireo_status (*map_page)(void *ctx, struct obj_pd *pd, u64 vpage, u64 frame, u32 rights);
    /* Unmap one page that map_page mapped. No TLB flush yet. */
    void (*unmap_page)(void *ctx, struct obj_pd *pd, u64 vpage);
    /* Flush pd's stale translations on every CPU that may hold them;
     * returns once they are gone. Called after unmapping and before the
     * frames can be reused. */
    void (*tlb_shootdown)(void *ctx, struct obj_pd *pd);
    /* An object's last capability went (the scheduler/IPC stop an EC, wake
     * an SM's waiters with VIREO_E_ABORTED, ...). May be NULL. */
    void (*object_dying)(void *ctx, struct obj_header *obj);
    /* A vCPU EC is being created (its fields are set, it is not yet in any
     * capability space): allocate its hardware state. An error undoes the
     * creation. May be NULL. */
    enum vireo_status (*vcpu_create)(void *ctx, struct obj_ec *ec);
    /* A vCPU EC is being freed: release what vcpu_create allocated. */
    void (*vcpu_destroy)(void *ctx, struct obj_ec *ec);
};

#endif
