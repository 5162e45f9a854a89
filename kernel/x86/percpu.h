/* Per-CPU data, reached through GS base while in the kernel (the entry
 * paths swapgs on the way in from ring 3 and out again). */
#ifndef KERNEL_X86_PERCPU_H
#define KERNEL_X86_PERCPU_H

#include "layout.h"
#include <vireo/config.h>
#include <vireo/types.h>

struct tss {
    u32 reserved0;
    u64 rsp[3];
    u64 reserved1;
    u64 ist[7];
    u64 reserved2;
    u16 reserved3;
    u16 iomap_base;
} __attribute__((packed));
VIREO_ABI_SIZE(struct tss, 104);

struct percpu {
    struct percpu *self;  /* PERCPU_SELF */
    u64 kernel_stack_top; /* PERCPU_KERNEL_STACK_TOP: syscall entry stack */
    u64 user_rsp;         /* PERCPU_USER_RSP: scratch during syscall entry */
    u32 index;
    u32 apic_id;
    volatile u64 timer_ticks;
    u64 gdt[GDT_ENTRIES] __attribute__((aligned(16)));
    struct tss tss __attribute__((aligned(16)));
};

extern struct percpu percpu_areas[CONFIG_MAX_CPUS];

static inline struct percpu *this_cpu(void)
{
    struct percpu *p;
    __asm__ volatile("movq %%gs:0, %0" : "=r"(p));
    return p;
}

/* Sets up the BSP's GDT, TSS (with IST stacks), IDT and GS base. */
void cpu_bsp_tables_init(void);
/* Where a trap from ring 3 lands: TSS.RSP0 and the syscall stack. */
void percpu_set_kernel_stack(struct percpu *cpu, u64 top);

#endif
