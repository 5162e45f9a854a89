/* echo: answers every call with a transformation of its message the
 * caller can check (protocol.h); exits once `arg` clients (default 1) have
 * said they are done. */
#include "protocol.h"
#include <vireo/server.h>
#include <vireo/user.h>

struct echo_state {
    const struct vireo_server_info *info;
    u64 calls, done, clients;
};

static u64 handle(void *ctx, u64 badge, struct vireo_utcb *utcb, u64 words)
{
    struct echo_state *st = ctx;
    if (words == 0) {
        utcb->msg[0] = 0; /* an empty request gets an empty answer */
        return 0;
    }
    if (utcb->msg[0] == ECHO_OP_DONE) {
        if (++st->done >= st->clients) {
            printf("%llu calls from %llu clients, quitting\n", (unsigned long long)st->calls,
                   (unsigned long long)st->done);
            sys_exit(0);
        }
        utcb->msg[0] = badge;
        return 1;
    }
    if (utcb->msg[0] != ECHO_OP_ECHO) {
        utcb->msg[0] = ~0ull;
        return 1;
    }
    for (u64 i = 1; i < words; i++)
        utcb->msg[i] = echo_transform(utcb->msg[i], i);
    utcb->msg[0] = badge;
    st->calls++;
    return words;
}

int main(void);
int main(void)
{
    static struct echo_state st;
    st.info = server_start();
    st.clients = st.info->arg ? st.info->arg : 1;
    printf("serving as id %u for %llu clients\n", st.info->id, (unsigned long long)st.clients);
    ipc_serve(user_utcb, handle, &st);
}
