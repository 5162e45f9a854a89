/* Fake platform hooks for the scheduler/IPC tests (kernel/sched/hooks.h):
 * UTCBs in a host array (utcb_page 1..FAKE_UTCBS-1; others are unmapped),
 * results recorded in the EC's arch area, a settable clock, and what
 * kernel/rt does for vCPUs: an exit is a kernel-made call (RT_KIND_VMEXIT)
 * whose message carries the portal's MTD, the exit class and
 * FAKE_EXIT_MAGIC + the vCPU's slot as raw_reason; a reply of 0 words stops
 * the vCPU, any other resumes it (vcpu_reply). */
#ifndef TESTS_UNIT_SCHED_FAKE_PLATFORM_H
#define TESTS_UNIT_SCHED_FAKE_PLATFORM_H

#include "sched/hooks.h"
#include <vireo/status.h>
#include <vireo/utcb.h>

#define FAKE_UTCBS      16
#define FAKE_VCPUS      8
#define FAKE_EXIT_MAGIC 0x7e5c0de000ull

/* What kernel/rt/vcpu.c keeps per vCPU, as far as the tests need it. */
struct fake_vcpu {
    bool live;
    u32 exit_class;   /* set before each exit, as vcpu.c's deliver() does */
    unsigned exits;   /* exit messages built for it (deliveries) */
    unsigned replies; /* rt_fault_reply calls for it */
    u64 reply_words, reply_mtd;
};

extern struct vireo_utcb fake_utcb[FAKE_UTCBS];
extern struct fake_vcpu fake_vcpus[FAKE_VCPUS];
extern unsigned fake_vcpus_created, fake_vcpus_destroyed;
extern u64 fake_now;
extern unsigned fake_unhandled; /* rt_fault_unhandled calls */
extern const struct obj_ec *fake_unhandled_ec;
extern const char *fake_unhandled_why;
extern unsigned fake_vcpu_results;      /* rt_set_result on a vCPU (it has no syscall frame) */
extern unsigned fake_vcpu_xfers;        /* plain transfers from or to a vCPU (it has no UTCB) */
extern unsigned fake_vcpu_bad_destroys; /* vcpu_destroy of a vCPU not alive */

static inline u64 fake_status(const struct obj_ec *ec)
{
    return ((const u64 *)ec->arch_area)[0];
}
static inline u64 fake_rdx(const struct obj_ec *ec)
{
    return ((const u64 *)ec->arch_area)[1];
}
static inline struct fake_vcpu *fake_vcpu_of(const struct obj_ec *ec)
{
    return (struct fake_vcpu *)ec->arch;
}

/* A thread's UTCB, NULL for a vCPU (its utcb_page is its exit base) and
 * for pages outside the array. */
struct vireo_utcb *fake_utcb_of(const struct obj_ec *ec);

/* The object layer's vCPU hooks (struct obj_mmu_ops vcpu_create/destroy). */
enum vireo_status fake_vcpu_create(void *ctx, struct obj_ec *ec);
void fake_vcpu_destroy(void *ctx, struct obj_ec *ec);

/* The object layer's object_dying hook: what kernel/rt does, hand the
 * object to the IPC layer so that waiters on it are woken. */
void fake_object_dying(void *ctx, struct obj_header *obj);

#endif
