/* Fake platform hooks for the scheduler/IPC tests: UTCBs in a host array
 * (utcb_page 1..FAKE_UTCBS-1; others are unmapped), results recorded in the
 * EC's arch area, a settable clock. */
#ifndef TESTS_UNIT_SCHED_FAKE_PLATFORM_H
#define TESTS_UNIT_SCHED_FAKE_PLATFORM_H

#include "sched/hooks.h"
#include <vireo/utcb.h>

#define FAKE_UTCBS 16

extern struct vireo_utcb fake_utcb[FAKE_UTCBS];
extern u64 fake_now;
extern unsigned fake_unhandled; /* rt_fault_unhandled calls */

static inline u64 fake_status(struct obj_ec *ec)
{
    return ((u64 *)ec->arch_area)[0];
}
static inline u64 fake_rdx(struct obj_ec *ec)
{
    return ((u64 *)ec->arch_area)[1];
}

#endif
