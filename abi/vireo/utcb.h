/*
 * User thread control block: one page per thread, mapped into the thread's
 * own address space. %fs of every user thread points at its UTCB, so that
 * compiler-generated stack-protector code (%fs:0x28) and libraries built
 * with it (Debian's libfdt.a) find their canary here.
 */
#ifndef VIREO_ABI_UTCB_H
#define VIREO_ABI_UTCB_H

#include <vireo/types.h>

#define VIREO_UTCB_SIZE 4096u

struct vireo_utcb_head {
    u64 self;         /* 0x00: user address of this UTCB */
    u64 msg_words;    /* 0x08: words of msg[] the last received message or
                         reply filled (written by the kernel) */
    u64 badge;        /* 0x10: badge of the portal the last message came
                         through (written by the kernel) */
    u64 reserved[2];  /* 0x18 */
    u64 stack_guard;  /* 0x28: the stack-protector canary (x86-64 ABI place) */
    u64 reserved2[2]; /* 0x30 */
};
VIREO_ABI_OFFSET(struct vireo_utcb_head, msg_words, 0x08);
VIREO_ABI_OFFSET(struct vireo_utcb_head, badge, 0x10);
VIREO_ABI_OFFSET(struct vireo_utcb_head, stack_guard, 0x28);
VIREO_ABI_SIZE(struct vireo_utcb_head, 64);

#define VIREO_MSG_WORDS ((VIREO_UTCB_SIZE - sizeof(struct vireo_utcb_head)) / 8)

struct vireo_utcb {
    struct vireo_utcb_head head;
    u64 msg[VIREO_MSG_WORDS]; /* IPC payload (abi/vireo/ipc.h) */
};
VIREO_ABI_SIZE(struct vireo_utcb, VIREO_UTCB_SIZE);

#endif
