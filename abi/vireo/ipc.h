/*
 * IPC between threads, and how faults and exits reach a supervisor.
 *
 * Messages are words in the UTCB (abi/vireo/utcb.h, msg[0..VIREO_MSG_WORDS)).
 * The kernel reads and writes a UTCB through its PD's page tables at the
 * moment of the transfer; a UTCB that is not mapped (writable, for the
 * receiving side) is an error for the side that lacks it, never a fault.
 * abi/vireo/syscall.h lists every status.
 *
 * Time: a call lends the caller's scheduling context (SC) to the handler,
 * along the whole chain of nested calls; the handler's own SC, if it has
 * one, is not used while it serves a call. A thread without an SC runs
 * only on lent time (its first call starts it: syscall.h).
 *
 * call(sel pt, u64 words)            VIREO_SYS_CALL, %rdi, %rsi
 *   Sends msg[0..words) of the caller's UTCB to the portal's handler EC and
 *   blocks until it replies. The handler runs on the caller's scheduling
 *   context (the caller's time is lent to it). On return %rax is the
 *   status; the reply is in msg[0..head.msg_words) and %rdx = msg_words.
 *   If the handler is busy, the call waits (callers are served in the
 *   order they came). VIREO_E_ABORTED: the handler died or stopped before
 *   replying (queued callers too). words > VIREO_MSG_WORDS:
 *   VIREO_E_INVALID_ARG, nothing sent. VIREO_E_BUSY: the handler is the
 *   caller itself or waits for the caller's reply (a cycle).
 *
 * reply_wait(u64 words)              VIREO_SYS_REPLY_WAIT, %rdi
 *   If the caller is handling a call, replies with msg[0..words) of its
 *   UTCB (the client resumes); then waits for the next call to any portal
 *   bound to the caller. Returns with the message in msg[0..head.msg_words),
 *   head.badge = the portal's badge, %rdx = the badge. If the caller died
 *   while its call was handled, the reply goes nowhere (no error); the
 *   handler then runs on its own SC, if it has one.
 *
 * A portal's MTD, for a handler that is a thread, is 0 (the message is
 * whatever the caller sent). For a vCPU's exit portals it selects guest
 * state (the VM-exit work defines those bits).
 */
#ifndef VIREO_ABI_IPC_H
#define VIREO_ABI_IPC_H

#include <vireo/types.h>
#include <vireo/cap.h>

/*
 * Faults. When a thread raises a CPU exception, calls exit, or is recalled,
 * the kernel makes it call the portal at selector VIREO_SEL_FAULT_PT of its
 * own PD on its behalf, with a struct vireo_fault_msg as the message; the
 * thread stays blocked until the handler replies, and runs on the SC it
 * ran on (the call lends it as any call does). The reply's word 0 is a
 * enum vireo_fault_action; a reply without words, or with any other value,
 * stops the thread. The kernel needs no right on the portal: a supervisor
 * delegates it with none, so that the thread cannot call it itself and
 * forge a fault message. Without a usable fault portal there (empty, not a
 * portal, its handler gone or waiting for the thread), or
 * when the handler dies before replying, the thread is stopped for good
 * and the kernel logs a line naming its PD, its EC number and the fault;
 * if the thread is init's, the system stops (abi/vireo/syscall.h, exit).
 * A recall is delivered before the thread next returns to user mode.
 */
#define VIREO_SEL_FAULT_PT (VIREO_SEL_COUNT - 1)

enum vireo_fault_kind {
    VIREO_FAULT_EXCEPTION = 1, /* vector, error_code, address as the CPU gave */
    VIREO_FAULT_EXIT = 2,      /* the thread called exit(status): error_code = status */
    VIREO_FAULT_RECALL = 3,    /* another EC recalled it (EC_RECALL) */
};

struct vireo_fault_msg {
    u64 kind;       /* enum vireo_fault_kind */
    u64 vector;     /* exception vector (0..31) */
    u64 error_code; /* the exception's error code, or the exit status */
    u64 address;    /* #PF: the faulting linear address (CR2) */
    u64 rip, rsp, rflags;
    u64 rax, rbx, rcx, rdx, rsi, rdi, rbp;
    u64 r8, r9, r10, r11, r12, r13, r14, r15;
};
VIREO_ABI_SIZE(struct vireo_fault_msg, 22 * 8);
#define VIREO_FAULT_MSG_WORDS (sizeof(struct vireo_fault_msg) / 8)

enum vireo_fault_action {
    /* Resume the thread; with reply words >= VIREO_FAULT_MSG_WORDS + 1 the
     * registers in msg[1..] (a struct vireo_fault_msg) replace its own
     * (rip, rsp, the GPRs, and of rflags CF, PF, AF, ZF, SF, DF and OF;
     * kind..address are ignored). A rip outside the user half becomes a
     * #GP fault of the thread. An exited thread cannot be resumed: it stays
     * stopped. */
    VIREO_FAULT_RESUME = 0,
    /* Stop the thread for good. */
    VIREO_FAULT_STOP = 1,
};

#endif
