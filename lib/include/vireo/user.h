/* The ring-3 runtime every server and init links (lib/user/): syscall
 * stubs, IPC helpers and console output. */
#ifndef VIREO_LIB_USER_H
#define VIREO_LIB_USER_H

#include <vireo/types.h>
#include <vireo/status.h>
#include <vireo/utcb.h>
#include <vireo/sys.h>

/* ---- IPC helpers ---- */

/* The main thread's UTCB, set at start-up (init: from its init info; a
 * server: by server_start()). Other threads pass theirs explicitly. */
extern struct vireo_utcb *user_utcb;

/* The calling thread's UTCB as %fs says (its first word is its own
 * address). */
static inline struct vireo_utcb *utcb_self(void)
{
    struct vireo_utcb *utcb;
    __asm__ volatile("movq %%fs:0, %0" : "=r"(utcb));
    return utcb;
}

/* Copies words of msg into the calling thread's UTCB, calls pt and copies up to reply_max
 * words of the reply back; *reply_words (may be NULL) gets the reply's
 * length. msg and reply may be NULL when their length is 0. */
enum vireo_status ipc_call(u64 pt, const u64 *msg, u64 words, u64 *reply, u64 reply_max,
                           u64 *reply_words);

/* A portal handler: the request is msg[0..words) of utcb, sent through the
 * portal with the given badge. It leaves its reply in utcb->msg and
 * returns the reply's length in words. */
typedef u64 (*ipc_handler)(void *ctx, u64 badge, struct vireo_utcb *utcb, u64 words);

/* Serves the portals bound to the calling thread for good: waits, hands
 * each call to handler and replies with what it left. */
__attribute__((noreturn)) void ipc_serve(struct vireo_utcb *utcb, ipc_handler handler, void *ctx);
/* The same for a thread that the first call to its portal started
 * (abi/vireo/syscall.h): that call's message is already in utcb, and a
 * reply_wait first would answer it with nothing. */
__attribute__((noreturn)) void ipc_serve_started(struct vireo_utcb *utcb, ipc_handler handler,
                                                 void *ctx);

/* ---- console ---- */

/* printf to the console, through one console_write per call. Output longer
 * than the internal buffer is written in several calls. */
void printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void puts(const char *s);

/* Reports a failed run-time check and exits with status 1. */
__attribute__((noreturn)) void user_fatal(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

#endif
