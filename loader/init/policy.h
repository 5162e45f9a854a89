/* The supervisor's decisions, apart from the system calls that carry them
 * out: what a fault or an exit means for a server under its restart
 * policy, whether its run met its expectation, and the final summary. */
#ifndef INIT_POLICY_H
#define INIT_POLICY_H

#include "bindings.h"

/* How a server's run is going, as the supervisor records it. */
struct server_record {
    u32 restarts; /* restarts done */
    u32 faults;
    bool ended;  /* exited, or stopped for good after a fault */
    bool exited; /* ended by exit(exit_status) */
    u64 exit_status;
    bool fault_elsewhere; /* a fault not at the expected address */
    u64 last_fault_address;
};

enum policy_action {
    ACTION_RESTART,     /* tear down, start again from the ELF */
    ACTION_END,         /* tear down; the rest of the system goes on */
    ACTION_STOP_SYSTEM, /* tear everything down and finish */
};

/* A fault (exception vector, #PF address) under the server's policy. A
 * restart policy past max-restarts becomes a stop. */
enum policy_action policy_on_fault(const struct server_desc *d, struct server_record *r, u64 vector,
                                   u64 address);
/* An exit: the server has ended. */
void policy_on_exit(struct server_record *r, u64 status);
/* A server still running when the system stops ends without an exit. */
void policy_on_stopped(struct server_record *r);

/* Whether the run met d's expectation; otherwise why names the
 * difference ("expected exit 0, got a fault"). */
bool policy_met(const struct server_desc *d, const struct server_record *r, char *why,
                size_t why_size);

/* Writes the part in parentheses of the fault line: "restart 1 of 3",
 * "no restart: policy ignore", ... for the action just decided. */
void policy_describe(const struct server_desc *d, const struct server_record *r,
                     enum policy_action action, char *out, size_t size);

/* The CPU's name of an exception vector ("#PF"), "#?" when unknown. */
const char *exception_name(u64 vector);

struct summary {
    u32 exited_ok; /* ended by exit(0) */
    u32 failed;    /* every other end */
    u32 restarts;
};
void summary_add(struct summary *s, const struct server_record *r);

#endif
