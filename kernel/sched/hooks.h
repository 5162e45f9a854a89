/*
 * What the pure scheduler/IPC code (ipc.c) needs from the platform: the
 * results an EC sees in its registers, message transfer between UTCBs, the
 * clock and fault reports. The kernel implements them in kernel/rt/; host
 * tests with fakes.
 */
#ifndef KERNEL_SCHED_HOOKS_H
#define KERNEL_SCHED_HOOKS_H

#include <vireo/status.h>

#include "../obj/objects.h"

/* fault_kind of a call the kernel makes for a vCPU: a VM exit (not in
 * abi/vireo/ipc.h: vCPUs have no fault messages). */
#define RT_KIND_VMEXIT 0x40u

enum rt_xfer {
    RT_XFER_OK = 0,
    RT_XFER_SRC_BAD = 1, /* the sender's UTCB is not mapped readable */
    RT_XFER_DST_BAD = 2, /* the receiver's UTCB is not mapped writable */
};

/* %rax and %rdx ec sees when it next returns from its syscall. */
void rt_set_result(struct obj_ec *ec, enum vireo_status status, u64 rdx);
/* Is ec's UTCB mapped user-writable in its PD? */
bool rt_utcb_ok(const struct obj_ec *ec);
/* A call arriving: msg[0..words) of from's UTCB (or, with from->fault_kind,
 * the struct vireo_fault_msg of its state, or for RT_KIND_VMEXIT the exit
 * message) into to's UTCB, with head.msg_words and head.badge. */
enum rt_xfer rt_transfer_call(struct obj_ec *from, struct obj_ec *to, u64 words, u64 badge);
/* A reply: msg[0..words) of from's UTCB into to's, with head.msg_words. */
enum rt_xfer rt_transfer_reply(struct obj_ec *from, struct obj_ec *to, u64 words);
/* The reply to to's fault call: true to resume it (registers applied as
 * abi/vireo/ipc.h says), false to stop it. */
bool rt_fault_reply(struct obj_ec *from, struct obj_ec *to, u64 words);
/* ec's fault (ec->fault_kind etc.) has no usable fault portal: report it
 * (stops the system when ec is init's). ec is stopped afterwards. */
void rt_fault_unhandled(struct obj_ec *ec, const char *why);
/* Microseconds since boot. */
u64 rt_now_us(void);

#endif
