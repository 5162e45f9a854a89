/* Message transfer between UTCBs and the fault messages (sched/hooks.h). */
#include "runtime.h"
#include "vcpu_rt.h"
#include "user_mem.h"
#include "../log.h"
#include "../page_table.h"
#include "../sched/hooks.h"
#include "../stop.h"
#include "../x86/ec_context.h"
#include "../x86/exception.h"
#include <string.h>
#include <vireo/format.h>
#include <vireo/ipc.h>
#include <vireo/x86/cr.h>
#include <vireo/utcb.h>
#include <vireo/vmexit.h>

/* RFLAGS bits a fault handler may set: the arithmetic flags and DF. */
#define REPLY_RFLAGS                                                                               \
    (RFLAGS_CF | RFLAGS_PF | RFLAGS_AF | RFLAGS_ZF | RFLAGS_SF | RFLAGS_DF | RFLAGS_OF)

bool rt_utcb_ok(const struct obj_ec *ec)
{
    return utcb_of(ec, true) != NULL;
}

static void fault_msg(struct obj_ec *ec, struct vireo_fault_msg *m)
{
    const struct cpu_frame *f = ec_frame(ec);
    *m = (struct vireo_fault_msg){
        .kind = ec->fault_kind,
        .vector = ec->fault_vector,
        .error_code = ec->fault_error,
        .address = ec->fault_address,
        .rip = f->rip,
        .rsp = f->rsp,
        .rflags = f->rflags,
        .rax = f->rax,
        .rbx = f->rbx,
        .rcx = f->rcx,
        .rdx = f->rdx,
        .rsi = f->rsi,
        .rdi = f->rdi,
        .rbp = f->rbp,
        .r8 = f->r8,
        .r9 = f->r9,
        .r10 = f->r10,
        .r11 = f->r11,
        .r12 = f->r12,
        .r13 = f->r13,
        .r14 = f->r14,
        .r15 = f->r15,
    };
}

enum rt_xfer rt_transfer_call(struct obj_ec *from, struct obj_ec *to, u64 words, u64 badge)
{
    struct vireo_utcb *dst = utcb_of(to, true);
    if (from->fault_kind == RT_KIND_VMEXIT) {
        if (!dst)
            return RT_XFER_DST_BAD;
        vcpu_exit_message(from, (struct vireo_vcpu_state *)dst->msg);
        words = VIREO_VCPU_STATE_WORDS;
    } else if (from->fault_kind) {
        if (!dst)
            return RT_XFER_DST_BAD;
        struct vireo_fault_msg m;
        fault_msg(from, &m);
        memcpy(dst->msg, &m, sizeof(m));
        words = VIREO_FAULT_MSG_WORDS;
    } else {
        const struct vireo_utcb *src = utcb_of(from, false);
        if (!src)
            return RT_XFER_SRC_BAD;
        if (!dst)
            return RT_XFER_DST_BAD;
        memmove(dst->msg, src->msg, words * 8); /* two ECs may share a UTCB */
    }
    dst->head.msg_words = words;
    dst->head.badge = badge;
    return RT_XFER_OK;
}

enum rt_xfer rt_transfer_reply(struct obj_ec *from, struct obj_ec *to, u64 words)
{
    const struct vireo_utcb *src = utcb_of(from, false);
    struct vireo_utcb *dst = utcb_of(to, true);
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
    const struct vireo_utcb *src = utcb_of(from, false);
    if (to->fault_kind == RT_KIND_VMEXIT)
        return src && vcpu_reply(to, src->msg, words);
    if (to->fault_kind == VIREO_FAULT_EXIT || words < 1 || !src ||
        src->msg[0] != VIREO_FAULT_RESUME)
        return false;
    if (words < 1 + VIREO_FAULT_MSG_WORDS)
        return true;
    struct vireo_fault_msg m;
    memcpy(&m, &src->msg[1], sizeof(m));
    struct cpu_frame *f = ec_frame(to);
    f->rip = m.rip;
    f->rsp = m.rsp;
    f->rflags = (f->rflags & ~REPLY_RFLAGS) | (m.rflags & REPLY_RFLAGS);
    f->rax = m.rax;
    f->rbx = m.rbx;
    f->rcx = m.rcx;
    f->rdx = m.rdx;
    f->rsi = m.rsi;
    f->rdi = m.rdi;
    f->rbp = m.rbp;
    f->r8 = m.r8;
    f->r9 = m.r9;
    f->r10 = m.r10;
    f->r11 = m.r11;
    f->r12 = m.r12;
    f->r13 = m.r13;
    f->r14 = m.r14;
    f->r15 = m.r15;
    f->vector = 0; /* every register given: leave through IRETQ */
    return true;
}

static void describe(const struct obj_ec *ec, char *buf, size_t size)
{
    const struct cpu_frame *f = ec_frame((struct obj_ec *)ec);
    switch (ec->fault_kind) {
    case VIREO_FAULT_EXIT:
        snformat(buf, size, "exited with status %lld", (long long)ec->fault_error);
        break;
    case VIREO_FAULT_RECALL:
        snformat(buf, size, "recalled at rip 0x%llx", (unsigned long long)f->rip);
        break;
    case RT_KIND_VMEXIT:
        snformat(buf, size, "(vCPU) exit %s", vireo_exit_class_name(vcpu_of(ec)->exit_class));
        break;
    default:
        if (ec->fault_vector == 14)
            snformat(buf, size, "#PF at rip 0x%llx, address 0x%llx", (unsigned long long)f->rip,
                     (unsigned long long)ec->fault_address);
        else
            snformat(buf, size, "%s at rip 0x%llx, error 0x%llx",
                     exception_mnemonic(ec->fault_vector), (unsigned long long)f->rip,
                     (unsigned long long)ec->fault_error);
        break;
    }
}

void rt_fault_unhandled(struct obj_ec *ec, const char *why)
{
    char name[24], what[96];
    const char *pd = rt_pd_name(ec->pd, name);
    describe(ec, what, sizeof(what));
    if (ec->pd != kobj.init_pd) {
        log_warn("kernel: %s: EC %u %s; stopped (%s)\n", pd, ec->id, what, why);
        return;
    }
    /* init is the root: nothing supervises it. */
    if (ec->fault_kind == VIREO_FAULT_EXIT) {
        char reason[64];
        if (ec->fault_error == 0)
            system_stop(VIREO_STOP_OK, "init exited");
        snformat(reason, sizeof(reason), "init exited with status %lld",
                 (long long)ec->fault_error);
        system_stop(VIREO_STOP_INIT_FAILED, reason);
    }
    if (ec->fault_kind == VIREO_FAULT_EXCEPTION)
        exception_dump(ec_frame(ec), ec->fault_address);
    kprintf("kernel: init faulted: %s\n", what);
    system_stop(VIREO_STOP_INIT_FAILED, "init faulted");
}
