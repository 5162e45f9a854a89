/* IPC helpers over call and reply_wait (abi/vireo/ipc.h). */
#include <vireo/user.h>
#include <string.h>

struct vireo_utcb *user_utcb;

enum vireo_status ipc_call(u64 pt, const u64 *msg, u64 words, u64 *reply, u64 reply_max,
                           u64 *reply_words)
{
    /* The kernel uses the calling thread's UTCB, whichever thread this is. */
    struct vireo_utcb *utcb = utcb_self();
    if (words > VIREO_MSG_WORDS)
        return VIREO_E_INVALID_ARG;
    if (words)
        memcpy(utcb->msg, msg, words * 8);
    enum vireo_status status = sys_call(pt, words);
    if (status != VIREO_OK)
        return status;
    /* The kernel wrote msg_words; never trust it beyond the UTCB. */
    u64 got = utcb->head.msg_words;
    if (got > VIREO_MSG_WORDS)
        got = VIREO_MSG_WORDS;
    if (reply_words)
        *reply_words = got;
    if (reply_max)
        memcpy(reply, utcb->msg, (got < reply_max ? got : reply_max) * 8);
    return VIREO_OK;
}

/* Handles calls for good; with `received`, the first one is already in
 * utcb (a thread that a call started). */
static __attribute__((noreturn)) void serve(struct vireo_utcb *utcb, ipc_handler handler, void *ctx,
                                            bool received)
{
    u64 reply = 0;
    for (;;) {
        u64 badge = utcb->head.badge;
        if (!received && sys_reply_wait(reply, &badge) != VIREO_OK) {
            reply = 0; /* nothing received: wait again, replying nothing */
            continue;
        }
        received = false;
        u64 words = utcb->head.msg_words;
        if (words > VIREO_MSG_WORDS)
            words = VIREO_MSG_WORDS;
        reply = handler(ctx, badge, utcb, words);
        if (reply > VIREO_MSG_WORDS)
            reply = VIREO_MSG_WORDS;
    }
}

void ipc_serve(struct vireo_utcb *utcb, ipc_handler handler, void *ctx)
{
    serve(utcb, handler, ctx, false);
}

void ipc_serve_started(struct vireo_utcb *utcb, ipc_handler handler, void *ctx)
{
    serve(utcb, handler, ctx, true);
}

const char *vireo_status_name(u64 status)
{
    static const char *const names[] = {
        "VIREO_OK",        "VIREO_E_INVALID_SYSCALL", "VIREO_E_INVALID_ARG", "VIREO_E_BAD_ADDRESS",
        "VIREO_E_BAD_CAP", "VIREO_E_NO_RIGHTS",       "VIREO_E_NO_MEMORY",   "VIREO_E_BUSY",
        "VIREO_E_TIMEOUT", "VIREO_E_ABORTED",         "VIREO_E_OVERLAP",
    };
    _Static_assert(sizeof(names) / sizeof(names[0]) == VIREO_STATUS_COUNT, "a name per status");
    return status < VIREO_STATUS_COUNT ? names[status] : "?";
}
