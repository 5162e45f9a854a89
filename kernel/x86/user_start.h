#ifndef KERNEL_X86_USER_START_H
#define KERNEL_X86_USER_START_H

#include <vireo/types.h>

/* Leaves the boot path for ring 3 for good: CR3 = pml4, FS base = fs_base,
 * then rip with %rsp = rsp, %rdi = arg and interrupts on. */
__attribute__((noreturn)) void user_start(u64 pml4, u64 rip, u64 rsp, u64 arg, u64 fs_base);

#endif
