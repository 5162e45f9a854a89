/*
 * Timeouts: a list of entries sorted by deadline (microseconds), earliest
 * first; entries with equal deadlines expire in the order they were armed.
 * Pure: host-tested.
 */
#ifndef KERNEL_SCHED_TIMEOUT_H
#define KERNEL_SCHED_TIMEOUT_H

#include "../obj/objects.h"

struct timeout_list {
    struct obj_timeout *head;
};

void timeout_arm(struct timeout_list *l, struct obj_timeout *t, u64 deadline_us);
/* Harmless on an entry that is not armed. */
void timeout_cancel(struct timeout_list *l, struct obj_timeout *t);
/* Unlinks and returns the earliest entry due at now_us, or NULL. */
struct obj_timeout *timeout_expire_one(struct timeout_list *l, u64 now_us);

#endif
