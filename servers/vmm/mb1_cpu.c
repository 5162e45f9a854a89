/* The multiboot1 start state (mb1_cpu.h). */
#include "mb1_cpu.h"
#include "mb1_memory.h"
#include <vireo/x86/cr.h>

#define FLAT_LIMIT 0xffffffffu

/* A base-0 descriptor with a 4 GiB limit in 4 KiB units and attributes ar
 * (bits 7:0 are descriptor bits 47:40, bits 11:8 are bits 55:52). */
static u64 flat_descriptor(u16 ar)
{
    return 0xffffull | (u64)(ar & 0xff) << 40 | 0xfull << 48 | (u64)((ar >> 8) & 0xf) << 52;
}

void mb1_gdt(u64 gdt[MB1_GDT_ENTRIES])
{
    gdt[0] = 0;
    gdt[MB1_SEL_CODE / 8] = flat_descriptor(MB1_AR_CODE32);
    gdt[MB1_SEL_DATA / 8] = flat_descriptor(MB1_AR_DATA32);
}

static struct vireo_seg flat(u16 sel, u16 ar)
{
    return (struct vireo_seg){.sel = sel, .ar = ar, .limit = FLAT_LIMIT, .base = 0};
}

void mb1_vcpu_start(const struct mb1_boot *boot, struct vireo_vcpu_state *s)
{
    s->rax = boot->eax;
    s->rbx = boot->ebx;
    s->rcx = s->rdx = s->rbp = s->rsi = s->rdi = 0;
    s->r8 = s->r9 = s->r10 = s->r11 = s->r12 = s->r13 = s->r14 = s->r15 = 0;
    s->rsp = 0; /* undefined by the specification; the kernel sets its own */
    s->rip = boot->eip;
    s->insn_len = 0;
    s->rflags = RFLAGS_FIXED1;

    s->cs = flat(MB1_SEL_CODE, MB1_AR_CODE32);
    s->ss = s->ds = s->es = s->fs = s->gs = flat(MB1_SEL_DATA, MB1_AR_DATA32);
    s->tr = (struct vireo_seg){.sel = 0, .ar = MB1_AR_TSS32, .limit = 0xffff, .base = 0};
    s->ldtr = (struct vireo_seg){.sel = 0, .ar = VIREO_SEG_AR_UNUSABLE, .limit = 0, .base = 0};
    s->gdtr = (struct vireo_seg){.limit = MB1_GDT_ENTRIES * 8 - 1, .base = boot->layout.gdt_addr};
    s->idtr = (struct vireo_seg){.limit = 0, .base = 0};

    s->cr0 = CR0_PE | CR0_ET;
    s->cr4 = s->cr2 = s->cr3 = s->cr8 = s->efer = 0;
    boot_vcpu_quiet(s);
}

void boot_vcpu_quiet(struct vireo_vcpu_state *s)
{
    s->dr7 = 0x400; /* reset values */
    s->dr6 = 0xffff0ff0;
    s->dr[0] = s->dr[1] = s->dr[2] = s->dr[3] = 0;
    s->intr_state = 0;
    s->actv_state = 0; /* active */
    s->pending_dbg = 0;
    s->inj_info = s->inj_error = 0;
    s->inj_len = 0;
    s->mtd = MB1_VCPU_MTD;
}
