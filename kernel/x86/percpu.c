/* The BSP's descriptor tables and per-CPU area. Later issues start the APs
 * with the same code, one percpu_areas[] slot each. */
#include "percpu.h"
#include "frame.h"
#include "idt.h"
#include <stddef.h>
#include <x86/cpu.h>

_Static_assert(offsetof(struct percpu, self) == PERCPU_SELF, "asm offset");
_Static_assert(offsetof(struct percpu, kernel_stack_top) == PERCPU_KERNEL_STACK_TOP, "asm offset");
_Static_assert(offsetof(struct percpu, user_rsp) == PERCPU_USER_RSP, "asm offset");

enum {
    KERNEL_STACK_SIZE = 16384,
    IST_STACK_SIZE = 8192,
};

struct cpu_stacks {
    u8 kernel[KERNEL_STACK_SIZE];
    u8 nmi[IST_STACK_SIZE];
    u8 double_fault[IST_STACK_SIZE];
    u8 machine_check[IST_STACK_SIZE];
} __attribute__((aligned(16)));

struct percpu percpu_areas[CONFIG_MAX_CPUS];
static struct cpu_stacks bsp_stacks;

/* Flat descriptors (base 0, limit max): access byte and flags per the SDM. */
#define SEG_KERNEL_CODE64 0x00af9a000000ffffull
#define SEG_KERNEL_DATA   0x00cf92000000ffffull
#define SEG_USER_CODE32   0x00cffa000000ffffull
#define SEG_USER_DATA     0x00cff2000000ffffull
#define SEG_USER_CODE64   0x00affa000000ffffull
#define SEG_TSS_AVAILABLE 0x89ull

static void tss_descriptor(u64 *slot, const struct tss *tss)
{
    u64 base = (u64)tss, limit = sizeof(*tss) - 1;
    slot[0] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (SEG_TSS_AVAILABLE << 40) |
              ((limit >> 16 & 0xf) << 48) | ((base >> 24 & 0xff) << 56);
    slot[1] = base >> 32;
}

static void load_segments(void)
{
    /* A far return reloads CS; data segments are flat and unused in long
     * mode but must hold valid selectors. FS/GS bases are set by MSR after
     * this, since loading the selectors clears them. */
    __asm__ volatile("pushq %[cs]\n\t"
                     "leaq 1f(%%rip), %%rax\n\t"
                     "pushq %%rax\n\t"
                     "lretq\n"
                     "1:\n\t"
                     "movw %w[ds], %%ax\n\t"
                     "movw %%ax, %%ds\n\t"
                     "movw %%ax, %%es\n\t"
                     "movw %%ax, %%ss\n\t"
                     "xorl %%eax, %%eax\n\t"
                     "movw %%ax, %%fs\n\t"
                     "movw %%ax, %%gs\n\t"
                     :
                     : [cs] "i"(GDT_KERNEL_CODE), [ds] "r"((u64)GDT_KERNEL_DATA)
                     : "rax", "memory");
}

void percpu_set_kernel_stack(struct percpu *cpu, u64 top)
{
    cpu->kernel_stack_top = top;
    cpu->tss.rsp[0] = top;
}

void cpu_bsp_tables_init(void)
{
    struct percpu *cpu = &percpu_areas[0];
    cpu->self = cpu;
    cpu->index = 0;

    cpu->gdt[0] = 0;
    cpu->gdt[GDT_KERNEL_CODE / 8] = SEG_KERNEL_CODE64;
    cpu->gdt[GDT_KERNEL_DATA / 8] = SEG_KERNEL_DATA;
    cpu->gdt[GDT_USER_CODE32 / 8] = SEG_USER_CODE32;
    cpu->gdt[GDT_USER_DATA / 8] = SEG_USER_DATA;
    cpu->gdt[GDT_USER_CODE / 8] = SEG_USER_CODE64;
    tss_descriptor(&cpu->gdt[GDT_TSS / 8], &cpu->tss);

    struct cpu_stacks *s = &bsp_stacks;
    percpu_set_kernel_stack(cpu, (u64)s->kernel + sizeof(s->kernel));
    cpu->tss.ist[IST_NMI - 1] = (u64)s->nmi + sizeof(s->nmi);
    cpu->tss.ist[IST_DOUBLE_FAULT - 1] = (u64)s->double_fault + sizeof(s->double_fault);
    cpu->tss.ist[IST_MACHINE_CHECK - 1] = (u64)s->machine_check + sizeof(s->machine_check);
    cpu->tss.iomap_base = sizeof(struct tss); /* no I/O bitmap: ring 3 gets no ports */

    struct descriptor_pointer gdtr = {sizeof(cpu->gdt) - 1, (u64)cpu->gdt};
    lgdt(&gdtr);
    load_segments();
    ltr(GDT_TSS);
    wrmsr(MSR_GS_BASE, (u64)cpu);
    wrmsr(MSR_KERNEL_GS_BASE, 0);

    idt_init();
}
