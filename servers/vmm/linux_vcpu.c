#include "linux_vcpu.h"
#include "mb1_cpu.h"
#include <string.h>
#include <vireo/x86/cr.h>

void linux_vcpu_start(const struct linux_cpu_start *cpu, struct vireo_vcpu_state *s)
{
    /* Every register the protocol does not name is 0 (RSP too: the
     * kernel sets its own before it touches the stack). */
    s->rax = s->rbx = s->rcx = s->rdx = s->rbp = s->rdi = 0;
    s->r8 = s->r9 = s->r10 = s->r11 = s->r12 = s->r13 = s->r14 = s->r15 = 0;
    s->rsp = 0;
    s->rsi = cpu->rsi;
    s->rip = cpu->rip;
    s->insn_len = 0;
    s->rflags = cpu->rflags;

    struct vireo_seg code = {.sel = cpu->cs, .ar = cpu->cs_ar, .limit = 0xffffffffu, .base = 0};
    struct vireo_seg data = {.sel = cpu->ds, .ar = cpu->ds_ar, .limit = 0xffffffffu, .base = 0};
    s->cs = code;
    s->ss = s->ds = s->es = s->fs = s->gs = data;
    /* A busy TSS (type 0xb, what IA-32e mode requires) and no LDT, as the
     * multiboot start has them: the kernel loads its own. */
    s->tr = (struct vireo_seg){.sel = 0, .ar = MB1_AR_TSS32, .limit = 0xffff, .base = 0};
    s->ldtr = (struct vireo_seg){.sel = 0, .ar = VIREO_SEG_AR_UNUSABLE, .limit = 0, .base = 0};
    s->gdtr = (struct vireo_seg){.limit = cpu->gdt_limit, .base = cpu->gdt_base};
    s->idtr = (struct vireo_seg){.limit = 0, .base = 0};

    s->cr0 = cpu->cr0;
    s->cr3 = cpu->cr3;
    s->cr4 = cpu->cr4;
    s->efer = cpu->efer;
    s->cr2 = s->cr8 = 0;
    memset(s->pdpte, 0, sizeof(s->pdpte));
    boot_vcpu_quiet(s);
}
