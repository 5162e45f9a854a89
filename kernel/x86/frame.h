/* The register frame every entry into the kernel saves on the kernel stack
 * (interrupts, exceptions and syscalls alike), lowest address first. It is
 * what an execution context's user state will be saved as. */
#ifndef KERNEL_X86_FRAME_H
#define KERNEL_X86_FRAME_H

#include "layout.h"
#include <vireo/types.h>
#include <stddef.h>

struct cpu_frame {
    u64 r15, r14, r13, r12, r11, r10, r9, r8;
    u64 rbp, rdi, rsi, rdx, rcx, rbx, rax;
    u64 vector;
    u64 error_code;
    /* pushed by the CPU (or by the syscall entry in the same shape) */
    u64 rip, cs, rflags, rsp, ss;
};
VIREO_ABI_SIZE(struct cpu_frame, FRAME_SIZE);
VIREO_ABI_OFFSET(struct cpu_frame, vector, FRAME_VECTOR);
VIREO_ABI_OFFSET(struct cpu_frame, rip, FRAME_RIP);
VIREO_ABI_OFFSET(struct cpu_frame, cs, FRAME_CS);

static inline bool frame_from_user(const struct cpu_frame *f)
{
    return (f->cs & 3) != 0;
}

#endif
