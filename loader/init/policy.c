/* Restart policy, expectations and the summary (policy.h). */
#include "policy.h"
#include <vireo/format.h>

enum policy_action policy_on_fault(const struct server_desc *d, struct server_record *r, u64 vector,
                                   u64 address)
{
    r->faults++;
    r->last_fault_address = address;
    if (d->expect.fault_at_set && (vector != 14 || address != d->expect.fault_at))
        r->fault_elsewhere = true;
    if (d->restart == POLICY_RESTART && r->restarts < d->max_restarts) {
        r->restarts++;
        return ACTION_RESTART;
    }
    r->ended = true;
    return d->restart == POLICY_IGNORE ? ACTION_END : ACTION_STOP_SYSTEM;
}

void policy_on_exit(struct server_record *r, u64 status)
{
    r->ended = true;
    r->exited = true;
    r->exit_status = status;
}

void policy_on_stopped(struct server_record *r)
{
    r->ended = true;
}

bool policy_met(const struct server_desc *d, const struct server_record *r, char *why,
                size_t why_size)
{
    const struct expectation *e = &d->expect;
    if (why_size)
        why[0] = '\0';
    if (e->run) {
        if (r->faults || r->exited) {
            snformat(why, why_size, "expected to run until the system stopped, got %s",
                     r->faults ? "a fault" : "an exit");
            return false;
        }
        return true;
    }
    if (e->fault && r->faults == 0) {
        snformat(why, why_size, "expected a fault, got none");
        return false;
    }
    if (!e->fault && r->faults) {
        snformat(why, why_size, "expected no fault, got %u", r->faults);
        return false;
    }
    if (r->fault_elsewhere) {
        snformat(why, why_size, "expected the fault at %#llx, got one at %#llx",
                 (unsigned long long)e->fault_at, (unsigned long long)r->last_fault_address);
        return false;
    }
    if (e->exit && !r->exited) {
        snformat(why, why_size, "expected exit %llu, got no exit",
                 (unsigned long long)e->exit_status);
        return false;
    }
    if (e->exit && r->exit_status != e->exit_status) {
        snformat(why, why_size, "expected exit %llu, got exit %llu",
                 (unsigned long long)e->exit_status, (unsigned long long)r->exit_status);
        return false;
    }
    if (!e->exit && r->exited) {
        snformat(why, why_size, "expected to end by a fault, got exit %llu",
                 (unsigned long long)r->exit_status);
        return false;
    }
    return true;
}

void policy_describe(const struct server_desc *d, const struct server_record *r,
                     enum policy_action action, char *out, size_t size)
{
    switch (action) {
    case ACTION_RESTART:
        snformat(out, size, "restart %u of %u", r->restarts, d->max_restarts);
        break;
    case ACTION_END:
        snformat(out, size, "no restart: policy ignore");
        break;
    case ACTION_STOP_SYSTEM:
        if (d->restart == POLICY_RESTART)
            snformat(out, size, "restarts used up: %u of %u, stopping the system", r->restarts,
                     d->max_restarts);
        else
            snformat(out, size, "policy stop: stopping the system");
        break;
    }
}

const char *exception_name(u64 vector)
{
    static const char *const names[32] = {
        [0] = "#DE",  [1] = "#DB",  [2] = "NMI",  [3] = "#BP",  [4] = "#OF",
        [5] = "#BR",  [6] = "#UD",  [7] = "#NM",  [8] = "#DF",  [10] = "#TS",
        [11] = "#NP", [12] = "#SS", [13] = "#GP", [14] = "#PF", [16] = "#MF",
        [17] = "#AC", [18] = "#MC", [19] = "#XM", [20] = "#VE", [21] = "#CP",
    };
    return vector < 32 && names[vector] ? names[vector] : "#?";
}

void summary_add(struct summary *s, const struct server_record *r)
{
    if (r->exited && r->exit_status == 0)
        s->exited_ok++;
    else
        s->failed++;
    s->restarts += r->restarts;
}
