/* Exceptions in the kernel: every unexpected one stops the system after a
 * dump of the full register state. Exceptions in ring 3 become fault IPC
 * (rt/runtime.c); init's, having no supervisor, stop the system too. */
#include "exception.h"
#include "../log.h"
#include "../stop.h"
#include "../rt/runtime.h"
#include <vireo/format.h>
#include <x86/cpu.h>

#define VECTOR_PAGE_FAULT         14
#define VECTOR_GENERAL_PROTECTION 13

/* #PF error code bits */
#define PF_PRESENT      (1u << 0)
#define PF_WRITE        (1u << 1)
#define PF_USER         (1u << 2)
#define PF_RESERVED     (1u << 3)
#define PF_FETCH        (1u << 4)
#define PF_PKEY         (1u << 5)
#define PF_SHADOW_STACK (1u << 6)

extern const char rdmsr_safe_insn[], rdmsr_safe_fail[], frame_return_iret[];

static const struct {
    const char *mnemonic, *name;
} exceptions[32] = {
    {"#DE", "divide error"},
    {"#DB", "debug"},
    {"NMI", "non-maskable interrupt"},
    {"#BP", "breakpoint"},
    {"#OF", "overflow"},
    {"#BR", "bound range exceeded"},
    {"#UD", "invalid opcode"},
    {"#NM", "device not available"},
    {"#DF", "double fault"},
    {"#CSO", "coprocessor segment overrun"},
    {"#TS", "invalid TSS"},
    {"#NP", "segment not present"},
    {"#SS", "stack-segment fault"},
    {"#GP", "general protection"},
    {"#PF", "page fault"},
    {"#15", "reserved"},
    {"#MF", "x87 floating-point error"},
    {"#AC", "alignment check"},
    {"#MC", "machine check"},
    {"#XM", "SIMD floating-point exception"},
    {"#VE", "virtualization exception"},
    {"#CP", "control protection"},
    {"#22", "reserved"},
    {"#23", "reserved"},
    {"#24", "reserved"},
    {"#25", "reserved"},
    {"#26", "reserved"},
    {"#27", "reserved"},
    {"#HV", "hypervisor injection"},
    {"#VC", "VMM communication"},
    {"#SX", "security exception"},
    {"#31", "reserved"},
};

const char *exception_mnemonic(u64 vector)
{
    return vector < 32 ? exceptions[vector].mnemonic : "IRQ";
}

static void describe_page_fault(u64 error, char *buf, size_t size)
{
    snformat(buf, size, "%s, %s, %s mode%s%s%s", error & PF_PRESENT ? "protection" : "not present",
             error & PF_FETCH   ? "instruction fetch"
             : error & PF_WRITE ? "write"
                                : "read",
             error & PF_USER ? "user" : "kernel", error & PF_RESERVED ? ", reserved bit set" : "",
             error & PF_PKEY ? ", protection key" : "",
             error & PF_SHADOW_STACK ? ", shadow stack" : "");
}

void exception_dump(const struct cpu_frame *f, u64 cr2)
{
    u64 v = f->vector % 32;
    kprintf("kernel: exception %s (%s), vector %llu, error code 0x%llx, in %s mode\n",
            exceptions[v].mnemonic, exceptions[v].name, (unsigned long long)v,
            (unsigned long long)f->error_code, frame_from_user(f) ? "user" : "kernel");
    if (v == VECTOR_PAGE_FAULT) {
        char why[128];
        describe_page_fault(f->error_code, why, sizeof(why));
        kprintf("kernel:   faulting address 0x%016llx (%s)\n", (unsigned long long)cr2, why);
    }
    kprintf("kernel:   rip 0x%016llx  rflags 0x%016llx  cs 0x%04llx  ss 0x%04llx\n",
            (unsigned long long)f->rip, (unsigned long long)f->rflags, (unsigned long long)f->cs,
            (unsigned long long)f->ss);
    kprintf("kernel:   rax 0x%016llx  rbx 0x%016llx  rcx 0x%016llx  rdx 0x%016llx\n",
            (unsigned long long)f->rax, (unsigned long long)f->rbx, (unsigned long long)f->rcx,
            (unsigned long long)f->rdx);
    kprintf("kernel:   rsi 0x%016llx  rdi 0x%016llx  rbp 0x%016llx  rsp 0x%016llx\n",
            (unsigned long long)f->rsi, (unsigned long long)f->rdi, (unsigned long long)f->rbp,
            (unsigned long long)f->rsp);
    kprintf("kernel:   r8  0x%016llx  r9  0x%016llx  r10 0x%016llx  r11 0x%016llx\n",
            (unsigned long long)f->r8, (unsigned long long)f->r9, (unsigned long long)f->r10,
            (unsigned long long)f->r11);
    kprintf("kernel:   r12 0x%016llx  r13 0x%016llx  r14 0x%016llx  r15 0x%016llx\n",
            (unsigned long long)f->r12, (unsigned long long)f->r13, (unsigned long long)f->r14,
            (unsigned long long)f->r15);
    kprintf("kernel:   cr0 0x%016llx  cr2 0x%016llx  cr3 0x%016llx  cr4 0x%016llx\n",
            (unsigned long long)read_cr0(), (unsigned long long)cr2, (unsigned long long)read_cr3(),
            (unsigned long long)read_cr4());
}

void exception_handle(struct cpu_frame *f)
{
    if (f->vector == VECTOR_GENERAL_PROTECTION && f->rip == (u64)rdmsr_safe_insn) {
        f->rip = (u64)rdmsr_safe_fail;
        return;
    }
    if (f->vector == VECTOR_GENERAL_PROTECTION && f->rip == (u64)frame_return_iret) {
        /* IRETQ refused a user frame (the runtime checks frames, so this
         * is a gap in those checks): the EC is at fault, not the kernel.
         * frame_return already loaded the user's GS base. */
        __asm__ volatile("swapgs" ::: "memory");
        const u64 *iret_frame = (const u64 *)f->rsp;
        kprintf("kernel: IRETQ refused a user frame (rip 0x%llx)\n",
                (unsigned long long)iret_frame[0]);
        struct cpu_frame user = *f;
        user.rip = iret_frame[0];
        user.cs = iret_frame[1];
        user.rflags = iret_frame[2];
        user.rsp = iret_frame[3];
        user.ss = iret_frame[4];
        rt_user_exception(&user, 0);
    }
    exception_dump(f, read_cr2());
    char reason[64];
    snformat(reason, sizeof(reason), "kernel fault: %s at 0x%llx", exceptions[f->vector].mnemonic,
             (unsigned long long)f->rip);
    system_stop(VIREO_STOP_KERNEL_FAULT, reason);
}
