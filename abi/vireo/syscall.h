/*
 * System-call numbers and calling convention.
 *
 * `syscall` with %rax = number, arguments in %rdi, %rsi, %rdx, %r10, %r8,
 * %r9. Returns %rax = enum vireo_status, %rdx = a second result where a call
 * has one (0 otherwise, for every call that returns). %rcx and %r11 are
 * clobbered (the instruction uses them); every other register is
 * preserved, across a blocking call too. An unknown number returns
 * VIREO_E_INVALID_SYSCALL.
 *
 * A new thread (CREATE_EC) starts when it first gets time: when an SC is
 * bound to it (CREATE_SC), or, if it has no SC, when the first call to a
 * portal bound to it arrives. It starts at ip in ring 3 with %rsp = sp,
 * %fs base = its UTCB (utcb_page << 12), RFLAGS = IF, FPU/SSE in their reset
 * state and every other general register 0 -- except a thread started by
 * a call, which sees what reply_wait returns (%rax = VIREO_OK, %rdx = the
 * badge, the message in its UTCB). init's thread gets %rdi =
 * VIREO_INIT_INFO_ADDR (abi/vireo/init_info.h).
 */
#ifndef VIREO_ABI_SYSCALL_H
#define VIREO_ABI_SYSCALL_H

enum vireo_syscall {
    /* console_write(%rdi = const char *buf, %rsi = u64 len): prints to the
     * kernel console, every line prefixed with the caller's PD name (init's
     * is "init"; a PD created without a name is "pd<N>"). len <=
     * VIREO_CONSOLE_WRITE_MAX (VIREO_E_INVALID_ARG), the whole buffer
     * mapped readable (VIREO_E_BAD_ADDRESS, checked before anything is
     * printed). Control characters print as '?'. */
    VIREO_SYS_CONSOLE_WRITE = 0,
    /* exit(%rdi = u64 status): ends the calling thread. The kernel calls
     * the thread's fault portal for it with VIREO_FAULT_EXIT and error_code
     * = status (abi/vireo/ipc.h); the thread never runs again, whatever the
     * reply. Without a fault portal the thread just stops (logged); an
     * exiting thread of init stops the system with status 0 ("init
     * exited") for status 0, else VIREO_STOP_INIT_FAILED. Does not return. */
    VIREO_SYS_EXIT = 1,

    /* Capability arguments are selectors in the caller's capability space
     * (abi/vireo/cap.h). An invalid argument of any kind returns an error
     * and changes nothing. "needs PD_CREATE on pd" below means: pd is a PD
     * capability with VIREO_PD_CREATE, and the new object is charged to that
     * PD's kernel-memory quota (one block, VIREO_QUOTA_BLOCK bytes). Where an
     * object is created, its capability (all rights of its type plus
     * VIREO_RIGHT_DELEGATE) goes to the empty selector dst, the root of a new
     * derivation tree. */

    /* call(%rdi = sel pt, %rsi = u64 words): abi/vireo/ipc.h. Sends
     * msg[0..words) of the caller's UTCB to the portal's handler EC, which
     * runs on the caller's SC, and blocks until it replies. Returns %rax =
     * status, %rdx = the reply's words (in msg[], head.msg_words).
     *   VIREO_E_INVALID_ARG  words > VIREO_MSG_WORDS
     *   VIREO_E_BAD_CAP / VIREO_E_NO_RIGHTS  not a portal / no VIREO_PT_CALL
     *   VIREO_E_BUSY         the handler is the caller or waits for its reply
     *   VIREO_E_BAD_ADDRESS  the caller's UTCB is not mapped (nothing sent,
     *                        or the reply could not be written)
     *   VIREO_E_ABORTED      the handler is a vCPU, is gone, died or stopped
     *                        before replying, or its UTCB is not mapped */
    VIREO_SYS_CALL = 2,
    /* reply_wait(%rdi = u64 words): abi/vireo/ipc.h. Replies with
     * msg[0..words) to the call the caller handles (if any; the reply to a
     * caller that died goes nowhere), then waits for the next call to a
     * portal bound to the caller. Returns %rax = status, %rdx = the
     * portal's badge (also head.badge; the message in msg[0..head.msg_words)).
     *   VIREO_E_INVALID_ARG  words > VIREO_MSG_WORDS (nothing replied)
     *   VIREO_E_BAD_ADDRESS  the caller's UTCB is not mapped writable
     *                        (nothing replied, no wait) */
    VIREO_SYS_REPLY_WAIT = 3,
    /* create_pd(%rdi = sel dst, %rsi = sel pd, %rdx = u64 quota, %r10 = u64
     * flags, %r8 = const char *name): a new PD whose quota of `quota` blocks
     * is carved from pd's (pd is charged 1 + quota). flags: VIREO_PD_VM.
     * Needs PD_CREATE on pd. name: 0 for none ("pd<N>" on the console), or
     * a NUL-terminated console name of at most VIREO_PD_NAME_MAX
     * characters (non-printable ones print as '?'); checked before
     * everything else: VIREO_E_BAD_ADDRESS if it is not mapped readable,
     * VIREO_E_INVALID_ARG if it is longer. */
    VIREO_SYS_CREATE_PD = 4,
    /* create_ec(%rdi = sel dst, %rsi = sel pd, %rdx = u64 utcb_page, %r10 =
     * u64 ip, %r8 = u64 sp, %r9 = u64 flags): a thread running in pd, with
     * its UTCB at virtual page utcb_page (mapped by whoever builds pd; the
     * kernel reads and writes it through pd's page tables when it is
     * used). Needs PD_CREATE on pd. How it starts: see the top of this
     * file.
     * With VIREO_EC_VCPU (pd must be a VM PD): a vCPU. %rdx is then its
     * exit-portal base: an exit of class c (abi/vireo/vmexit.h) calls the
     * portal at selector base + c of pd's capability space, so base +
     * VIREO_EXIT_CLASS_COUNT <= VIREO_SEL_COUNT; ip and sp must be 0. It
     * costs pd VIREO_VCPU_QUOTA_BLOCKS (its hardware state) and needs that
     * much kernel memory (VIREO_E_NO_MEMORY). Its first exit, when an SC
     * first reaches it, is STARTUP, which sets its initial state. */
    VIREO_SYS_CREATE_EC = 5,
    /* create_sc(%rdi = sel dst, %rsi = sel pd, %rdx = sel ec, %r10 = u64
     * priority, %r8 = u64 budget_us): priority 0..VIREO_PRIO_MAX (higher
     * runs first), budget 1..VIREO_SC_BUDGET_MAX_US. Needs PD_CREATE on pd
     * and VIREO_EC_BIND on ec. The SC is bound to ec for good and makes it
     * runnable (docs/ARCHITECTURE.md, scheduling). */
    VIREO_SYS_CREATE_SC = 6,
    /* create_pt(%rdi = sel dst, %rsi = sel pd, %rdx = sel ec, %r10 = u64
     * badge, %r8 = u64 mtd): a portal whose calls are handled by ec. Needs
     * PD_CREATE on pd and EC_BIND on ec. */
    VIREO_SYS_CREATE_PT = 7,
    /* create_sm(%rdi = sel dst, %rsi = sel pd, %rdx = u64 count): count <=
     * VIREO_SM_COUNT_MAX. Needs PD_CREATE on pd. */
    VIREO_SYS_CREATE_SM = 8,
    /* delegate(%rdi = sel dst_pd, %rsi = u64 crd, %rdx = u64 offset, %r10 =
     * u64 pages, %r8 = u64 dst):
     * copies the capability named by crd (vireo_crd()) into dst_pd, as a
     * child of it in the derivation tree, with rights = its rights AND the
     * crd's mask. Needs VIREO_RIGHT_DELEGATE on the source and
     * VIREO_PD_DELEGATE_INTO on dst_pd.
     *   VIREO_CRD_OBJ: into selector dst of dst_pd's capability space. For a
     *     MEM capability [offset, offset + pages) of its frames, else offset
     *     and pages are 0.
     *   VIREO_CRD_MEM: pages [offset, offset + pages) of a MEM capability
     *     are mapped into dst_pd's address space at virtual page dst, with
     *     the crd's R/W/X mask (R required). The mapping is recorded in the
     *     derivation tree (the mapping database). */
    VIREO_SYS_DELEGATE = 9,
    /* revoke(%rdi = u64 crd, %rsi = u64 flags): crd is VIREO_CRD_OBJ with
     * rights 0.
     * Removes every capability and mapping derived from the capability,
     * in every PD, and with VIREO_REVOKE_SELF the capability itself;
     * unmapped pages are flushed from every TLB before it returns. An
     * object is destroyed when its last capability goes: an EC stops (its
     * callers get VIREO_E_ABORTED), an SM wakes its waiters with
     * VIREO_E_ABORTED, a PD stops every EC running in it. */
    VIREO_SYS_REVOKE = 10,
    /* lookup(%rdi = sel): %rdx = vireo_capinfo(type, rights, pages) of the
     * slot; an empty slot reads as VIREO_CAP_NULL. */
    VIREO_SYS_LOOKUP = 11,
    /* sm_ctrl(%rdi = sel sm, %rsi = u64 op, %rdx = u64 timeout_us):
     * VIREO_SM_OP_UP (needs VIREO_SM_UP): wakes the longest waiter, else
     * counts up (VIREO_E_BUSY if the count is at its maximum), or
     * VIREO_SM_OP_DOWN (needs VIREO_SM_DOWN): counts down, or waits up to
     * timeout_us (microseconds, checked at the 1 ms timer tick;
     * VIREO_TIMEOUT_POLL / VIREO_TIMEOUT_NEVER) while the count is 0, in
     * FIFO order; returns VIREO_E_TIMEOUT if no up came, VIREO_E_ABORTED if
     * the SM went. Checks: not an SM (VIREO_E_BAD_CAP), bad op
     * (VIREO_E_INVALID_ARG), missing right (VIREO_E_NO_RIGHTS). */
    VIREO_SYS_SM_CTRL = 12,
    /* ec_recall(%rdi = sel ec): makes ec enter the kernel as soon as
     * possible (a vCPU exits with the recall reason). Needs
     * VIREO_EC_RECALL. A thread calls its fault portal with
     * VIREO_FAULT_RECALL before it next returns to user mode: at once if it
     * runs or is ready, else when its current syscall (a call, a wait)
     * ends; the recall of a stopped thread does nothing. */
    VIREO_SYS_EC_RECALL = 13,
    /* console_read(%rdi = sel sm, %rsi = char *buf, %rdx = u64 len): takes
     * up to len bytes the kernel console (COM1) received and returns their
     * count in %rdx (0: none waiting; never blocks). sm must be the console
     * input semaphore (VIREO_INIT_SEL_CONSOLE, delegated on as init
     * chooses) with VIREO_SM_DOWN, else VIREO_E_BAD_CAP / NO_RIGHTS; len <=
     * VIREO_CONSOLE_READ_MAX (VIREO_E_INVALID_ARG); buf mapped writable
     * (VIREO_E_BAD_ADDRESS, nothing taken). The kernel polls COM1 at every
     * timer tick and ups the semaphore when bytes arrive, so a reader waits
     * with sm_ctrl DOWN and then reads. The kernel keeps
     * VIREO_CONSOLE_INPUT_BUFFER bytes; what arrives beyond that while
     * nobody reads is dropped and counted (logged once per burst). */
    VIREO_SYS_CONSOLE_READ = 14,
    /* console_write_raw(%rdi = sel sm, %rsi = const char *buf, %rdx = u64
     * len): writes the bytes to the host terminal (COM1) as they are, no
     * name in front and control bytes included: a terminal the holder
     * drives (a guest's serial console, its line editing and escape
     * sequences). Whoever holds the terminal's input owns its output: sm
     * must be the console input semaphore with VIREO_SM_DOWN (else
     * VIREO_E_BAD_CAP / NO_RIGHTS); len <= VIREO_CONSOLE_WRITE_MAX
     * (VIREO_E_INVALID_ARG); buf mapped readable (VIREO_E_BAD_ADDRESS,
     * checked before a byte is written). */
    VIREO_SYS_CONSOLE_WRITE_RAW = 15,
    VIREO_SYS_COUNT
};

#define VIREO_CONSOLE_WRITE_MAX    4096u
#define VIREO_CONSOLE_READ_MAX     4096u
#define VIREO_CONSOLE_INPUT_BUFFER 1024u
#define VIREO_PD_NAME_MAX          15u /* create_pd: console name characters */

#endif
