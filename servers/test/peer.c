/* peer: reads and writes the page the sharer maps into it (protocol.h).
 * After the sharer revokes the mapping, its next read must fault. */
#include "protocol.h"
#include <vireo/server.h>
#include <vireo/user.h>

static u64 handle(void *ctx, u64 badge, struct vireo_utcb *utcb, u64 words)
{
    volatile u64 *p = (volatile u64 *)(words >= 2 ? utcb->msg[1] : 0);
    if (words >= 3 && utcb->msg[0] == PEER_OP_CHECK) {
        u64 seen = p[0];
        p[1] = ~utcb->msg[2];
        utcb->msg[0] = seen == utcb->msg[2];
        return 1;
    }
    if (words >= 2 && utcb->msg[0] == PEER_OP_TOUCH) {
        utcb->msg[0] = p[0]; /* faults once the mapping is revoked */
        return 1;
    }
    utcb->msg[0] = ~0ull;
    return 1;
}

int main(void);
int main(void)
{
    const struct vireo_server_info *info = server_start();
    printf("serving as id %u\n", info->id);
    ipc_serve(user_utcb, handle, NULL);
}
