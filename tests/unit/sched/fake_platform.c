#include "fake_platform.h"
#include <string.h>
#include <vireo/ipc.h>

struct vireo_utcb fake_utcb[FAKE_UTCBS];
u64 fake_now;
unsigned fake_unhandled;

static struct vireo_utcb *utcb(const struct obj_ec *ec)
{
    return ec->utcb_page > 0 && ec->utcb_page < FAKE_UTCBS ? &fake_utcb[ec->utcb_page] : NULL;
}

void rt_set_result(struct obj_ec *ec, enum vireo_status status, u64 rdx)
{
    ((u64 *)ec->arch_area)[0] = status;
    ((u64 *)ec->arch_area)[1] = rdx;
}

bool rt_utcb_ok(const struct obj_ec *ec)
{
    return utcb(ec) != NULL;
}

enum rt_xfer rt_transfer_call(struct obj_ec *from, struct obj_ec *to, u64 words, u64 badge)
{
    struct vireo_utcb *src = utcb(from), *dst = utcb(to);
    if (!from->fault_kind && !src)
        return RT_XFER_SRC_BAD;
    if (!dst)
        return RT_XFER_DST_BAD;
    if (from->fault_kind) {
        memset(dst->msg, 0, VIREO_FAULT_MSG_WORDS * 8);
        dst->msg[0] = from->fault_kind;
        dst->msg[1] = from->fault_vector;
        dst->msg[2] = from->fault_error;
        dst->msg[3] = from->fault_address;
        words = VIREO_FAULT_MSG_WORDS;
    } else {
        memmove(dst->msg, src->msg, words * 8);
    }
    dst->head.msg_words = words;
    dst->head.badge = badge;
    return RT_XFER_OK;
}

enum rt_xfer rt_transfer_reply(struct obj_ec *from, struct obj_ec *to, u64 words)
{
    struct vireo_utcb *src = utcb(from), *dst = utcb(to);
    if (!src)
        return RT_XFER_SRC_BAD;
    if (!dst)
        return RT_XFER_DST_BAD;
    memmove(dst->msg, src->msg, words * 8);
    dst->head.msg_words = words;
    return RT_XFER_OK;
}

bool rt_fault_reply(struct obj_ec *from, struct obj_ec *to, u64 words)
{
    struct vireo_utcb *src = utcb(from);
    return to->fault_kind != VIREO_FAULT_EXIT && words >= 1 && src &&
           src->msg[0] == VIREO_FAULT_RESUME;
}

void rt_fault_unhandled(struct obj_ec *ec, const char *why)
{
    (void)ec;
    (void)why;
    fake_unhandled++;
}

u64 rt_now_us(void)
{
    return fake_now;
}
