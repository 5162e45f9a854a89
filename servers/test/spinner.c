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
    volatile struct sched_slot *me = sched_peer_join(info);
    sched_peer_wait_go();

    u64 n = 0;
    while (!me->stop)
        me->count = ++n;
    printf("stopped after %llu iterations\n", (unsigned long long)n);
    me->done = 1;
    return 0;
}
