#include "user_start.h"
#include "percpu.h"
#include <x86/cpu.h>

__attribute__((noreturn)) void enter_user(u64 rip, u64 rsp, u64 arg);

void user_start(u64 pml4, u64 rip, u64 rsp, u64 arg, u64 fs_base)
{
    irq_disable();
    write_cr3(pml4);
    wrmsr(MSR_FS_BASE, fs_base);
    /* The GS base ring 3 will see after swapgs. */
    wrmsr(MSR_KERNEL_GS_BASE, 0);
    enter_user(rip, rsp, arg);
}
