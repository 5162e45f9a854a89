/* The kernel's side of vCPUs (rt/vcpu.c): what the runtime, the object
 * layer's hooks and the IPC transfers call. kernel/x86/vcpu.h has the
 * back-end contract. */
#ifndef KERNEL_RT_VCPU_RT_H
#define KERNEL_RT_VCPU_RT_H

#include "../x86/vcpu.h"
#include <vireo/init_info.h>

/* Enables the back end for kind on the boot CPU (a log line either way). */
void vcpu_boot_init(enum vireo_virt_kind kind);

/* The object layer's hooks (struct obj_mmu_ops). */
enum vireo_status vcpu_create(void *ctx, struct obj_ec *ec);
void vcpu_destroy(void *ctx, struct obj_ec *ec);

/* Leaf flags and flushes of guest-physical mappings (rt/mmu.c). */
u64 vcpu_gpa_leaf_flags(u32 rights);
void vcpu_gpa_flush(struct obj_pd *vm);

/* Runs the vCPU the scheduler reached until it blocks in an exit or the
 * scheduler wants another EC; returns to rt_exit either way. */
void vcpu_run(struct obj_ec *ec);

/* The exit message for the handler (the items of ec->exit_mtd). */
void vcpu_exit_message(struct obj_ec *ec, struct vireo_vcpu_state *out);
/* The handler's reply: false stops the vCPU (a reply without words). A
 * reply that fails a check is not applied: the vCPU's next exit is an
 * ENTRY_FAILURE naming it. */
bool vcpu_reply(struct obj_ec *ec, const u64 *msg, u64 words);

#endif
