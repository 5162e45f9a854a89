/* donee: a server that spins on its caller's time (sched_protocol.h). Its
 * own SC has a high priority; a call lends it the caller's SC, so while it
 * serves a low-priority client a medium-priority thread must still run
 * (the ticker checks that the donee's count stands still meanwhile). */
#include "sched_protocol.h"
#include <vireo/cap.h>
#include <vireo/server.h>
#include <vireo/user.h>

int main(void);
int main(void)
{
    const struct vireo_server_info *info = server_start();
    volatile struct sched_slot *me = sched_peer_join(info);

    u64 reply = 0, served = 0;
    for (;;) {
        u64 badge = 0;
        enum vireo_status s = sys_reply_wait(reply, &badge);
        reply = 0;
        if (s != VIREO_OK)
            continue;
        u64 op = user_utcb->head.msg_words ? user_utcb->msg[0] : 0;
        if (op == DONEE_OP_SPIN) {
            u64 n = 0;
            while (!me->stop)
                me->count = ++n;
            user_utcb->msg[0] = n;
            served++;
            reply = 1;
        } else if (op == DONEE_OP_QUIT) {
            printf("served %llu spin call(s) on the caller's time, quitting\n",
                   (unsigned long long)served);
            me->done = 1;
            sys_exit(0);
        } else {
            user_utcb->msg[0] = ~0ull;
            reply = 1;
        }
    }
}
