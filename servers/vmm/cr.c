#include "cr.h"
#include "cpuid.h"
#include "guest_access.h"
#include "insn.h"
#include "lapic.h"
#include "regs.h"
#include <string.h>
#include <vireo/x86/cr.h>
#include <vireo/x86/msr.h>
#include <vireo/x86/pte.h>
#include <vireo/x86/vmcb.h>
#include <vireo/x86/vmx_exit.h>

#define CR0_DEFINED                                                                                \
    (CR0_PE | CR0_MP | CR0_EM | CR0_TS | CR0_ET | CR0_NE | CR0_WP | CR0_AM | CR0_NW | CR0_CD |     \
     CR0_PG)

/* CR4 bits the guest may set: what its CPUID offers (TSD, PAE, PCE,
 * OSFXSR and OSXMMEXCPT with what every guest has). VMXE, SMXE, LA57,
 * PKE and the later ones are never offered. */
static u64 cr4_allowed(void)
{
    static const struct {
        u64 bits;
        enum vireo_cpuid_feature f;
    } by_feature[] = {
        {CR4_VME | CR4_PVI, VIREO_CPUID_F_VME}, {CR4_DE, VIREO_CPUID_F_DE},
        {CR4_PSE, VIREO_CPUID_F_PSE},           {CR4_MCE, VIREO_CPUID_F_MCE},
        {CR4_PGE, VIREO_CPUID_F_PGE},           {CR4_PCIDE, VIREO_CPUID_F_PCID},
        {CR4_OSXSAVE, VIREO_CPUID_F_XSAVE},     {CR4_FSGSBASE, VIREO_CPUID_F_FSGSBASE},
        {CR4_SMEP, VIREO_CPUID_F_SMEP},         {CR4_SMAP, VIREO_CPUID_F_SMAP},
        {CR4_UMIP, VIREO_CPUID_F_UMIP},
    };
    u64 ok = CR4_TSD | CR4_PAE | CR4_PCE | CR4_OSFXSR | CR4_OSXMMEXCPT;
    for (u32 i = 0; i < sizeof(by_feature) / sizeof(by_feature[0]); i++) {
        if (cpuid_has(by_feature[i].f))
            ok |= by_feature[i].bits;
    }
    return ok;
}

bool cr0_write_ok(const struct vireo_vcpu_state *s, u64 v)
{
    /* Bits 63:32 raise #GP; setting a reserved bit of 31:0 has no effect
     * (SDM 2.5, APM 3.1.1): set_cr0 drops them. */
    if (v >> 32)
        return false;
    if ((v & CR0_PG) && !(v & CR0_PE))
        return false;
    if ((v & CR0_NW) && !(v & CR0_CD))
        return false;
    bool paging_on = (v & CR0_PG) && !(s->cr0 & CR0_PG);
    if (paging_on && (s->efer & EFER_LME) && !(s->cr4 & CR4_PAE))
        return false;
    /* IA-32e mode cannot be activated from code with CS.L set. */
    if (paging_on && (s->efer & EFER_LME) && VIREO_GET(SVM_ATTR, L, s->cs.ar))
        return false;
    if (!(v & CR0_PG) && ga_long_mode(s))
        return false; /* paging cannot be turned off in 64-bit mode */
    if ((s->cr4 & CR4_PCIDE) && !(v & CR0_PG))
        return false;
    return true;
}

bool cr4_write_ok(const struct vireo_vcpu_state *s, u64 v)
{
    if (v & ~cr4_allowed())
        return false;
    bool long_mode = s->efer & EFER_LMA;
    if (long_mode && !(v & CR4_PAE))
        return false;
    if ((v & CR4_PCIDE) && !(s->cr4 & CR4_PCIDE) && (!long_mode || (s->cr3 & 0xfff)))
        return false;
    return true;
}

/* What the guest reads: its value, with the VMM's shadow for owned bits. */
static u64 guest_view(u64 value, u64 mask, u64 shadow)
{
    return (value & ~mask) | (shadow & mask);
}

static void set_cr0(struct exit_ctx *x, u64 v)
{
    struct vireo_vcpu_state *s = x->s;
    v = (v & CR0_DEFINED) | CR0_ET; /* reserved bits stay clear; ET hardwired since the P6 */
    s->cr0 = v;
    /* IA-32e mode follows LME and PG. */
    bool lma = (s->efer & EFER_LME) && (v & CR0_PG);
    s->efer = lma ? s->efer | EFER_LMA : s->efer & ~EFER_LMA;
    s->ctrl.cr0_shadow = v & s->ctrl.cr0_mask;
    x->changed |= VIREO_MTD(CR0_CR4) | VIREO_MTD(EFER) | VIREO_MTD(CTRL);
}

/* A MOV to CR0, CR3 or CR4 after which PAE paging is in use loads the four
 * PDPTEs from CR3 (SDM 4.4.1; with EPT the VMM must, the CPU uses the
 * pdpte[] it is given): a present one with a reserved bit set raises #GP,
 * and so here does a PDPT outside RAM. false: #GP, nothing changed. */
#define CR0_PDPTE_BITS (CR0_PG | CR0_CD | CR0_NW)
#define CR4_PDPTE_BITS (CR4_PAE | CR4_PGE | CR4_PSE | CR4_SMEP)
static bool load_pdptes(struct exit_ctx *x, u64 cr0, u64 cr3, u64 cr4)
{
    struct vireo_vcpu_state *s = x->s;
    if (!(cr0 & CR0_PG) || !(cr4 & CR4_PAE) || (s->efer & EFER_LME))
        return true; /* not PAE paging */
    const void *p = vm_ram(x->vm, cr3 & 0xffffffe0u, sizeof(s->pdpte));
    if (!p)
        return false;
    u64 e[4], reserved = 0x1e6ull | ~0ull << cpuid_phys_bits();
    memcpy(e, p, sizeof(e));
    for (u32 i = 0; i < 4; i++) {
        if ((e[i] & PTE_P) && (e[i] & reserved))
            return false;
    }
    memcpy(s->pdpte, e, sizeof(e));
    x->changed |= VIREO_MTD(CR3);
    return true;
}

/* The access as the exit says, or decoded. reg is a Zydis register (the
 * exit's GPR number n is RAX + n: Zydis keeps the x86 encoding order);
 * SMSW is a read of CR0 that only SVM intercepts. */
#define CR_ACCESS_SMSW 4u
struct cr_access {
    u32 cr, type;
    int reg;
    u16 lmsw;
};

static bool decode(struct exit_ctx *x, struct cr_access *a)
{
    u64 q = x->s->info[0];
    a->cr = (u32)VIREO_GET(VIREO_CRQ, CR, q);
    a->type = (u32)VIREO_GET(VIREO_CRQ, ACCESS, q);
    a->reg = ZYDIS_REGISTER_RAX + (int)VIREO_GET(VIREO_CRQ, GPR, q);
    a->lmsw = (u16)VIREO_GET(VIREO_CRQ, LMSW_DATA, q);
    if (VIREO_GET(VIREO_CRQ, DECODED, q))
        return true;
    struct insn in;
    if (!insn_decode(x, &in))
        return false;
    switch (in.zi.mnemonic) {
    case ZYDIS_MNEMONIC_CLTS:
        a->type = VMX_CR_CLTS;
        return true;
    case ZYDIS_MNEMONIC_LMSW:
        a->type = VMX_CR_LMSW;
        if (in.ops[0].type == ZYDIS_OPERAND_TYPE_REGISTER) {
            u64 v;
            if (!regs_get(x, in.ops[0].reg.value, &v))
                break;
            a->lmsw = (u16)v;
            return true;
        }
        break; /* LMSW from memory: not emulated yet */
    case ZYDIS_MNEMONIC_SMSW:
        a->type = CR_ACCESS_SMSW;
        a->cr = 0;
        if (in.ops[0].type == ZYDIS_OPERAND_TYPE_REGISTER) {
            a->reg = in.ops[0].reg.value;
            return true;
        }
        break; /* SMSW to memory: not emulated yet */
    case ZYDIS_MNEMONIC_MOV: {
        const ZydisDecodedOperand *cr = &in.ops[0], *r = &in.ops[1];
        a->type = VMX_CR_MOV_TO;
        if (cr->reg.value < ZYDIS_REGISTER_CR0 || cr->reg.value > ZYDIS_REGISTER_CR15) {
            cr = &in.ops[1], r = &in.ops[0];
            a->type = VMX_CR_MOV_FROM;
        }
        a->cr = (u32)(cr->reg.value - ZYDIS_REGISTER_CR0);
        a->reg = r->reg.value;
        return true;
    }
    default:
        break;
    }
    vm_stop(x->vm, VM_END_ERROR, VM_STATUS_ERROR, "CR access at rip %#llx: cannot emulate it",
            (unsigned long long)x->s->rip);
    return false;
}

static bool mov_to(struct exit_ctx *x, u32 cr, u64 v)
{
    struct vireo_vcpu_state *s = x->s;
    /* Outside 64-bit mode (compatibility mode too) the operand is 32 bits. */
    bool long_mode = ga_long_mode(s);
    if (!long_mode)
        v &= 0xffffffffull;
    switch (cr) {
    case 0:
        if (!cr0_write_ok(s, v))
            return false;
        if (((v ^ s->cr0) & CR0_PDPTE_BITS) && !load_pdptes(x, v, s->cr3, s->cr4))
            return false;
        set_cr0(x, v);
        return true;
    case 2:
        s->cr2 = v;
        x->changed |= VIREO_MTD(CR2);
        return true;
    case 3:
        if (long_mode && (s->cr4 & CR4_PCIDE))
            v &= ~(1ull << 63); /* the no-flush bit is not part of CR3 */
        if (v >> cpuid_phys_bits())
            return false; /* reserved: beyond the physical-address width */
        if (!load_pdptes(x, s->cr0, v, s->cr4))
            return false;
        s->cr3 = v;
        x->changed |= VIREO_MTD(CR3);
        return true;
    case 4:
        if (!cr4_write_ok(s, v))
            return false;
        if (((v ^ s->cr4) & CR4_PDPTE_BITS) && !load_pdptes(x, s->cr0, s->cr3, v))
            return false;
        s->cr4 = v;
        s->ctrl.cr4_shadow = v & s->ctrl.cr4_mask;
        x->changed |= VIREO_MTD(CR0_CR4) | VIREO_MTD(CTRL);
        cpuid_note_cr4(v);
        return true;
    default: /* 8: the TPR, bits 3:0 of it */
        if (v >> 4)
            return false;
        if (x->lapic)
            lapic_set_cr8(x->lapic, (u32)v);
        s->cr8 = v;
        x->changed |= VIREO_MTD(CR8);
        return true;
    }
}

/* What MOV from CRn reads; CR8 is the local APIC's TPR[7:4]. */
static u64 cr_read(const struct exit_ctx *x, u32 cr)
{
    const struct vireo_vcpu_state *s = x->s;
    switch (cr) {
    case 0:
        return guest_view(s->cr0, s->ctrl.cr0_mask, s->ctrl.cr0_shadow);
    case 2:
        return s->cr2;
    case 3:
        return s->cr3;
    case 4:
        return guest_view(s->cr4, s->ctrl.cr4_mask, s->ctrl.cr4_shadow);
    default:
        return x->lapic ? lapic_cr8(x->lapic) : s->cr8;
    }
}

/* The CPU's checks before the exit, made here too (some back ends
 * intercept before making them): CR1, CR5-7, CR9-15 do not exist (#UD);
 * everything but SMSW needs CPL 0, and SMSW too with CR4.UMIP (#GP). */
static bool allowed(struct exit_ctx *x, const struct cr_access *a)
{
    bool exists = a->cr == 0 || a->cr == 2 || a->cr == 3 || a->cr == 4 || a->cr == 8;
    if (!exists) {
        exit_ud(x);
        return false;
    }
    bool needs_cpl0 = a->type != CR_ACCESS_SMSW || (x->s->cr4 & CR4_UMIP);
    if (needs_cpl0 && exit_cpl(x->s) > 0) {
        exit_gp(x);
        return false;
    }
    return true;
}

void cr_exit(struct exit_ctx *x)
{
    struct vireo_vcpu_state *s = x->s;
    struct cr_access a;
    u64 len = insn_length(x);
    if (!len || !decode(x, &a) || !allowed(x, &a))
        return;
    switch (a.type) {
    case VMX_CR_MOV_TO: {
        u64 v;
        if (!regs_get(x, a.reg, &v) || !mov_to(x, a.cr, v)) {
            exit_gp(x);
            return;
        }
        break;
    }
    case VMX_CR_MOV_FROM:
    case CR_ACCESS_SMSW: {
        u64 v = cr_read(x, a.cr);
        if (!regs_set(x, a.reg, ga_long_mode(s) ? v : (u32)v)) {
            exit_ud(x);
            return;
        }
        break;
    }
    case VMX_CR_CLTS:
        set_cr0(x, s->cr0 & ~CR0_TS);
        break;
    case VMX_CR_LMSW: {
        /* LMSW sets PE but cannot clear it; MP, EM, TS from the operand. */
        u64 v = (s->cr0 & ~0xeull) | (a.lmsw & 0xf) | (s->cr0 & CR0_PE);
        set_cr0(x, v);
        break;
    }
    default:
        return;
    }
    exit_finish_insn(x, len);
}
