#include "msr.h"
#include "cpuid.h"
#include "insn.h"
#include <vireo/x86/cr.h>
#include <vireo/x86/msr.h>

#define DEBUGCTL_LBR (1ull << 0)
#define DEBUGCTL_BTF (1ull << 1)

/* MTRRs: IA32_MTRR_PHYSBASE0 0x200 .. PHYSMASK7 0x20f, the fixed ranges. */
#define MTRR_VAR_FIRST 0x200u
#define MTRR_VAR_COUNT 16u
static const u32 mtrr_fixed_msrs[11] = {0x250, 0x258, 0x259, 0x268, 0x269, 0x26a,
                                        0x26b, 0x26c, 0x26d, 0x26e, 0x26f};
#define MTRRCAP_VALUE (8u | 1u << 8 | 1u << 10) /* 8 variable, fixed, WC */

static bool canonical(u64 a)
{
    return (u64)((s64)(a << 16) >> 16) == a;
}

static bool pat_valid(u64 pat)
{
    for (int i = 0; i < 8; i++) {
        u8 t = (u8)(pat >> (i * 8));
        if (t == 2 || t == 3 || t > 7)
            return false;
    }
    return true;
}

/* MTRR memory types (SDM 12.11.2): UC, WC, WT, WP, WB; 2, 3 and 7 (UC-,
 * a PAT type only) and above are reserved. */
static bool mtrr_type_ok(u64 t)
{
    return t == 0 || t == 1 || t == 4 || t == 5 || t == 6;
}

/* A variable-range MTRR (even: PHYSBASE, odd: PHYSMASK) or a fixed-range
 * one (eight types) with no reserved bit set and valid types (#GP else). */
static bool mtrr_var_ok(u32 i, u64 v)
{
    u64 above = ~0ull << cpuid_phys_bits();
    if (i & 1)
        return !(v & (above | 0x7ffull)); /* PHYSMASK: 10:0 reserved, 11 valid */
    return !(v & (above | 0xf00ull)) && mtrr_type_ok(v & 0xff);
}
static bool mtrr_fixed_ok(u64 v)
{
    for (int i = 0; i < 8; i++) {
        if (!mtrr_type_ok((v >> (i * 8)) & 0xff))
            return false;
    }
    return true;
}

static bool has_nx(void)
{
    return cpuid_guest(0x80000001u, 0).edx & (1u << 20);
}

void msr_init(struct msr_state *m)
{
    *m = (struct msr_state){
        .apic_base = 0xfee00000ull | APIC_BASE_ENABLE | APIC_BASE_BSP,
        .misc_enable = 1u | 1u << 11 | 1u << 12, /* fast strings; no BTS, no PEBS */
    };
}

static int fixed_index(u32 msr)
{
    for (int i = 0; i < 11; i++) {
        if (mtrr_fixed_msrs[i] == msr)
            return i;
    }
    return -1;
}

/* The MSR's value; false: #GP. */
static bool msr_get(const struct exit_ctx *x, const struct msr_state *m, u32 msr, u64 *v)
{
    const struct vireo_vcpu_state *s = x->s;
    switch (msr) {
    case MSR_TSC: {
        u32 lo, hi;
        __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
        *v = ((u64)hi << 32 | lo) + s->tsc_offset;
        return true;
    }
    case MSR_APIC_BASE:
        *v = m->apic_base;
        return true;
    case MSR_MISC_ENABLE:
        *v = m->misc_enable;
        return true;
    case MSR_MTRRCAP:
        *v = MTRRCAP_VALUE;
        return true;
    case MSR_MTRR_DEF_TYPE:
        *v = m->mtrr_def_type;
        return true;
    case MSR_PAT:
        *v = s->pat;
        return true;
    case MSR_DEBUGCTL:
        *v = s->debugctl;
        return true;
    case MSR_SYSENTER_CS:
        *v = s->sysenter_cs;
        return true;
    case MSR_SYSENTER_ESP:
        *v = s->sysenter_esp;
        return true;
    case MSR_SYSENTER_EIP:
        *v = s->sysenter_eip;
        return true;
    case MSR_EFER:
        *v = s->efer;
        return true;
    case MSR_STAR:
        *v = s->star;
        return true;
    case MSR_LSTAR:
        *v = s->lstar;
        return true;
    case MSR_CSTAR:
        *v = s->cstar;
        return true;
    case MSR_SFMASK:
        *v = s->sfmask;
        return true;
    case MSR_FS_BASE:
        *v = s->fs.base;
        return true;
    case MSR_GS_BASE:
        *v = s->gs.base;
        return true;
    case MSR_KERNEL_GS_BASE:
        *v = s->kernel_gs_base;
        return true;
    case MSR_TSC_AUX:
        *v = m->tsc_aux;
        return true;
    default:
        break;
    }
    if (msr - MTRR_VAR_FIRST < MTRR_VAR_COUNT) {
        *v = m->mtrr_var[msr - MTRR_VAR_FIRST];
        return true;
    }
    int f = fixed_index(msr);
    if (f >= 0) {
        *v = m->mtrr_fixed[f];
        return true;
    }
    return false;
}

/* Sets the MSR; false: #GP (nothing changed). */
static bool msr_set(struct exit_ctx *x, struct msr_state *m, u32 msr, u64 v)
{
    struct vireo_vcpu_state *s = x->s;
    switch (msr) {
    case MSR_TSC: {
        u32 lo, hi;
        __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
        s->tsc_offset = v - ((u64)hi << 32 | lo);
        x->changed |= VIREO_MTD(TSC);
        return true;
    }
    case MSR_APIC_BASE:
        /* No local APIC model yet: the base stays where it is. */
        if (v & ~(APIC_BASE_ADDR_MASK | APIC_BASE_ENABLE | APIC_BASE_BSP | APIC_BASE_X2APIC) ||
            (v & APIC_BASE_X2APIC))
            return false;
        m->apic_base = (v & ~APIC_BASE_BSP) | APIC_BASE_BSP;
        return true;
    case MSR_MISC_ENABLE:
        m->misc_enable = (m->misc_enable & ~1ull) | (v & 1ull); /* fast strings only */
        return true;
    case MSR_MTRR_DEF_TYPE:
        if ((v & ~0xcffull) || !mtrr_type_ok(v & 0xff))
            return false;
        m->mtrr_def_type = v;
        return true;
    case MSR_PAT:
        if (!pat_valid(v))
            return false;
        s->pat = v;
        x->changed |= VIREO_MTD(PAT_DEBUGCTL);
        return true;
    case MSR_DEBUGCTL:
        if (v & ~(DEBUGCTL_LBR | DEBUGCTL_BTF))
            return false;
        s->debugctl = v;
        x->changed |= VIREO_MTD(PAT_DEBUGCTL);
        return true;
    case MSR_SYSENTER_CS:
        /* 15:0 the selector, 31:16 read/write, 63:32 ignored (SDM vol. 4
         * table 2-2). */
        s->sysenter_cs = v & 0xffffffffull;
        x->changed |= VIREO_MTD(SYSENTER);
        return true;
    case MSR_SYSENTER_ESP:
    case MSR_SYSENTER_EIP:
        if (!canonical(v))
            return false;
        *(msr == MSR_SYSENTER_ESP ? &s->sysenter_esp : &s->sysenter_eip) = v;
        x->changed |= VIREO_MTD(SYSENTER);
        return true;
    case MSR_EFER: {
        u64 valid = EFER_SCE | EFER_LME | EFER_LMA | (has_nx() ? EFER_NXE : 0);
        if (v & ~valid)
            return false;
        /* LMA is the CPU's; LME may not change while paging is on. */
        if ((s->cr0 & CR0_PG) && ((v ^ s->efer) & EFER_LME))
            return false;
        s->efer = (v & ~EFER_LMA) | (s->efer & EFER_LMA);
        x->changed |= VIREO_MTD(EFER);
        return true;
    }
    case MSR_STAR:
        s->star = v;
        x->changed |= VIREO_MTD(SYSCALL);
        return true;
    case MSR_LSTAR:
    case MSR_CSTAR:
    case MSR_KERNEL_GS_BASE:
        if (!canonical(v))
            return false;
        *(msr == MSR_LSTAR ? &s->lstar : msr == MSR_CSTAR ? &s->cstar : &s->kernel_gs_base) = v;
        x->changed |= VIREO_MTD(SYSCALL);
        return true;
    case MSR_SFMASK:
        if (v >> 32)
            return false;
        s->sfmask = v;
        x->changed |= VIREO_MTD(SYSCALL);
        return true;
    case MSR_FS_BASE:
    case MSR_GS_BASE:
        if (!canonical(v))
            return false;
        (msr == MSR_FS_BASE ? &s->fs : &s->gs)->base = v;
        x->changed |= VIREO_MTD(FS_GS);
        return true;
    case MSR_TSC_AUX:
        if (v >> 32)
            return false;
        m->tsc_aux = v;
        return true;
    default:
        break;
    }
    if (msr - MTRR_VAR_FIRST < MTRR_VAR_COUNT) {
        if (!mtrr_var_ok(msr - MTRR_VAR_FIRST, v))
            return false;
        m->mtrr_var[msr - MTRR_VAR_FIRST] = v;
        return true;
    }
    int f = fixed_index(msr);
    if (f >= 0) {
        if (!mtrr_fixed_ok(v))
            return false;
        m->mtrr_fixed[f] = v;
        return true;
    }
    return false;
}

void msr_read_exit(struct exit_ctx *x, struct msr_state *m)
{
    struct vireo_vcpu_state *s = x->s;
    u64 len = insn_length(x), v;
    if (!len)
        return;
    if (!msr_get(x, m, (u32)s->rcx, &v)) {
        exit_gp(x);
        return;
    }
    s->rax = (u32)v;
    s->rdx = v >> 32;
    x->changed |= VIREO_MTD(GPR_ACDB);
    exit_finish_insn(x, len);
}

void msr_write_exit(struct exit_ctx *x, struct msr_state *m)
{
    struct vireo_vcpu_state *s = x->s;
    u64 len = insn_length(x);
    if (!len)
        return;
    if (!msr_set(x, m, (u32)s->rcx, (u32)s->rax | s->rdx << 32)) {
        exit_gp(x);
        return;
    }
    exit_finish_insn(x, len);
}
