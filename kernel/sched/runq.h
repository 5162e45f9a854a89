/*
 * Ready queues: one FIFO of scheduling contexts per priority and a bitmap
 * of the non-empty ones. The SC that runs is the head of the highest
 * non-empty priority; it stays queued while it runs, so a preempted SC
 * resumes before the others of its priority. Pure: host-tested.
 */
#ifndef KERNEL_SCHED_RUNQ_H
#define KERNEL_SCHED_RUNQ_H

#include "../obj/objects.h"

#define RUNQ_PRIOS (VIREO_PRIO_MAX + 1)

struct runq {
    struct obj_sc *head[RUNQ_PRIOS], *tail[RUNQ_PRIOS];
    u64 bitmap[RUNQ_PRIOS / 64];
};

void runq_init(struct runq *q);
/* Appends sc (not queued) at the tail of its priority. */
void runq_push_tail(struct runq *q, struct obj_sc *sc);
/* Removes a queued sc. */
void runq_remove(struct runq *q, struct obj_sc *sc);
/* The head of the highest non-empty priority, or NULL. */
struct obj_sc *runq_highest(const struct runq *q);
/* Moves a queued sc to the tail of its priority (round robin). */
void runq_rotate(struct runq *q, struct obj_sc *sc);

#endif
