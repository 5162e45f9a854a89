/* client: calls echo `arg` times (default 1000) with messages of varied
 * length up to VIREO_MSG_WORDS and checks every reply word. */
#include "protocol.h"
#include <vireo/server.h>
#include <vireo/user.h>

int main(void);
int main(void)
{
    const struct vireo_server_info *info = server_start();
    u64 pt = server_call_sel(info, "echo");
    u32 echo_id = server_ref_id(info, "echo");
    if (pt == VIREO_SERVER_SEL_NONE)
        user_fatal("no portal to echo\n");
    u64 calls = info->arg ? info->arg : 1000;
    u64 seed = 0x1234567ull + info->id, *msg = user_utcb->msg;
    for (u64 n = 0; n < calls; n++) {
        u64 words = 1 + test_rand(&seed) % VIREO_MSG_WORDS;
        u64 first = test_rand(&seed);
        msg[0] = ECHO_OP_ECHO;
        for (u64 i = 1; i < words; i++)
            msg[i] = first + i * n;
        enum vireo_status s = sys_call(pt, words);
        if (s != VIREO_OK)
            user_fatal("call %llu failed: %s\n", (unsigned long long)n, vireo_status_name(s));
        if (user_utcb->head.msg_words != words || msg[0] != echo_id)
            user_fatal("call %llu: reply of %llu words, badge %llu; expected %llu, %u\n",
                       (unsigned long long)n, (unsigned long long)user_utcb->head.msg_words,
                       (unsigned long long)msg[0], (unsigned long long)words, echo_id);
        for (u64 i = 1; i < words; i++) {
            if (msg[i] != echo_transform(first + i * n, i))
                user_fatal("call %llu: reply word %llu is wrong\n", (unsigned long long)n,
                           (unsigned long long)i);
        }
    }
    printf("%llu calls, all replies correct\n", (unsigned long long)calls);
    msg[0] = ECHO_OP_DONE;
    enum vireo_status s = sys_call(pt, 1);
    if (s != VIREO_OK && s != VIREO_E_ABORTED) /* aborted: echo quit on our word */
        user_fatal("done call failed: %s\n", vireo_status_name(s));
    return 0;
}
