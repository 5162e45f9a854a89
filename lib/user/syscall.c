/* System-call stubs (calling convention in abi/vireo/syscall.h). */
#include <vireo/user.h>
#include <vireo/syscall.h>

static inline u64 syscall2(u64 nr, u64 a0, u64 a1)
{
    u64 ret;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(nr), "D"(a0), "S"(a1)
                     : "rcx", "r11", "rdx", "memory");
    return ret;
}

enum vireo_status sys_console_write(const char *buf, size_t len)
{
    return (enum vireo_status)syscall2(VIREO_SYS_CONSOLE_WRITE, (u64)buf, len);
}

void sys_exit(u64 status)
{
    syscall2(VIREO_SYS_EXIT, status, 0);
    for (;;) /* exit does not return; never run past it */
        __asm__ volatile("ud2");
}
