/*
 * The VM-entry checks (entry_check.h): the union of Intel's "Checks on the
 * Guest State Area" and VM-entry event-injection checks (SDM vol. 3C 27.2.1.3
 * and 27.3.1, 26.x in older editions) and AMD's VMRUN "Canonicalization and
 * Consistency Checks" (APM vol. 2 15.5.1) and event-injection rules (15.20),
 * assuming the VMX back end runs every guest with "unrestricted guest",
 * "IA-32e mode guest" = EFER.LMA, "load IA32_EFER/PAT/debug controls" and
 * "virtual NMIs".
 *
 * Only the items of entry_check_items(changed) are read; everything else in
 * *s may be stale. Checks run in one fixed order and the first failure wins:
 * MTD, CTRL, CR0, CR4, EFER, CR4 against the mode, CR3 and PDPTEs, XCR0,
 * DR7/DR6, DEBUGCTL, PAT, SYSENTER/SYSCALL MSRs, RFLAGS, RIP, segments (ES CS
 * SS DS FS GS LDTR TR), GDTR/IDTR, interruptibility, activity, pending debug
 * exceptions, event injection.
 *
 * Pure: no hardware access.
 */
#include "entry_check.h"
#include <vireo/x86/cr.h>
#include <vireo/x86/msr.h>
#include <vireo/x86/vmcb.h>

#define FAIL(check, d, it)                                                                         \
    do {                                                                                           \
        *detail = (d);                                                                             \
        *item = (it);                                                                              \
        return VIREO_CHECK_##check;                                                                \
    } while (0)
#define TRY(call)                                                                                  \
    do {                                                                                           \
        u32 r_ = (call);                                                                           \
        if (r_ != VIREO_CHECK_NONE)                                                                \
            return r_;                                                                             \
    } while (0)
#define ITEM(name) VIREO_MTD_##name##_BIT

/* Everything the checks derive from the state once. */
struct mode {
    u64 need; /* the items present in *s */
    bool pe;  /* CR0.PE */
    bool lma; /* EFER.LMA (checked equal to LME && CR0.PG): IA-32e mode */
    bool v86; /* RFLAGS.VM (checked: only with PE and outside IA-32e mode) */
};

#define HAS(m, name) (((m)->need & VIREO_MTD(name)) != 0)

/* 48-bit canonical: bits 63:47 all equal. */
static bool canonical(u64 a)
{
    u64 top = a >> 47;
    return top == 0 || top == 0x1ffff;
}

/* ---- control registers and MSRs (SDM 27.3.1.1, APM 15.5.1) ---- */

#define CR0_VALID                                                                                  \
    (CR0_PE | CR0_MP | CR0_EM | CR0_TS | CR0_ET | CR0_NE | CR0_WP | CR0_AM | CR0_NW | CR0_CD |     \
     CR0_PG)

static u32 check_cr0(const struct vireo_vcpu_state *s, u64 *detail, u32 *item)
{
    /* APM: CR0[63:32] MBZ; reserved bits 28:19, 17, 15:6 (MOV CR0 would #GP). */
    if (s->cr0 & ~CR0_VALID)
        FAIL(CR0_INVALID, s->cr0, ITEM(CR0_CR4));
    /* APM: CR0.CD = 0 with CR0.NW = 1 is illegal. */
    if ((s->cr0 & CR0_NW) && !(s->cr0 & CR0_CD))
        FAIL(CR0_INVALID, s->cr0, ITEM(CR0_CR4));
    /* SDM: PG = 1 requires PE = 1 (the unrestricted-guest exception lets
     * both be 0, which is real mode); APM: LME && PG && !PE. */
    if ((s->cr0 & CR0_PG) && !(s->cr0 & CR0_PE))
        FAIL(CR0_INVALID, s->cr0, ITEM(CR0_CR4));
    return VIREO_CHECK_NONE;
}

/* The CR4 and EFER reserved bits, then LMA against LME and PG, then CR4
 * against the mode: that order names the register at fault. */
static u32 check_cr4_efer(const struct vireo_vcpu_state *s, const struct entry_caps *caps,
                          u64 *detail, u32 *item)
{
    /* SDM: CR4 bits not supported in VMX operation (IA32_VMX_CR4_FIXED1);
     * APM: CR4 MBZ bits. caps->cr4_valid is both (entry_caps_probe). */
    if (s->cr4 & ~caps->cr4_valid)
        FAIL(CR4_INVALID, s->cr4, ITEM(CR0_CR4));
    /* SDM: EFER reserved bits (load IA32_EFER); APM: EFER MBZ bits. SVME
     * is the back end's, never in caps->efer_valid. */
    if (s->efer & ~caps->efer_valid)
        FAIL(EFER_INVALID, s->efer, ITEM(EFER));
    /* SDM: LMA must equal "IA-32e mode guest", which requires CR0.PG, and
     * must equal LME when CR0.PG = 1. So LMA == (LME && PG). */
    bool lme_pg = (s->efer & EFER_LME) && (s->cr0 & CR0_PG);
    if (!!(s->efer & EFER_LMA) != lme_pg)
        FAIL(EFER_INVALID, s->efer, ITEM(EFER));
    /* SDM: IA-32e mode guest requires CR4.PAE; APM: LME && PG && !PAE. */
    if ((s->efer & EFER_LMA) && !(s->cr4 & CR4_PAE))
        FAIL(CR4_INVALID, s->cr4, ITEM(CR0_CR4));
    /* SDM: CR4.PCIDE must be 0 outside IA-32e mode. */
    if (!(s->efer & EFER_LMA) && (s->cr4 & CR4_PCIDE))
        FAIL(CR4_INVALID, s->cr4, ITEM(CR0_CR4));
    return VIREO_CHECK_NONE;
}

/* Bits at and above the physical-address width (at most 52). */
static u64 above_phys(const struct entry_caps *caps)
{
    u32 bits = caps->phys_bits < 52 ? caps->phys_bits : 52;
    return ~0ull << bits;
}

static u32 check_cr3(const struct vireo_vcpu_state *s, const struct entry_caps *caps,
                     const struct mode *m, u64 *detail, u32 *item)
{
    if (!HAS(m, CR3))
        return VIREO_CHECK_NONE;
    /* SDM: CR3 bits 63:52 and those of 51:32 beyond the physical-address
     * width are 0; APM: CR3 MBZ bits (long mode: 63:52 and above MAXPHYADDR). */
    if (s->cr3 & above_phys(caps))
        FAIL(CR3_INVALID, s->cr3, ITEM(CR3));
    /* SDM 27.3.1.6: with PAE paging (PG, PAE, not IA-32e) and EPT, every
     * present PDPTE has bits 2:1, 8:5 and those beyond the physical-address
     * width clear. */
    if ((s->cr0 & CR0_PG) && (s->cr4 & CR4_PAE) && !m->lma) {
        u64 reserved = 0x1e6ull | above_phys(caps);
        for (u32 i = 0; i < 4; i++)
            if ((s->pdpte[i] & 1) && (s->pdpte[i] & reserved))
                FAIL(PDPTE_INVALID, s->pdpte[i], ITEM(CR3));
    }
    return VIREO_CHECK_NONE;
}

static u32 check_xcr0(const struct vireo_vcpu_state *s, const struct entry_caps *caps,
                      const struct mode *m, u64 *detail, u32 *item)
{
    if (!HAS(m, XCR0))
        return VIREO_CHECK_NONE;
    u64 x = s->xcr0;
    /* The back end loads it with XSETBV, which #GPs on: x87 clear, an
     * unsupported component, AVX without SSE, AVX-512 state not all three
     * or without AVX, only one of the MPX pair, only one of the AMX pair. */
    bool bad = !(x & XCR0_X87) || (x & ~caps->xcr0_valid) || ((x & XCR0_AVX) && !(x & XCR0_SSE)) ||
               ((x & XCR0_AVX512) && ((x & XCR0_AVX512) != XCR0_AVX512 || !(x & XCR0_AVX))) ||
               !(x & XCR0_BNDREGS) != !(x & XCR0_BNDCSR) ||
               !(x & XCR0_TILECFG) != !(x & XCR0_TILEDATA);
    if (bad)
        FAIL(XCR0_INVALID, x, ITEM(XCR0));
    return VIREO_CHECK_NONE;
}

static u32 check_dr(const struct vireo_vcpu_state *s, const struct mode *m, u64 *detail, u32 *item)
{
    if (!HAS(m, DR7))
        return VIREO_CHECK_NONE;
    /* SDM: DR7[63:32] are 0 (load debug controls); APM: DR7[63:32] and
     * DR6[63:32] MBZ (and MOV DR6 would #GP on VMX, which has no DR6 field). */
    if (s->dr7 >> 32)
        FAIL(DR7_INVALID, s->dr7, ITEM(DR7));
    if (s->dr6 >> 32)
        FAIL(DR7_INVALID, s->dr6, ITEM(DR7));
    return VIREO_CHECK_NONE;
}

/* DEBUGCTL bits both vendors define: LBR and BTF. The others are
 * model-specific (Intel) or MBZ (AMD bits 6-31). */
#define DEBUGCTL_LBR   (1ull << 0)
#define DEBUGCTL_BTF   (1ull << 1)
#define DEBUGCTL_VALID (DEBUGCTL_LBR | DEBUGCTL_BTF)

static u32 check_debugctl_pat(const struct vireo_vcpu_state *s, u64 *detail, u32 *item)
{
    /* SDM: DEBUGCTL reserved bits are 0 (load debug controls). */
    if (s->debugctl & ~DEBUGCTL_VALID)
        FAIL(DEBUGCTL_INVALID, s->debugctl, ITEM(PAT_DEBUGCTL));
    /* SDM: each PAT byte is 0 (UC), 1 (WC), 4 (WT), 5 (WP), 6 (WB) or 7
     * (UC-) (load IA32_PAT); APM: G_PAT is checked the same way with NPT. */
    for (u32 i = 0; i < 64; i += 8) {
        u64 type = (s->pat >> i) & 0xff;
        if (type > 7 || type == 2 || type == 3)
            FAIL(PAT_INVALID, s->pat, ITEM(PAT_DEBUGCTL));
    }
    return VIREO_CHECK_NONE;
}

static u32 check_msrs(const struct vireo_vcpu_state *s, const struct mode *m, u64 *detail,
                      u32 *item)
{
    if (HAS(m, SYSENTER)) {
        /* SYSENTER_CS is 32 bits (the VMCS field; WRMSR of bits 63:32). */
        if (s->sysenter_cs >> 32)
            FAIL(MSR_NONCANONICAL, MSR_SYSENTER_CS, ITEM(SYSENTER));
        /* SDM: SYSENTER_ESP and SYSENTER_EIP are canonical. */
        if (!canonical(s->sysenter_esp))
            FAIL(MSR_NONCANONICAL, MSR_SYSENTER_ESP, ITEM(SYSENTER));
        if (!canonical(s->sysenter_eip))
            FAIL(MSR_NONCANONICAL, MSR_SYSENTER_EIP, ITEM(SYSENTER));
    }
    if (HAS(m, SYSCALL)) {
        /* Loaded by WRMSR or the VM-entry MSR-load area, which fail on a
         * non-canonical LSTAR/CSTAR/KERNEL_GS_BASE and SFMASK[63:32] set. */
        if (!canonical(s->lstar))
            FAIL(MSR_NONCANONICAL, MSR_LSTAR, ITEM(SYSCALL));
        if (!canonical(s->cstar))
            FAIL(MSR_NONCANONICAL, MSR_CSTAR, ITEM(SYSCALL));
        if (s->sfmask >> 32)
            FAIL(MSR_NONCANONICAL, MSR_SFMASK, ITEM(SYSCALL));
        if (!canonical(s->kernel_gs_base))
            FAIL(MSR_NONCANONICAL, MSR_KERNEL_GS_BASE, ITEM(SYSCALL));
    }
    return VIREO_CHECK_NONE;
}

/* ---- RFLAGS and RIP (SDM 27.3.1.4) ---- */

#define RFLAGS_VIF (1ull << 19)
#define RFLAGS_VIP (1ull << 20)
#define RFLAGS_VALID                                                                               \
    (RFLAGS_CF | RFLAGS_FIXED1 | RFLAGS_PF | RFLAGS_AF | RFLAGS_ZF | RFLAGS_SF | RFLAGS_TF |       \
     RFLAGS_IF | RFLAGS_DF | RFLAGS_OF | RFLAGS_IOPL | RFLAGS_NT | RFLAGS_RF | RFLAGS_VM |         \
     RFLAGS_AC | RFLAGS_VIF | RFLAGS_VIP | RFLAGS_ID)

static u32 check_rflags_rip(const struct vireo_vcpu_state *s, const struct mode *m, u64 *detail,
                            u32 *item)
{
    /* SDM: bits 63:22, 15, 5, 3 are 0 and bit 1 is 1. */
    if ((s->rflags & ~RFLAGS_VALID) || !(s->rflags & RFLAGS_FIXED1))
        FAIL(RFLAGS_RESERVED, s->rflags, ITEM(RFLAGS));
    /* SDM: VM is 0 in IA-32e mode or with CR0.PE = 0 (both named by
     * RFLAGS_VM_LONG: virtual-8086 mode needs legacy protected mode). */
    if ((s->rflags & RFLAGS_VM) && (m->lma || !m->pe))
        FAIL(RFLAGS_VM_LONG, s->rflags, ITEM(RFLAGS));
    if (HAS(m, RIP_LEN)) {
        /* SDM: in 64-bit mode (IA-32e and CS.L) RIP is canonical; otherwise
         * bits 63:32 are 0. */
        if (m->lma && VIREO_GET(SVM_ATTR, L, s->cs.ar)) {
            if (!canonical(s->rip))
                FAIL(RIP_NONCANONICAL, s->rip, ITEM(RIP_LEN));
        } else if (s->rip >> 32) {
            FAIL(RIP_NONCANONICAL, s->rip, ITEM(RIP_LEN));
        }
    }
    return VIREO_CHECK_NONE;
}

/* ---- segment registers (SDM 27.3.1.2, APM 15.5.1) ---- */

#define AR_DEFINED  (0xfffu | VIREO_SEG_AR_UNUSABLE)
#define AR_TYPE(ar) ((u32)VIREO_GET(SVM_ATTR, TYPE, ar))
#define AR_S(ar)    ((u32)VIREO_GET(SVM_ATTR, S, ar))
#define AR_DPL(ar)  ((u32)VIREO_GET(SVM_ATTR, DPL, ar))
#define AR_P(ar)    ((u32)VIREO_GET(SVM_ATTR, P, ar))
#define AR_L(ar)    ((u32)VIREO_GET(SVM_ATTR, L, ar))
#define AR_DB(ar)   ((u32)VIREO_GET(SVM_ATTR, DB, ar))
#define AR_G(ar)    ((u32)VIREO_GET(SVM_ATTR, G, ar))
#define SEL_TI      4u

/* SDM: if any of limit[11:0] is 0, G is 0; if any of limit[31:20] is 1, G is 1. */
static bool limit_matches_g(const struct vireo_seg *g)
{
    if (AR_G(g->ar))
        return (g->limit & 0xfff) == 0xfff;
    return (g->limit >> 20) == 0;
}

/* VMX "unusable", or (as SVM reports a null selector) P = 0: everything
 * but CS and TR may be unusable, and then only SS.DPL and the FS/GS bases
 * count. The VMX back end marks P = 0 segments unusable. */
static bool unusable(const struct vireo_seg *g)
{
    return (g->ar & VIREO_SEG_AR_UNUSABLE) || !AR_P(g->ar);
}

/* CS, SS, DS, ES, FS, GS in virtual-8086 mode: base = selector << 4,
 * limit 0xffff, access rights 0xf3 (present DPL 3 accessed read/write data). */
static bool v86_seg_ok(const struct vireo_seg *g)
{
    return g->base == (u64)g->sel << 4 && g->limit == 0xffff && g->ar == 0xf3;
}

static u32 check_cs(const struct vireo_vcpu_state *s, const struct mode *m, u64 *detail, u32 *item)
{
    const struct vireo_seg *g = &s->cs;
    u32 type = AR_TYPE(g->ar), dpl = AR_DPL(g->ar), ss_dpl = AR_DPL(s->ss.ar);
    if (g->ar & ~AR_DEFINED)
        FAIL(SEG_INVALID, VIREO_SEG_CS, ITEM(CS_SS));
    if (m->v86) {
        if (!v86_seg_ok(g))
            FAIL(SEG_INVALID, VIREO_SEG_CS, ITEM(CS_SS));
        return VIREO_CHECK_NONE;
    }
    /* CS is always usable: present, S = 1. */
    if ((g->ar & VIREO_SEG_AR_UNUSABLE) || !AR_P(g->ar) || !AR_S(g->ar))
        FAIL(SEG_INVALID, VIREO_SEG_CS, ITEM(CS_SS));
    /* Type 9, 11, 13, 15 (accessed code), or 3 (accessed read/write data,
     * unrestricted guest only) with DPL 0. */
    if (type != 3 && type != 9 && type != 11 && type != 13 && type != 15)
        FAIL(SEG_INVALID, VIREO_SEG_CS, ITEM(CS_SS));
    /* DPL: type 3 -> 0; non-conforming (9, 11) -> SS.DPL; conforming
     * (13, 15) -> at most SS.DPL. */
    if ((type == 3 && dpl != 0) || ((type == 9 || type == 11) && dpl != ss_dpl) ||
        (type >= 13 && dpl > ss_dpl))
        FAIL(SEG_INVALID, VIREO_SEG_CS, ITEM(CS_SS));
    if (!limit_matches_g(g))
        FAIL(SEG_INVALID, VIREO_SEG_CS, ITEM(CS_SS));
    /* SDM: D/B = 0 in IA-32e mode with L = 1; APM: LME && PG && PAE && L && D. */
    if (m->lma && AR_L(g->ar) && AR_DB(g->ar))
        FAIL(CS_L_AND_D, g->ar, ITEM(CS_SS));
    /* SDM: CS base bits 63:32 are 0. */
    if (g->base >> 32)
        FAIL(SEG_BASE_NONCANONICAL, VIREO_SEG_CS, ITEM(CS_SS));
    return VIREO_CHECK_NONE;
}

static u32 check_ss(const struct vireo_vcpu_state *s, const struct mode *m, u64 *detail, u32 *item)
{
    const struct vireo_seg *g = &s->ss;
    if (g->ar & ~AR_DEFINED)
        FAIL(SEG_INVALID, VIREO_SEG_SS, ITEM(CS_SS));
    if (m->v86) {
        if (!v86_seg_ok(g))
            FAIL(SEG_INVALID, VIREO_SEG_SS, ITEM(CS_SS));
        return VIREO_CHECK_NONE;
    }
    /* SS.DPL (the CPL, checked even when SS is unusable) is 0 when CS is
     * a data segment (type 3) or CR0.PE = 0. */
    if ((AR_TYPE(s->cs.ar) == 3 || !m->pe) && AR_DPL(g->ar) != 0)
        FAIL(SEG_INVALID, VIREO_SEG_SS, ITEM(CS_SS));
    if (unusable(g))
        return VIREO_CHECK_NONE;
    /* Usable: type 3 or 7 (accessed read/write data), S = 1, G and limit. */
    u32 type = AR_TYPE(g->ar);
    if ((type != 3 && type != 7) || !AR_S(g->ar) || !limit_matches_g(g))
        FAIL(SEG_INVALID, VIREO_SEG_SS, ITEM(CS_SS));
    /* Usable SS: base bits 63:32 are 0. */
    if (g->base >> 32)
        FAIL(SEG_BASE_NONCANONICAL, VIREO_SEG_SS, ITEM(CS_SS));
    return VIREO_CHECK_NONE;
}

/* DS, ES (base bits 63:32 zero when usable), FS, GS (base canonical always). */
static u32 check_data_seg(const struct vireo_seg *g, u32 index, u32 it, const struct mode *m,
                          u64 *detail, u32 *item)
{
    bool fs_gs = index == VIREO_SEG_FS || index == VIREO_SEG_GS;
    if (g->ar & ~AR_DEFINED)
        FAIL(SEG_INVALID, index, it);
    if (m->v86) {
        if (!v86_seg_ok(g))
            FAIL(SEG_INVALID, index, it);
        return VIREO_CHECK_NONE;
    }
    if (!unusable(g)) {
        /* Usable: accessed, readable if code, S = 1, G and limit. */
        u32 type = AR_TYPE(g->ar);
        if (!(type & 1) || ((type & 8) && !(type & 2)) || !AR_S(g->ar) || !limit_matches_g(g))
            FAIL(SEG_INVALID, index, it);
        if (!fs_gs && (g->base >> 32))
            FAIL(SEG_BASE_NONCANONICAL, index, it);
    }
    /* FS and GS bases are loaded even when unusable: canonical. */
    if (fs_gs && !canonical(g->base))
        FAIL(SEG_BASE_NONCANONICAL, index, it);
    return VIREO_CHECK_NONE;
}

static u32 check_ldtr(const struct vireo_vcpu_state *s, u64 *detail, u32 *item)
{
    const struct vireo_seg *g = &s->ldtr;
    if (g->ar & ~AR_DEFINED)
        FAIL(SEG_INVALID, VIREO_SEG_LDTR, ITEM(LDTR));
    if (unusable(g))
        return VIREO_CHECK_NONE;
    /* Usable LDTR: selector TI = 0, type 2, S = 0, G and limit, canonical base. */
    if ((g->sel & SEL_TI) || AR_TYPE(g->ar) != 2 || AR_S(g->ar) || !limit_matches_g(g))
        FAIL(SEG_INVALID, VIREO_SEG_LDTR, ITEM(LDTR));
    if (!canonical(g->base))
        FAIL(SEG_BASE_NONCANONICAL, VIREO_SEG_LDTR, ITEM(LDTR));
    return VIREO_CHECK_NONE;
}

static u32 check_tr(const struct vireo_vcpu_state *s, const struct mode *m, u64 *detail, u32 *item)
{
    const struct vireo_seg *g = &s->tr;
    u32 type = AR_TYPE(g->ar);
    /* TR: selector TI = 0, usable, present, S = 0, a busy TSS (type 11, or
     * 3 outside IA-32e mode), G and limit, canonical base. */
    if ((g->ar & ~AR_DEFINED) || (g->sel & SEL_TI) || (g->ar & VIREO_SEG_AR_UNUSABLE) ||
        !AR_P(g->ar) || AR_S(g->ar) || (type != 11 && (m->lma || type != 3)) || !limit_matches_g(g))
        FAIL(SEG_INVALID, VIREO_SEG_TR, ITEM(TR));
    if (!canonical(g->base))
        FAIL(SEG_BASE_NONCANONICAL, VIREO_SEG_TR, ITEM(TR));
    return VIREO_CHECK_NONE;
}

/* Every present segment, in enum vireo_seg_index order. Each check starts
 * with ar's undefined bits 15:13 (ar is SVM's 12 bits plus UNUSABLE). */
static u32 check_segments(const struct vireo_vcpu_state *s, const struct mode *m, u64 *detail,
                          u32 *item)
{
    if (HAS(m, DS_ES))
        TRY(check_data_seg(&s->es, VIREO_SEG_ES, ITEM(DS_ES), m, detail, item));
    TRY(check_cs(s, m, detail, item));
    TRY(check_ss(s, m, detail, item));
    if (HAS(m, DS_ES))
        TRY(check_data_seg(&s->ds, VIREO_SEG_DS, ITEM(DS_ES), m, detail, item));
    if (HAS(m, FS_GS)) {
        TRY(check_data_seg(&s->fs, VIREO_SEG_FS, ITEM(FS_GS), m, detail, item));
        TRY(check_data_seg(&s->gs, VIREO_SEG_GS, ITEM(FS_GS), m, detail, item));
    }
    if (HAS(m, LDTR))
        TRY(check_ldtr(s, detail, item));
    if (HAS(m, TR))
        TRY(check_tr(s, m, detail, item));
    return VIREO_CHECK_NONE;
}

/* SDM 27.3.1.3: GDTR/IDTR limit bits 31:16 are 0 and the base canonical. */
static u32 check_dtrs(const struct vireo_vcpu_state *s, const struct mode *m, u64 *detail,
                      u32 *item)
{
    if (HAS(m, GDTR)) {
        if (s->gdtr.limit > 0xffff)
            FAIL(DTR_INVALID, s->gdtr.limit, ITEM(GDTR));
        if (!canonical(s->gdtr.base))
            FAIL(DTR_INVALID, s->gdtr.base, ITEM(GDTR));
    }
    if (HAS(m, IDTR)) {
        if (s->idtr.limit > 0xffff)
            FAIL(DTR_INVALID, s->idtr.limit, ITEM(IDTR));
        if (!canonical(s->idtr.base))
            FAIL(DTR_INVALID, s->idtr.base, ITEM(IDTR));
    }
    return VIREO_CHECK_NONE;
}

/* ---- non-register state (SDM 27.3.1.5) ---- */

#define INTR_STI    VIREO_BIT(VMX_INTR_STATE, BLOCK_STI)
#define INTR_MOV_SS VIREO_BIT(VMX_INTR_STATE, BLOCK_MOV_SS)
#define INTR_NMI    VIREO_BIT(VMX_INTR_STATE, BLOCK_NMI)

static u32 check_intr_activity(const struct vireo_vcpu_state *s, const struct entry_caps *caps,
                               u64 *detail, u32 *item)
{
    u32 intr = s->intr_state, act = s->actv_state;
    /* Interruptibility: reserved bits 31:5 are 0, SMI blocking only in SMM
     * (never here), enclave interruption only for SGX guests (none); not
     * both STI and MOV-SS blocking; STI blocking only with RFLAGS.IF = 1. */
    if ((intr & ~(INTR_STI | INTR_MOV_SS | INTR_NMI)) ||
        ((intr & INTR_STI) && (intr & INTR_MOV_SS)) ||
        ((intr & INTR_STI) && !(s->rflags & RFLAGS_IF)))
        FAIL(INTR_STATE_INVALID, intr, ITEM(INTR_STATE));
    /* Activity: a state this CPU supports (IA32_VMX_MISC; SVM: active and
     * HLT, which the back end emulates). */
    if (act > VMX_ACTIVITY_WAIT_SIPI || !(caps->activity_valid & (1u << act)))
        FAIL(ACTIVITY_INVALID, act, ITEM(INTR_STATE));
    /* HLT only with SS.DPL = 0; any inactive state only without STI or
     * MOV-SS blocking. */
    if ((act == VMX_ACTIVITY_HLT && AR_DPL(s->ss.ar) != 0) ||
        (act != VMX_ACTIVITY_ACTIVE && (intr & (INTR_STI | INTR_MOV_SS))))
        FAIL(ACTIVITY_INVALID, act, ITEM(INTR_STATE));
    return VIREO_CHECK_NONE;
}

#define PDBG_BS         VIREO_BIT(VMX_PENDING_DBG, BS)
#define PDBG_ENABLED_BP VIREO_BIT(VMX_PENDING_DBG, ENABLED_BP)
#define PDBG_RTM        VIREO_BIT(VMX_PENDING_DBG, RTM)
#define PDBG_VALID                                                                                 \
    (VIREO_BIT(VMX_PENDING_DBG, B0) | VIREO_BIT(VMX_PENDING_DBG, B1) |                             \
     VIREO_BIT(VMX_PENDING_DBG, B2) | VIREO_BIT(VMX_PENDING_DBG, B3) | PDBG_ENABLED_BP | PDBG_BS | \
     PDBG_RTM)

static u32 check_pending_dbg(const struct vireo_vcpu_state *s, const struct entry_caps *caps,
                             const struct mode *m, u64 *detail, u32 *item)
{
    if (!HAS(m, PENDING_DBG))
        return VIREO_CHECK_NONE;
    u64 pd = s->pending_dbg;
    /* Bits 11:4, 13, 15, 63:17 are 0. */
    if (pd & ~PDBG_VALID)
        FAIL(PENDING_DBG_INVALID, pd, ITEM(PENDING_DBG));
    /* With STI or MOV-SS blocking or in HLT: BS = 1 exactly when TF = 1
     * and DEBUGCTL.BTF = 0 (the single step the blocking delayed). */
    if ((s->intr_state & (INTR_STI | INTR_MOV_SS)) || s->actv_state == VMX_ACTIVITY_HLT) {
        bool step = (s->rflags & RFLAGS_TF) && !(s->debugctl & DEBUGCTL_BTF);
        if (!!(pd & PDBG_BS) != step)
            FAIL(PENDING_DBG_INVALID, pd, ITEM(PENDING_DBG));
    }
    /* RTM: only with RTM support, exactly RTM and enabled-breakpoint (bit
     * 12), and without MOV-SS blocking. */
    if ((pd & PDBG_RTM) && (!(caps->flags & ENTRY_CAP_RTM) || pd != (PDBG_RTM | PDBG_ENABLED_BP) ||
                            (s->intr_state & INTR_MOV_SS)))
        FAIL(PENDING_DBG_INVALID, pd, ITEM(PENDING_DBG));
    return VIREO_CHECK_NONE;
}

/* ---- event injection (SDM 27.2.1.3 and 27.3.1.5, APM 15.20) ---- */

#define EVENT_DEFINED                                                                              \
    (VIREO_MASK(VMX_INTR_INFO, VECTOR) | VIREO_MASK(VMX_INTR_INFO, TYPE) |                         \
     VIREO_MASK(VMX_INTR_INFO, HAS_ERROR) | VIREO_MASK(VMX_INTR_INFO, VALID))

/* Exceptions that push an error code in protected mode: #DF, #TS, #NP,
 * #SS, #GP, #PF, #AC. */
static bool pushes_error(u32 vector)
{
    return vector == 8 || (vector >= 10 && vector <= 14) || vector == 17;
}

static u32 check_event(const struct vireo_vcpu_state *s, const struct entry_caps *caps,
                       const struct mode *m, u64 *detail, u32 *item)
{
    u32 info = s->inj_info;
    if (!HAS(m, INJECT) || !VIREO_GET(VMX_INTR_INFO, VALID, info))
        return VIREO_CHECK_NONE;
    u32 type = (u32)VIREO_GET(VMX_INTR_INFO, TYPE, info);
    u32 vector = (u32)VIREO_GET(VMX_INTR_INFO, VECTOR, info);
    bool has_error = VIREO_GET(VMX_INTR_INFO, HAS_ERROR, info);
    bool exception = type == VMX_EVENT_HW_EXCEPTION || type == VMX_EVENT_PRIV_SW_EXCEPTION ||
                     type == VMX_EVENT_SW_EXCEPTION;
    bool software = type == VMX_EVENT_SW_INTR || type == VMX_EVENT_PRIV_SW_EXCEPTION ||
                    type == VMX_EVENT_SW_EXCEPTION;

    /* SDM: bits 30:12 are 0 (NMI_UNBLOCKED exists only on exit). */
    if (info & ~EVENT_DEFINED)
        FAIL(EVENT_INVALID, info, ITEM(INJECT));
    /* Type: not 1 (reserved); 7 ("other event", a pending MTF exit) only
     * with vector 0 where the CPU has MTF (never SVM). */
    if (type == 1 || (type == VMX_EVENT_OTHER && (!(caps->flags & ENTRY_CAP_INJECT_MTF) || vector)))
        FAIL(EVENT_INVALID, info, ITEM(INJECT));
    /* Vector: NMI is 2 (SDM); an exception (all three kinds reach SVM as
     * EVENTINJ type 3) is 0-31 but not 2 (APM). Hardware #CP (21) pushes
     * an error code only on CPUs with CET: refused in protected mode. */
    if ((type == VMX_EVENT_NMI && vector != 2) || (exception && (vector > 31 || vector == 2)) ||
        (type == VMX_EVENT_HW_EXCEPTION && vector == 21 && m->pe))
        FAIL(EVENT_INVALID, info, ITEM(INJECT));
    /* SDM: deliver-error-code is 1 exactly for a hardware exception that
     * pushes one, in protected mode (unrestricted guest: CR0.PE = 1). */
    bool want_error = type == VMX_EVENT_HW_EXCEPTION && m->pe && pushes_error(vector);
    if (has_error != want_error)
        FAIL(EVENT_INVALID, info, ITEM(INJECT));
    /* SDM: the error code's bits 31:16 are 0. */
    if (has_error && (s->inj_error >> 16))
        FAIL(EVENT_INVALID, s->inj_error, ITEM(INJECT));
    /* SDM: a software event's instruction length is 1-15, or 0 where the
     * CPU allows it (SVM: 0 = no length). */
    if (software &&
        (s->inj_len > 15 || (s->inj_len == 0 && !(caps->flags & ENTRY_CAP_INJECT_LEN0))))
        FAIL(EVENT_INVALID, s->inj_len, ITEM(INJECT));
    /* SDM: what each inactive state may take: HLT external interrupts,
     * NMIs, #DB, #MC and a pending MTF exit; shutdown NMIs and #MC;
     * wait-for-SIPI nothing. */
    bool allowed;
    switch (s->actv_state) {
    case VMX_ACTIVITY_HLT:
        allowed = type == VMX_EVENT_EXT_INTR || type == VMX_EVENT_NMI ||
                  (type == VMX_EVENT_HW_EXCEPTION && (vector == 1 || vector == 18)) ||
                  type == VMX_EVENT_OTHER;
        break;
    case VMX_ACTIVITY_SHUTDOWN:
        allowed = type == VMX_EVENT_NMI || (type == VMX_EVENT_HW_EXCEPTION && vector == 18);
        break;
    case VMX_ACTIVITY_WAIT_SIPI:
        allowed = false;
        break;
    default:
        allowed = true;
        break;
    }
    if (!allowed)
        FAIL(EVENT_INVALID, info, ITEM(INJECT));
    /* SDM: an external interrupt needs RFLAGS.IF = 1 and neither STI nor
     * MOV-SS blocking; an NMI neither MOV-SS blocking nor (virtual NMIs)
     * NMI blocking, nor STI blocking ("a processor may require" it). */
    u32 intr = s->intr_state;
    if (type == VMX_EVENT_EXT_INTR &&
        (!(s->rflags & RFLAGS_IF) || (intr & (INTR_STI | INTR_MOV_SS))))
        FAIL(EVENT_BLOCKED, info, ITEM(INJECT));
    if (type == VMX_EVENT_NMI && (intr & (INTR_STI | INTR_MOV_SS | INTR_NMI)))
        FAIL(EVENT_BLOCKED, info, ITEM(INJECT));
    return VIREO_CHECK_NONE;
}

/* ---- controls (struct vireo_vcpu_ctrl) ---- */

static u32 check_ctrl(const struct vireo_vcpu_state *s, const struct mode *m, u64 *detail,
                      u32 *item)
{
    /* CTRL is never among the base items: present only when changed. */
    if (!HAS(m, CTRL))
        return VIREO_CHECK_NONE;
    if (s->ctrl.flags & ~VIREO_CTRL_ALL)
        FAIL(CTRL_INVALID, s->ctrl.flags, ITEM(CTRL));
    if (s->ctrl.tpr_threshold > 15)
        FAIL(CTRL_INVALID, s->ctrl.tpr_threshold, ITEM(CTRL));
    return VIREO_CHECK_NONE;
}

u32 entry_check(const struct vireo_vcpu_state *s, u64 changed, const struct entry_caps *caps,
                u64 *detail, u32 *item)
{
    *detail = 0;
    *item = ~0u;
    /* The caller rejects these first; repeated so the function stands alone. */
    if (changed & ~VIREO_MTD_ALL)
        FAIL(MTD_RESERVED, changed & ~VIREO_MTD_ALL, ~0u);
    struct mode m = {
        .need = entry_check_items(changed),
        .pe = (s->cr0 & CR0_PE) != 0,
        .lma = (s->efer & EFER_LMA) != 0,
        .v86 = (s->rflags & RFLAGS_VM) != 0,
    };
    TRY(check_ctrl(s, &m, detail, item));
    TRY(check_cr0(s, detail, item));
    TRY(check_cr4_efer(s, caps, detail, item));
    TRY(check_cr3(s, caps, &m, detail, item));
    TRY(check_xcr0(s, caps, &m, detail, item));
    TRY(check_dr(s, &m, detail, item));
    TRY(check_debugctl_pat(s, detail, item));
    TRY(check_msrs(s, &m, detail, item));
    TRY(check_rflags_rip(s, &m, detail, item));
    TRY(check_segments(s, &m, detail, item));
    TRY(check_dtrs(s, &m, detail, item));
    TRY(check_intr_activity(s, caps, detail, item));
    TRY(check_pending_dbg(s, caps, &m, detail, item));
    TRY(check_event(s, caps, &m, detail, item));
    return VIREO_CHECK_NONE;
}
