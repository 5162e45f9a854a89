/* System-call stubs (calling convention in abi/vireo/syscall.h): number in
 * %rax, arguments in %rdi, %rsi, %rdx, %r10, %r8, %r9; status back in %rax,
 * a second result in %rdx; %rcx and %r11 clobbered. */
#include <vireo/user.h>
#include <vireo/syscall.h>

static inline u64 syscall6(u64 nr, u64 a0, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5, u64 *rdx)
{
    u64 ret, out = a2;
    register u64 r10 __asm__("r10") = a3;
    register u64 r8 __asm__("r8") = a4;
    register u64 r9 __asm__("r9") = a5;
    __asm__ volatile("syscall"
                     : "=a"(ret), "+d"(out), "+r"(r10), "+r"(r8), "+r"(r9)
                     : "a"(nr), "D"(a0), "S"(a1)
                     : "rcx", "r11", "memory");
    if (rdx)
        *rdx = out;
    return ret;
}

#define SYS(nr, a0, a1, a2, a3, a4, a5)                                                            \
    ((enum vireo_status)syscall6(nr, a0, a1, a2, a3, a4, a5, NULL))

enum vireo_status sys_console_write(const char *buf, size_t len)
{
    return SYS(VIREO_SYS_CONSOLE_WRITE, (u64)buf, len, 0, 0, 0, 0);
}

void sys_exit(u64 status)
{
    syscall6(VIREO_SYS_EXIT, status, 0, 0, 0, 0, 0, NULL);
    for (;;) /* exit does not return; never run past it */
        __asm__ volatile("ud2");
}

enum vireo_status sys_call(u64 pt, u64 words)
{
    return SYS(VIREO_SYS_CALL, pt, words, 0, 0, 0, 0);
}

enum vireo_status sys_reply_wait(u64 words, u64 *badge)
{
    return (enum vireo_status)syscall6(VIREO_SYS_REPLY_WAIT, words, 0, 0, 0, 0, 0, badge);
}

enum vireo_status sys_create_pd(u64 dst, u64 pd, u64 quota, u64 flags, const char *name)
{
    return SYS(VIREO_SYS_CREATE_PD, dst, pd, quota, flags, (u64)name, 0);
}

enum vireo_status sys_create_ec(u64 dst, u64 pd, u64 utcb_page, u64 ip, u64 sp, u64 flags)
{
    return SYS(VIREO_SYS_CREATE_EC, dst, pd, utcb_page, ip, sp, flags);
}

enum vireo_status sys_create_sc(u64 dst, u64 pd, u64 ec, u64 priority, u64 budget_us)
{
    return SYS(VIREO_SYS_CREATE_SC, dst, pd, ec, priority, budget_us, 0);
}

enum vireo_status sys_create_pt(u64 dst, u64 pd, u64 ec, u64 badge, u64 mtd)
{
    return SYS(VIREO_SYS_CREATE_PT, dst, pd, ec, badge, mtd, 0);
}

enum vireo_status sys_create_sm(u64 dst, u64 pd, u64 count)
{
    return SYS(VIREO_SYS_CREATE_SM, dst, pd, count, 0, 0, 0);
}

enum vireo_status sys_delegate(u64 dst_pd, u64 crd, u64 offset, u64 pages, u64 dst)
{
    return SYS(VIREO_SYS_DELEGATE, dst_pd, crd, offset, pages, dst, 0);
}

enum vireo_status sys_revoke(u64 crd, u64 flags)
{
    return SYS(VIREO_SYS_REVOKE, crd, flags, 0, 0, 0, 0);
}

enum vireo_status sys_lookup(u64 sel, u64 *info)
{
    return (enum vireo_status)syscall6(VIREO_SYS_LOOKUP, sel, 0, 0, 0, 0, 0, info);
}

enum vireo_status sys_sm_ctrl(u64 sm, u64 op, u64 timeout_us)
{
    return SYS(VIREO_SYS_SM_CTRL, sm, op, timeout_us, 0, 0, 0);
}

enum vireo_status sys_ec_recall(u64 ec)
{
    return SYS(VIREO_SYS_EC_RECALL, ec, 0, 0, 0, 0, 0);
}

enum vireo_status sys_console_write_raw(u64 sm, const char *buf, u64 len)
{
    return SYS(VIREO_SYS_CONSOLE_WRITE_RAW, sm, (u64)buf, len, 0, 0, 0);
}

enum vireo_status sys_console_read(u64 sm, char *buf, u64 len, u64 *count)
{
    return (enum vireo_status)syscall6(VIREO_SYS_CONSOLE_READ, sm, (u64)buf, len, 0, 0, 0, count);
}

u64 sys_raw(u64 number, const u64 args[6], u64 *rdx)
{
    return syscall6(number, args[0], args[1], args[2], args[3], args[4], args[5], rdx);
}
