/* donor: the low-priority client of the donee (sched_protocol.h). On go it
 * calls the donee, which spins on the donor's SC until the ticker releases
 * it; then it checks the reply and makes the donee quit. */
#include "sched_protocol.h"
#include <vireo/cap.h>
#include <vireo/server.h>
#include <vireo/user.h>

int main(void);
int main(void)
{
    const struct vireo_server_info *info = server_start();
    u64 pt = server_call_sel(info, "donee");
    u32 donee_id = server_ref_id(info, "donee");
    if (pt == VIREO_SERVER_SEL_NONE || donee_id == 0 || donee_id >= SCHED_SLOTS)
        user_fatal("needs calls = <&donee>\n");
    volatile struct sched_slot *me = sched_peer_join(info);
    volatile const struct sched_shared *sh =
        (volatile const struct sched_shared *)SCHED_SHARED_ADDR;
    sched_peer_wait_go();

    u64 msg = DONEE_OP_SPIN, n = 0, words = 0;
    enum vireo_status s = ipc_call(pt, &msg, 1, &n, 1, &words);
    if (s != VIREO_OK || words != 1)
        user_fatal("FAIL: spin call: %s, %llu words\n", vireo_status_name(s),
                   (unsigned long long)words);
    if (n == 0 || n != sh->slot[donee_id].count)
        user_fatal("FAIL: the donee replied %llu iterations, its slot says %llu\n",
                   (unsigned long long)n, (unsigned long long)sh->slot[donee_id].count);
    printf("the donee spun %llu iterations on my time and replied\n", (unsigned long long)n);
    msg = DONEE_OP_QUIT;
    s = ipc_call(pt, &msg, 1, NULL, 0, NULL);
    if (s != VIREO_E_ABORTED)
        user_fatal("FAIL: quit call: %s, expected VIREO_E_ABORTED\n", vireo_status_name(s));
    me->done = 1;
    return 0;
}
