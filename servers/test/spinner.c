/* spinner: CPU load for the scheduling tests (sched_protocol.h). It waits
 * on its go semaphore, then spins without any system call, counting
 * iterations in its slot, until the ticker sets its stop flag; then it
 * prints the count and exits 0. Its `arg` is its SC's budget in us (the
 * ticker checks the CPU shares against the budgets). The ticker judges;
 * the spinner only checks that it started after the ticker's setup. */
#include "sched_protocol.h"
#include <vireo/cap.h>
#include <vireo/server.h>
#include <vireo/user.h>

int main(void);
int main(void)
{
    const struct vireo_server_info *info = server_start();
    u64 go = 0;
    if (sys_lookup(SCHED_SEL_GO, &go) != VIREO_OK || vireo_capinfo_type(go) != VIREO_CAP_SM)
        user_fatal("FAIL: running before the ticker set up (no go semaphore)\n");
    volatile struct sched_shared *sh = (volatile struct sched_shared *)SCHED_SHARED_ADDR;
    if (sh->magic != SCHED_MAGIC || info->id >= SCHED_SLOTS)
        user_fatal("FAIL: the shared page is not the ticker's\n");
    volatile struct sched_slot *me = &sh->slot[info->id];
    me->budget_us = info->arg;
    me->ready = 1;
    enum vireo_status s = sys_sm_ctrl(SCHED_SEL_GO, VIREO_SM_OP_DOWN, VIREO_TIMEOUT_NEVER);
    if (s != VIREO_OK)
        user_fatal("FAIL: waiting for go: %s\n", vireo_status_name(s));

    u64 n = 0;
    while (!me->stop)
        me->count = ++n;
    printf("stopped after %llu iterations\n", (unsigned long long)n);
    me->done = 1;
    return 0;
}
