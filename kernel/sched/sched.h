/*
 * The scheduler: fixed priorities, round robin within a priority, budgets.
 *
 * Scheduling contexts (SCs) sit in the ready queues, not ECs. An SC
 * executes its bound EC or, while that EC is in a call, the EC at the end
 * of the call chain (the handler runs on its caller's time). An SC is ready
 * exactly when its EC is serving no call itself and the end of its chain is
 * runnable; sched_update() keeps the queues true to that after any change.
 * The SC at the head of the highest non-empty priority runs; its budget is
 * charged from the clock, and when it is used up it is refilled and the SC
 * goes to the tail of its priority. Pure: host-tested.
 */
#ifndef KERNEL_SCHED_SCHED_H
#define KERNEL_SCHED_SCHED_H

#include "runq.h"
#include "timeout.h"

struct sched {
    struct runq rq;
    struct timeout_list timeouts;
    struct obj_sc *running; /* the SC being charged, or NULL */
    u64 stamp_us;           /* charged up to here */
};

extern struct sched sched;

void sched_reset(void);

/* Created or ready (a thread or a vCPU). */
bool sched_ec_runnable(const struct obj_ec *ec);
/* The handler at the end of ec's call chain (ec itself if not calling). */
struct obj_ec *sched_chain_end(struct obj_ec *ec);
/* The EC at the start of the call chain ec is part of. */
struct obj_ec *sched_chain_root(struct obj_ec *ec);
/* Is a an ancestor of (or equal to) ec in ec's call chain? */
bool sched_in_chain(const struct obj_ec *a, const struct obj_ec *ec);

/* Binds a new SC to its EC. */
void sched_bind(struct obj_sc *sc);
/* The SC's last capability went: off the queues and off its EC. */
void sched_sc_dying(struct obj_sc *sc);
/* Re-evaluates the SCs of ec and of its chain's root. */
void sched_update(struct obj_ec *ec);

/* Charges the running SC up to now; rotates it when its budget is gone. */
void sched_charge(u64 now_us);
/* The SC to run now (left queued), or NULL; it becomes the running one. */
struct obj_sc *sched_pick(void);

#endif
