/*
 * System-call numbers and calling convention.
 *
 * `syscall` with %rax = number, arguments in %rdi, %rsi, %rdx, %r10, %r8,
 * %r9. Returns %rax = enum vireo_status, %rdx = a second result where a call
 * has one. %rcx and %r11 are clobbered (the instruction uses them); every
 * other register is preserved.
 */
#ifndef VIREO_ABI_SYSCALL_H
#define VIREO_ABI_SYSCALL_H

enum vireo_syscall {
    /* console_write(const char *buf, u64 len): prints to the kernel console,
     * prefixed with the caller's name. len <= VIREO_CONSOLE_WRITE_MAX. */
    VIREO_SYS_CONSOLE_WRITE = 0,
    /* exit(u64 status): ends the calling thread. When the root task (init)
     * exits, the system stops with its status. Does not return. */
    VIREO_SYS_EXIT = 1,
    VIREO_SYS_COUNT
};

#define VIREO_CONSOLE_WRITE_MAX 4096u

#endif
