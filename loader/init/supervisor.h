/* Fault supervision. A thread of init's own (the supervisor) handles every
 * server's fault portal: it records the fault message, replies "stop" so
 * the faulting thread stays stopped, and wakes init's main thread, which
 * decides and does the teardown and restart outside any IPC. */
#ifndef INIT_SUPERVISOR_H
#define INIT_SUPERVISOR_H

#include "builder.h"

struct fault_event {
    u64 id; /* the fault portal's badge: the server's id */
    u64 kind, vector, error_code, address, rip;
};

/* Creates the wake-up semaphore and the supervisor thread (its UTCB and
 * stack from init's frames, its SC at the highest priority); sets
 * c->sup_ec. */
bool supervisor_setup(struct init_ctx *c, char *why, size_t why_size);

/* Blocks until the supervisor has recorded a fault, and returns it. */
void supervisor_next(struct fault_event *ev);

#endif
