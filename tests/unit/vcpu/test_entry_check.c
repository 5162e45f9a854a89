/* Host test of the VM-entry checks (kernel/vcpu/entry_check.c): four valid
 * states (64-bit, 32-bit flat, real mode, virtual-8086) pass; every check
 * passes right at its boundary and fails just past it with the expected
 * check, detail and item; and a randomized run (fixed seed) mutates single
 * fields and checks that nothing outside the items the checks read changes
 * the result. */
#include <stddef.h>
#include <string.h>

#include "check.h"
#include "entry_check.h"
#include <vireo/vcpu_state.h>
#include <vireo/x86/cr.h>
#include <vireo/x86/msr.h>

typedef struct vireo_vcpu_state state_t;

#define ALL        VIREO_MTD_WRITABLE
#define ITEM(name) VIREO_MTD_##name##_BIT
#define NO_ITEM    (~0u)

/* Access rights, SVM layout: type 3:0, S 4, DPL 6:5, P 7, AVL 8, L 9, DB 10, G 11. */
#define AR_S        0x010u
#define AR_P        0x080u
#define AR_L        0x200u
#define AR_DB       0x400u
#define AR_G        0x800u
#define AR_DPL(n)   ((u16)((n) << 5))
#define AR_CODE64   (0xbu | AR_S | AR_P | AR_L | AR_G)  /* 0xa9b */
#define AR_CODE32   (0xbu | AR_S | AR_P | AR_DB | AR_G) /* 0xc9b */
#define AR_DATA32   (0x3u | AR_S | AR_P | AR_DB | AR_G) /* 0xc93 */
#define AR_TSS_BUSY (0xbu | AR_P)                       /* 0x08b */
#define AR_UNUSABLE VIREO_SEG_AR_UNUSABLE

#define EV(type, vector)                                                                           \
    ((u32)(VIREO_PUT(VMX_INTR_INFO, VECTOR, vector) | VIREO_PUT(VMX_INTR_INFO, TYPE, type) |       \
           VIREO_PUT(VMX_INTR_INFO, VALID, 1)))
#define EV_ERR         ((u32)VIREO_PUT(VMX_INTR_INFO, HAS_ERROR, 1))
#define EXT_INTR(v)    EV(VMX_EVENT_EXT_INTR, v)
#define NMI            EV(VMX_EVENT_NMI, 2)
#define HW_EXC(v)      EV(VMX_EVENT_HW_EXCEPTION, v)
#define SW_INTR(v)     EV(VMX_EVENT_SW_INTR, v)
#define SW_EXC(v)      EV(VMX_EVENT_SW_EXCEPTION, v)
#define PRIV_SW_EXC(v) EV(VMX_EVENT_PRIV_SW_EXCEPTION, v)
#define OTHER_EV(v)    EV(VMX_EVENT_OTHER, v)

#define STI    ((u32)VIREO_BIT(VMX_INTR_STATE, BLOCK_STI))
#define MOV_SS ((u32)VIREO_BIT(VMX_INTR_STATE, BLOCK_MOV_SS))
#define B_SMI  ((u32)VIREO_BIT(VMX_INTR_STATE, BLOCK_SMI))
#define B_NMI  ((u32)VIREO_BIT(VMX_INTR_STATE, BLOCK_NMI))
#define ENCL   ((u32)VIREO_BIT(VMX_INTR_STATE, ENCLAVE))

#define PD_BS   VIREO_BIT(VMX_PENDING_DBG, BS)
#define PD_BP   VIREO_BIT(VMX_PENDING_DBG, ENABLED_BP)
#define PD_RTM  VIREO_BIT(VMX_PENDING_DBG, RTM)
#define DBG_BTF 2ull /* DEBUGCTL.BTF */

static struct entry_caps caps;
static state_t s_long, s_prot, s_real, s_v86;

static void init_caps(void)
{
    caps.cr4_valid = CR4_VME | CR4_PVI | CR4_TSD | CR4_DE | CR4_PSE | CR4_PAE | CR4_MCE | CR4_PGE |
                     CR4_PCE | CR4_OSFXSR | CR4_OSXMMEXCPT | CR4_UMIP | CR4_FSGSBASE | CR4_PCIDE |
                     CR4_OSXSAVE | CR4_SMEP | CR4_SMAP | CR4_PKE;
    caps.efer_valid = EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE;
    caps.xcr0_valid = 0x602ff; /* x87 SSE AVX MPX AVX-512 PKRU AMX */
    caps.phys_bits = 46;
    caps.activity_valid = 0xf;
    caps.flags = ENTRY_CAP_INJECT_LEN0 | ENTRY_CAP_INJECT_MTF | ENTRY_CAP_RTM;
}

static struct vireo_seg seg(u16 sel, u16 ar, u32 limit, u64 base)
{
    struct vireo_seg g = {sel, ar, limit, base};
    return g;
}

/* What every state shares: MSRs, debug registers, no events. */
static void common(state_t *s)
{
    memset(s, 0, sizeof(*s));
    s->rax = 0x1111, s->rcx = 0x2222, s->rsp = 0x7000;
    s->dr7 = 0x400, s->dr6 = 0xffff0ff0;
    s->pat = 0x0007040600070406ull;
    s->xcr0 = 1;
    s->ldtr = seg(0, AR_UNUSABLE, 0, 0);
}

static void init_states(void)
{
    /* 64-bit long mode: flat CS.L, DS usable, ES/FS/GS null, busy 64-bit TSS. */
    state_t *s = &s_long;
    common(s);
    s->cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_AM | CR0_PG;
    s->cr4 = CR4_PAE | CR4_PGE | CR4_OSFXSR | CR4_OSXMMEXCPT | CR4_OSXSAVE | CR4_FSGSBASE |
             CR4_PCIDE | CR4_SMEP;
    s->efer = EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE;
    s->cr3 = 0x1000, s->xcr0 = 7;
    s->rflags = 0x202, s->rip = 0xffffffff81000000ull;
    s->cs = seg(0x10, AR_CODE64, 0xffffffff, 0);
    s->ss = seg(0x18, AR_DATA32, 0xffffffff, 0);
    s->ds = seg(0x18, AR_DATA32, 0xffffffff, 0);
    s->es = seg(0, AR_UNUSABLE, 0, 0);
    s->fs = seg(0, AR_UNUSABLE, 0, 0x00007f0012340000ull);
    s->gs = seg(0, AR_UNUSABLE, 0, 0xffff888000001000ull);
    s->tr = seg(0x40, AR_TSS_BUSY, 0x67, 0xfffffe0000003000ull);
    s->gdtr = seg(0, 0, 0x7f, 0xfffffe0000001000ull);
    s->idtr = seg(0, 0, 0xfff, 0xfffffe0000000000ull);
    s->sysenter_cs = 0x10, s->sysenter_esp = 0xfffffe0000010000ull;
    s->sysenter_eip = 0xffffffff81001000ull;
    s->star = 0x0023001000000000ull, s->lstar = 0xffffffff81002000ull;
    s->sfmask = 0x47700, s->kernel_gs_base = 0x00007fff00000000ull;

    /* 32-bit protected mode, flat, paging without PAE. */
    s = &s_prot;
    common(s);
    s->cr0 = CR0_PE | CR0_ET | CR0_NE | CR0_PG;
    s->cr4 = CR4_PSE | CR4_PGE;
    s->cr3 = 0x00100000;
    s->rflags = 0x202, s->rip = 0xc0100000;
    s->cs = seg(0x08, AR_CODE32, 0xffffffff, 0);
    s->ss = s->ds = s->es = s->fs = s->gs = seg(0x10, AR_DATA32, 0xffffffff, 0);
    s->tr = seg(0x28, AR_TSS_BUSY, 0x67, 0xc0200000);
    s->gdtr = seg(0, 0, 0x2f, 0xc0300000);
    s->idtr = seg(0, 0, 0x7ff, 0xc0301000);
    s->sysenter_cs = 0x08, s->sysenter_esp = 0xc0400000, s->sysenter_eip = 0xc0101000;

    /* Real mode as after reset: CR0 = 0x60000010 (CD and NW), CS f000:fff0
     * with base 0xf0000, 16-bit busy TSS, a usable LDT. */
    s = &s_real;
    common(s);
    s->cr0 = 0x60000010;
    s->rflags = 0x2, s->rip = 0xfff0;
    s->cs = seg(0xf000, 0x9b, 0xffff, 0xf0000);
    s->ss = s->ds = s->es = s->fs = s->gs = seg(0, 0x93, 0xffff, 0);
    s->tr = seg(0, 0x83, 0xffff, 0);
    s->ldtr = seg(0, 0x82, 0xffff, 0);
    s->gdtr = seg(0, 0, 0xffff, 0);
    s->idtr = seg(0, 0, 0xffff, 0);

    /* Virtual-8086 mode inside 32-bit paging: every segment base =
     * selector << 4, limit 0xffff, ar 0xf3. */
    s = &s_v86;
    s_v86 = s_prot;
    s->cr4 |= CR4_VME;
    s->rflags = 0x20202, s->rip = 0x100;
    s->cs = seg(0x1000, 0xf3, 0xffff, 0x10000);
    s->ss = seg(0x2000, 0xf3, 0xffff, 0x20000);
    s->ds = seg(0x3000, 0xf3, 0xffff, 0x30000);
    s->es = seg(0x4000, 0xf3, 0xffff, 0x40000);
    s->fs = seg(0x5000, 0xf3, 0xffff, 0x50000);
    s->gs = seg(0xffff, 0xf3, 0xffff, 0xffff0);
}

static const char *name(u32 check)
{
    const char *n = vireo_entry_check_name(check);
    return n ? n : "?";
}

static void expect_at(int line, const state_t *s, u64 changed, u32 want, u64 want_detail,
                      u32 want_item)
{
    u64 detail = 0xdeadbeef;
    u32 item = 0xdead;
    u32 got = entry_check(s, changed, &caps, &detail, &item);
    bool ok = got == want;
    if (ok && want != VIREO_CHECK_NONE)
        ok = detail == want_detail && item == want_item;
    if (ok && want == VIREO_CHECK_NONE)
        ok = detail == 0 && item == NO_ITEM;
    if (ok) {
        check_passed++;
    } else {
        check_failed++;
        fprintf(stderr,
                "%s:%d: got %s (detail 0x%llx, item %d), want %s (detail 0x%llx, item %d)\n",
                __FILE__, line, name(got), (unsigned long long)detail, (int)item, name(want),
                (unsigned long long)want_detail, (int)want_item);
    }
}
#define EXPECT(s, changed, check, detail, item)                                                    \
    expect_at(__LINE__, &(s), (changed), VIREO_CHECK_##check, (detail), (item))
#define PASS(s)       expect_at(__LINE__, &(s), ALL, VIREO_CHECK_NONE, 0, NO_ITEM)
#define PASS_C(s, ch) expect_at(__LINE__, &(s), (ch), VIREO_CHECK_NONE, 0, NO_ITEM)

static void test_valid_states(void)
{
    PASS(s_long);
    PASS(s_prot);
    PASS(s_real);
    PASS(s_v86);
    /* ... whatever the reply changed */
    const state_t *all[] = {&s_long, &s_prot, &s_real, &s_v86};
    for (u32 i = 0; i < 4; i++) {
        PASS_C(*all[i], 0);
        for (u32 bit = 0; bit < 32; bit++)
            PASS_C(*all[i], 1ull << bit);
        PASS_C(*all[i], VIREO_MTD_ALL);
    }
    /* 32-bit without paging, and PAE paging. */
    state_t t = s_prot;
    t.cr0 &= ~CR0_PG;
    PASS(t);
    t = s_prot;
    t.cr4 |= CR4_PAE;
    t.pdpte[0] = 0x2001, t.pdpte[1] = 0x3001;
    PASS(t);
    /* Compatibility mode: IA-32e with a 32-bit CS. */
    t = s_long;
    t.cs.ar = AR_CODE32;
    t.rip = 0xffffffff;
    PASS(t);
    /* Paging off with LME set, about to enter long mode. */
    t = s_prot;
    t.cr0 &= ~CR0_PG;
    t.efer = EFER_LME;
    PASS(t);
    /* SVM's null segments: P = 0 without UNUSABLE reads as unusable. */
    t = s_long;
    t.es = seg(0, 0x0, 0, 0), t.ds = seg(0, 0x13, 0, 0xffffffff00000000ull);
    PASS(t);
}

static void test_mtd_ctrl(void)
{
    EXPECT(s_long, ALL | (1ull << 32), MTD_RESERVED, 1ull << 32, NO_ITEM);
    EXPECT(s_long, ~0ull, MTD_RESERVED, ~0ull << 32, NO_ITEM);

    state_t t = s_long;
    t.ctrl.flags = VIREO_CTRL_ALL, t.ctrl.tpr_threshold = 15;
    t.ctrl.exc_bitmap = ~0u, t.ctrl.cr0_mask = ~0ull, t.ctrl.cr4_shadow = ~0ull;
    PASS(t);
    t.ctrl.flags = VIREO_CTRL_ALL | (VIREO_CTRL_ALL + 1);
    EXPECT(t, ALL, CTRL_INVALID, t.ctrl.flags, ITEM(CTRL));
    PASS_C(t, ALL & ~VIREO_MTD(CTRL)); /* only checked when the reply sets it */
    t.ctrl.flags = 0, t.ctrl.tpr_threshold = 16;
    EXPECT(t, ALL, CTRL_INVALID, 16, ITEM(CTRL));
    PASS_C(t, VIREO_MTD(RIP_LEN));
}

static void test_cr0(void)
{
    state_t t = s_long;
    t.cr0 |= CR0_TS | CR0_EM;
    PASS(t);
    t.cr0 &= ~CR0_NE; /* the VMX back end forces NE itself */
    PASS(t);
    t = s_long;
    t.cr0 |= 1ull << 32;
    EXPECT(t, ALL, CR0_INVALID, t.cr0, ITEM(CR0_CR4));
    t = s_long;
    t.cr0 |= 1ull << 63;
    EXPECT(t, ALL, CR0_INVALID, t.cr0, ITEM(CR0_CR4));
    t = s_long;
    t.cr0 |= 1ull << 6; /* reserved bit 6 */
    EXPECT(t, ALL, CR0_INVALID, t.cr0, ITEM(CR0_CR4));
    t = s_long;
    t.cr0 |= 1ull << 17;
    EXPECT(t, ALL, CR0_INVALID, t.cr0, ITEM(CR0_CR4));
    /* NW only with CD */
    t = s_real;
    t.cr0 = CR0_ET | CR0_CD;
    PASS(t);
    t.cr0 = CR0_ET | CR0_NW;
    EXPECT(t, ALL, CR0_INVALID, t.cr0, ITEM(CR0_CR4));
    /* PG only with PE; PE = 0 and PG = 0 together is real mode */
    t = s_real;
    t.cr0 = CR0_ET;
    PASS(t);
    t.cr0 = CR0_ET | CR0_PG;
    EXPECT(t, ALL, CR0_INVALID, t.cr0, ITEM(CR0_CR4));
}

static void test_cr4_efer(void)
{
    state_t t = s_long;
    t.cr4 = caps.cr4_valid; /* every supported bit */
    PASS(t);
    t.cr4 |= CR4_VMXE; /* the back end's, never the guest's */
    EXPECT(t, ALL, CR4_INVALID, t.cr4, ITEM(CR0_CR4));
    t = s_long;
    t.cr4 |= CR4_LA57;
    EXPECT(t, ALL, CR4_INVALID, t.cr4, ITEM(CR0_CR4));
    t = s_long;
    t.cr4 |= 1ull << 32;
    EXPECT(t, ALL, CR4_INVALID, t.cr4, ITEM(CR0_CR4));
    /* PAE is required in IA-32e mode */
    t = s_long;
    t.cr4 &= ~(CR4_PAE | CR4_PCIDE);
    EXPECT(t, ALL, CR4_INVALID, t.cr4, ITEM(CR0_CR4));
    /* PCIDE only in IA-32e mode */
    t = s_prot;
    t.cr4 |= CR4_PAE | CR4_PCIDE;
    EXPECT(t, ALL, CR4_INVALID, t.cr4, ITEM(CR0_CR4));
    t.cr4 &= ~CR4_PCIDE;
    PASS(t);

    t = s_long;
    t.efer = caps.efer_valid;
    PASS(t);
    t.efer |= EFER_SVME; /* the SVM back end's own */
    EXPECT(t, ALL, EFER_INVALID, t.efer, ITEM(EFER));
    t = s_long;
    t.efer |= 1ull << 14; /* FFXSR: not in these caps */
    EXPECT(t, ALL, EFER_INVALID, t.efer, ITEM(EFER));
    /* LMA == (LME && PG) */
    t = s_long;
    t.efer &= ~EFER_LMA;
    EXPECT(t, ALL, EFER_INVALID, t.efer, ITEM(EFER));
    t = s_long;
    t.efer &= ~EFER_LME;
    EXPECT(t, ALL, EFER_INVALID, t.efer, ITEM(EFER));
    t = s_long;
    t.cr0 &= ~CR0_PG;
    EXPECT(t, ALL, EFER_INVALID, t.efer, ITEM(EFER));
    t = s_prot;
    t.efer = EFER_LMA;
    EXPECT(t, ALL, EFER_INVALID, t.efer, ITEM(EFER));
    t = s_prot;
    t.efer = EFER_LME; /* LME && PG without LMA */
    EXPECT(t, ALL, EFER_INVALID, t.efer, ITEM(EFER));
}

static void test_cr3_pdpte(void)
{
    state_t t = s_long;
    t.cr3 = (1ull << 46) - 0x1000; /* the highest page below 46 bits */
    PASS(t);
    t.cr3 = 1ull << 46;
    EXPECT(t, ALL, CR3_INVALID, t.cr3, ITEM(CR3));
    PASS_C(t, VIREO_MTD(RIP_LEN)); /* CR3 not present: not read */
    t.cr3 = 1ull << 63;
    EXPECT(t, VIREO_MTD(CR3), CR3_INVALID, t.cr3, ITEM(CR3));
    t = s_real;
    t.cr3 = 0xffffffff; /* any 32-bit value: low bits are ignored */
    PASS(t);

    /* PAE paging outside IA-32e mode: present PDPTEs' reserved bits */
    state_t p = s_prot;
    p.cr4 |= CR4_PAE;
    p.pdpte[0] = 0x1001, p.pdpte[1] = 0x1e6;     /* not present: anything */
    p.pdpte[2] = ((1ull << 46) - 0x1000) | 0x19; /* PWT PCD and the highest address */
    p.pdpte[3] = 0xfffffffffffffffeull;
    PASS(p);
    u64 bad[] = {1 | 2, 1 | 4, 1 | 0x20, 1 | 0x100, 1 | (1ull << 46), 1 | (1ull << 63)};
    for (u32 i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        t = p;
        t.pdpte[2] = bad[i];
        EXPECT(t, ALL, PDPTE_INVALID, bad[i], ITEM(CR3));
        PASS_C(t, VIREO_MTD(RFLAGS)); /* without CR3 in the reply: not read */
    }
    /* The same PDPTEs are ignored in long mode and without PAE. */
    t = s_long;
    t.pdpte[0] = 3;
    PASS(t);
    t = s_prot;
    t.pdpte[0] = 3;
    PASS(t);
}

static void test_xcr0(void)
{
    static const u64 good[] = {1, 3, 7, 0x1f, 0xe7, 0x2ff, 0x60003, 0x602ff};
    static const u64 bad[] = {0,    2,    6,       5,       0x67,  0xa7,    0xe3,      0xe1,
                              0x0b, 0x13, 0x20003, 0x40003, 0x100, 0x80001, 1ull << 62};
    state_t t = s_long;
    for (u32 i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        t.xcr0 = good[i];
        PASS(t);
    }
    for (u32 i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        t.xcr0 = bad[i];
        EXPECT(t, ALL, XCR0_INVALID, bad[i], ITEM(XCR0));
        EXPECT(t, VIREO_MTD(XCR0), XCR0_INVALID, bad[i], ITEM(XCR0));
        PASS_C(t, ALL & ~VIREO_MTD(XCR0)); /* only checked when changed */
    }
    /* A CPU without XSAVE: only x87. */
    struct entry_caps keep = caps;
    caps.xcr0_valid = 1;
    t.xcr0 = 1;
    PASS(t);
    t.xcr0 = 3;
    EXPECT(t, ALL, XCR0_INVALID, 3, ITEM(XCR0));
    caps = keep;
}

static void test_debug_msrs(void)
{
    state_t t = s_long;
    t.dr7 = 0xffffffff, t.dr6 = 0xffffffff;
    PASS(t);
    t.dr7 = 1ull << 32;
    EXPECT(t, ALL, DR7_INVALID, t.dr7, ITEM(DR7));
    PASS_C(t, VIREO_MTD(RIP_LEN));
    t.dr7 = 0x400, t.dr6 = 0x1ffff0ff0ull;
    EXPECT(t, ALL, DR7_INVALID, t.dr6, ITEM(DR7));

    t = s_long;
    t.debugctl = 3; /* LBR, BTF */
    PASS(t);
    t.debugctl = 4;
    EXPECT(t, ALL, DEBUGCTL_INVALID, 4, ITEM(PAT_DEBUGCTL));
    t.debugctl = 1ull << 63;
    EXPECT(t, VIREO_MTD(RIP_LEN), DEBUGCTL_INVALID, t.debugctl, ITEM(PAT_DEBUGCTL));

    t = s_long;
    t.pat = 0x0706050401000706ull; /* every valid type */
    PASS(t);
    u64 bad_pat[] = {0x0706050401000702ull, 0x0306050401000706ull, 0x0706050401080706ull,
                     0xff06050401000706ull, 0x0000000000000003ull};
    for (u32 i = 0; i < 5; i++) {
        t.pat = bad_pat[i];
        EXPECT(t, ALL, PAT_INVALID, bad_pat[i], ITEM(PAT_DEBUGCTL));
    }

    /* SYSENTER: CS is 32 bits, ESP/EIP canonical */
    t = s_long;
    t.sysenter_cs = 0xffffffff, t.sysenter_esp = 0x00007fffffffffffull;
    t.sysenter_eip = 0xffff800000000000ull;
    PASS(t);
    t.sysenter_cs = 1ull << 32;
    EXPECT(t, ALL, MSR_NONCANONICAL, MSR_SYSENTER_CS, ITEM(SYSENTER));
    PASS_C(t, VIREO_MTD(SYSCALL));
    t.sysenter_cs = 0, t.sysenter_esp = 0x0000800000000000ull;
    EXPECT(t, VIREO_MTD(SYSENTER), MSR_NONCANONICAL, MSR_SYSENTER_ESP, ITEM(SYSENTER));
    t.sysenter_esp = 0, t.sysenter_eip = 0xffff7fffffffffffull;
    EXPECT(t, ALL, MSR_NONCANONICAL, MSR_SYSENTER_EIP, ITEM(SYSENTER));

    /* SYSCALL: LSTAR, CSTAR, KERNEL_GS_BASE canonical, SFMASK 32 bits, STAR anything */
    t = s_long;
    t.star = ~0ull, t.lstar = 0x00007fffffffffffull, t.cstar = 0xffff800000000000ull;
    t.sfmask = 0xffffffff, t.kernel_gs_base = 0xffffffffffffffffull;
    PASS(t);
    t.lstar = 0x0000800000000000ull;
    EXPECT(t, ALL, MSR_NONCANONICAL, MSR_LSTAR, ITEM(SYSCALL));
    PASS_C(t, VIREO_MTD(SYSENTER));
    t.lstar = 0, t.cstar = 1ull << 63;
    EXPECT(t, ALL, MSR_NONCANONICAL, MSR_CSTAR, ITEM(SYSCALL));
    t.cstar = 0, t.sfmask = 1ull << 32;
    EXPECT(t, ALL, MSR_NONCANONICAL, MSR_SFMASK, ITEM(SYSCALL));
    t.sfmask = 0, t.kernel_gs_base = 0x8000000000000000ull;
    EXPECT(t, ALL, MSR_NONCANONICAL, MSR_KERNEL_GS_BASE, ITEM(SYSCALL));
}

static void test_rflags_rip(void)
{
    /* every defined bit but VM; TF and IF alone do not need pending_dbg */
    state_t t = s_prot;
    t.rflags = 0x3f7fd7ull & ~RFLAGS_VM;
    PASS(t);
    u64 reserved[] = {1ull << 3,  1ull << 5,  1ull << 15, 1ull << 22,
                      1ull << 31, 1ull << 32, 1ull << 63};
    for (u32 i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
        t.rflags = 0x202 | reserved[i];
        EXPECT(t, ALL, RFLAGS_RESERVED, t.rflags, ITEM(RFLAGS));
        EXPECT(t, 0, RFLAGS_RESERVED, t.rflags, ITEM(RFLAGS)); /* always present */
    }
    t.rflags = 0x200; /* bit 1 clear */
    EXPECT(t, ALL, RFLAGS_RESERVED, t.rflags, ITEM(RFLAGS));
    /* VM: only in legacy protected mode */
    t = s_long;
    t.rflags |= RFLAGS_VM;
    EXPECT(t, ALL, RFLAGS_VM_LONG, t.rflags, ITEM(RFLAGS));
    t = s_real;
    t.rflags |= RFLAGS_VM;
    EXPECT(t, ALL, RFLAGS_VM_LONG, t.rflags, ITEM(RFLAGS));

    /* RIP: canonical in 64-bit mode, 32 bits otherwise */
    t = s_long;
    t.rip = 0x00007fffffffffffull;
    PASS(t);
    t.rip = 0xffff800000000000ull;
    PASS(t);
    t.rip = 0x0000800000000000ull;
    EXPECT(t, ALL, RIP_NONCANONICAL, t.rip, ITEM(RIP_LEN));
    PASS_C(t, VIREO_MTD(DR7)); /* RIP not present: not read */
    t.rip = 0xfffe800000000000ull;
    EXPECT(t, VIREO_MTD(RIP_LEN), RIP_NONCANONICAL, t.rip, ITEM(RIP_LEN));
    t = s_long;
    t.cs.ar = AR_CODE32; /* compatibility mode */
    t.rip = 0xffffffff;
    PASS(t);
    t.rip = 0x100000000ull;
    EXPECT(t, ALL, RIP_NONCANONICAL, t.rip, ITEM(RIP_LEN));
    t = s_prot;
    t.rip = 0xffffffff;
    PASS(t);
    t.rip = 0xffffffff80000000ull; /* canonical, but not 64-bit mode */
    EXPECT(t, ALL, RIP_NONCANONICAL, t.rip, ITEM(RIP_LEN));
    t = s_prot;
    t.cs.ar |= AR_L; /* L outside IA-32e mode means nothing */
    t.rip = 0x100000000ull;
    EXPECT(t, ALL, RIP_NONCANONICAL, t.rip, ITEM(RIP_LEN));
}

#define SEG_FAIL(t, index, item) EXPECT(t, ALL, SEG_INVALID, VIREO_SEG_##index, ITEM(item))
#define BASE_FAIL(t, index, item)                                                                  \
    EXPECT(t, ALL, SEG_BASE_NONCANONICAL, VIREO_SEG_##index, ITEM(item))

static void test_cs(void)
{
    state_t t = s_prot;
    t.cs.ar |= AR_UNUSABLE;
    SEG_FAIL(t, CS, CS_SS);
    t = s_prot;
    t.cs.ar &= ~AR_P;
    SEG_FAIL(t, CS, CS_SS);
    t = s_prot;
    t.cs.ar &= ~AR_S;
    SEG_FAIL(t, CS, CS_SS);
    t = s_prot;
    t.cs.ar |= 0x2000; /* undefined ar bit */
    SEG_FAIL(t, CS, CS_SS);
    /* types: 9 11 13 15 and 3; not 8 (not accessed), 1, 7 */
    static const u32 ok_types[] = {9, 11, 13, 15, 3};
    for (u32 i = 0; i < 5; i++) {
        t = s_prot;
        t.cs.ar = (u16)((t.cs.ar & ~0xfu) | ok_types[i]);
        PASS(t);
    }
    static const u32 bad_types[] = {0, 1, 2, 7, 8, 10, 12, 14};
    for (u32 i = 0; i < 8; i++) {
        t = s_prot;
        t.cs.ar = (u16)((t.cs.ar & ~0xfu) | bad_types[i]);
        SEG_FAIL(t, CS, CS_SS);
    }
    /* DPL: non-conforming = SS.DPL, conforming <= SS.DPL, type 3 -> 0 */
    t = s_prot;
    t.cs.ar |= AR_DPL(3), t.ss.ar |= AR_DPL(3);
    PASS(t);
    t.ss.ar &= (u16)~AR_DPL(3);
    t.ss.ar |= AR_DPL(2);
    SEG_FAIL(t, CS, CS_SS);
    t = s_prot;
    t.cs.ar = (u16)((t.cs.ar & ~0xfu) | 15 | AR_DPL(2)), t.ss.ar |= AR_DPL(2);
    PASS(t);
    t.cs.ar = (u16)((t.cs.ar & ~AR_DPL(3)) | AR_DPL(1));
    PASS(t);
    t.cs.ar = (u16)((t.cs.ar & ~AR_DPL(3)) | AR_DPL(3));
    SEG_FAIL(t, CS, CS_SS);
    t = s_real;
    t.cs.ar = 0x93; /* type 3, DPL 0 (unrestricted guest) */
    PASS(t);
    t.cs.ar = 0x93 | AR_DPL(1);
    SEG_FAIL(t, CS, CS_SS);
    /* limit and G */
    t = s_prot;
    t.cs.ar &= ~AR_G, t.cs.limit = 0xfffff;
    PASS(t);
    t.cs.limit = 0x100000;
    SEG_FAIL(t, CS, CS_SS);
    t = s_prot;
    t.cs.limit = 0xfffff000 | 0xfff;
    PASS(t);
    t.cs.limit = 0xfffff7ff;
    SEG_FAIL(t, CS, CS_SS);
    t.cs.limit = 0xfffffffe;
    SEG_FAIL(t, CS, CS_SS);
    /* L and D in IA-32e mode */
    t = s_long;
    t.cs.ar |= AR_DB;
    EXPECT(t, ALL, CS_L_AND_D, t.cs.ar, ITEM(CS_SS));
    EXPECT(t, 0, CS_L_AND_D, t.cs.ar, ITEM(CS_SS)); /* CS is always present */
    t = s_prot;
    t.cs.ar |= AR_L; /* outside IA-32e mode: allowed */
    PASS(t);
    /* base bits 63:32 */
    t = s_prot;
    t.cs.base = 0xffffffff;
    PASS(t);
    t.cs.base = 1ull << 32;
    BASE_FAIL(t, CS, CS_SS);
}

static void test_ss(void)
{
    state_t t = s_prot;
    t.ss.ar = (u16)((t.ss.ar & ~0xfu) | 7); /* expand-down read/write */
    PASS(t);
    static const u32 bad_types[] = {0, 1, 2, 5, 11, 15};
    for (u32 i = 0; i < 6; i++) {
        t.ss.ar = (u16)((AR_DATA32 & ~0xfu) | bad_types[i]);
        SEG_FAIL(t, SS, CS_SS);
    }
    t = s_prot;
    t.ss.ar &= ~AR_S;
    SEG_FAIL(t, SS, CS_SS);
    t = s_prot;
    t.ss.ar &= ~AR_G; /* limit 0xffffffff needs G */
    SEG_FAIL(t, SS, CS_SS);
    t = s_prot;
    t.ss.base = 1ull << 32;
    BASE_FAIL(t, SS, CS_SS);
    /* unusable (64-bit null SS): only the DPL counts */
    t = s_long;
    t.ss = seg(0, AR_UNUSABLE | 0xf, 0x1234, 0xffffffffffffffffull);
    PASS(t);
    t.ss.ar = 0x0f | AR_DPL(1); /* P = 0: unusable too */
    t.cs.ar |= AR_DPL(1);
    PASS(t);
    /* DPL 0 in real mode and with a data-segment CS */
    t = s_real;
    t.cs.ar = 0x9f; /* conforming: CS.DPL 0 <= SS.DPL passes, PE = 0 does not */
    PASS(t);
    t.ss.ar |= AR_DPL(1);
    SEG_FAIL(t, SS, CS_SS);
    t.ss.ar = AR_UNUSABLE | AR_DPL(3); /* checked even when unusable */
    SEG_FAIL(t, SS, CS_SS);
    t = s_prot;
    t.cs.ar = 0xc93, t.ss.ar |= AR_DPL(3);
    SEG_FAIL(t, SS, CS_SS);
    t.ss.ar = AR_DATA32;
    PASS(t);
    t = s_prot;
    t.ss.ar |= 0x4000;
    SEG_FAIL(t, SS, CS_SS);
}

static void test_data_segs(void)
{
    struct {
        size_t off;
        u32 index, item;
    } segs[] = {
        {offsetof(state_t, es), VIREO_SEG_ES, ITEM(DS_ES)},
        {offsetof(state_t, ds), VIREO_SEG_DS, ITEM(DS_ES)},
        {offsetof(state_t, fs), VIREO_SEG_FS, ITEM(FS_GS)},
        {offsetof(state_t, gs), VIREO_SEG_GS, ITEM(FS_GS)},
    };
    for (u32 i = 0; i < 4; i++) {
        u32 idx = segs[i].index, it = segs[i].item;
        bool fs_gs = idx == VIREO_SEG_FS || idx == VIREO_SEG_GS;
        state_t t = s_prot;
        struct vireo_seg *g = (struct vireo_seg *)((u8 *)&t + segs[i].off);
        static const u32 ok_types[] = {1, 3, 5, 7, 11, 15};
        for (u32 k = 0; k < 6; k++) {
            g->ar = (u16)((AR_DATA32 & ~0xfu) | ok_types[k]);
            PASS(t);
        }
        static const u32 bad_types[] = {0, 2, 4, 6, 8, 9, 10, 12, 13, 14};
        for (u32 k = 0; k < 10; k++) {
            g->ar = (u16)((AR_DATA32 & ~0xfu) | bad_types[k]);
            EXPECT(t, ALL, SEG_INVALID, idx, it);
            PASS_C(t, VIREO_MTD(RIP_LEN)); /* not present: not read */
        }
        g->ar = AR_DATA32 & ~AR_S;
        EXPECT(t, ALL, SEG_INVALID, idx, it);
        g->ar = AR_DATA32, g->limit = 0xffff0000; /* G with limit[11:0] clear */
        EXPECT(t, ALL, SEG_INVALID, idx, it);
        g->ar = AR_DATA32 | 0x8000;
        g->limit = 0xffffffff;
        EXPECT(t, ALL, SEG_INVALID, idx, it);
        /* DPL below RPL is fine with unrestricted guest */
        g->ar = AR_DATA32, g->sel = 0x13;
        PASS(t);
        /* unusable (either way): anything but an FS/GS base */
        g->ar = AR_UNUSABLE | 0xfff, g->limit = 0x12345, g->base = 0x00007fff00000000ull;
        PASS(t);
        g->ar = AR_DATA32 & ~AR_P;
        PASS(t);
        /* bases */
        g->ar = AR_DATA32, g->limit = 0xffffffff, g->base = 0xffffffff;
        PASS(t);
        g->base = 0x0000000100000000ull;
        if (fs_gs)
            PASS(t);
        else
            EXPECT(t, ALL, SEG_BASE_NONCANONICAL, idx, it);
        g->base = 0xffff800000000000ull;
        if (fs_gs)
            PASS(t);
        else
            EXPECT(t, ALL, SEG_BASE_NONCANONICAL, idx, it);
        g->base = 0x0000800000000000ull;
        EXPECT(t, ALL, SEG_BASE_NONCANONICAL, idx, it);
        g->ar = AR_UNUSABLE;
        if (fs_gs)
            EXPECT(t, ALL, SEG_BASE_NONCANONICAL, idx, it); /* loaded even when unusable */
        else
            PASS(t);
        g->base = 0, g->ar = AR_DATA32 | 0x8000;
        EXPECT(t, ALL, SEG_INVALID, idx, it);
    }
}

static void test_tr_ldtr(void)
{
    state_t t = s_prot;
    t.tr.ar = 0x83; /* 16-bit busy TSS outside IA-32e mode */
    PASS(t);
    t = s_long;
    t.tr.ar = 0x83;
    SEG_FAIL(t, TR, TR);
    static const u16 bad_ar[] = {
        0x89, 0x81, 0x82, 0x9b, 0x0b, AR_TSS_BUSY | AR_UNUSABLE, AR_TSS_BUSY | 0x2000};
    for (u32 i = 0; i < sizeof(bad_ar) / sizeof(bad_ar[0]); i++) {
        t = s_long;
        t.tr.ar = bad_ar[i];
        SEG_FAIL(t, TR, TR);
        PASS_C(t, VIREO_MTD(RIP_LEN)); /* not present: not read */
    }
    t = s_long;
    t.tr.sel |= 4; /* TI */
    SEG_FAIL(t, TR, TR);
    t = s_long;
    t.tr.limit = 0x100000; /* needs G */
    SEG_FAIL(t, TR, TR);
    t.tr.ar |= AR_G;
    SEG_FAIL(t, TR, TR); /* and then limit[11:0] = 0xfff */
    t.tr.limit = 0x100fff;
    PASS(t);
    t = s_long;
    t.tr.base = 0xffff7fffffffffffull;
    BASE_FAIL(t, TR, TR);
    t.tr.base = 0x00007fffffffffffull;
    PASS(t);

    /* LDTR: checked only when usable */
    t = s_long;
    t.ldtr = seg(0x2c, AR_UNUSABLE | 0xff, 0xfffff, 0x8000000000000000ull);
    PASS(t);
    t.ldtr = seg(0x28, 0x82, 0xffff, 0xfffffe0000008000ull);
    PASS(t);
    t.ldtr.ar = 0x83;
    SEG_FAIL(t, LDTR, LDTR);
    PASS_C(t, VIREO_MTD(RIP_LEN));
    t.ldtr.ar = 0x92; /* S = 1 */
    SEG_FAIL(t, LDTR, LDTR);
    t.ldtr.ar = 0x82, t.ldtr.sel = 0x2c; /* TI */
    SEG_FAIL(t, LDTR, LDTR);
    t.ldtr.sel = 0x28, t.ldtr.limit = 0x1fffff; /* needs G */
    SEG_FAIL(t, LDTR, LDTR);
    t.ldtr.limit = 0xffff, t.ldtr.base = 0x0000800000000000ull;
    BASE_FAIL(t, LDTR, LDTR);
    t.ldtr.ar = 0x02; /* P = 0: unusable, base not checked */
    PASS(t);
    t.ldtr.ar = 0x82 | 0x8000;
    SEG_FAIL(t, LDTR, LDTR);
}

static void test_v86(void)
{
    size_t offs[] = {offsetof(state_t, es), offsetof(state_t, cs), offsetof(state_t, ss),
                     offsetof(state_t, ds), offsetof(state_t, fs), offsetof(state_t, gs)};
    u32 items[] = {ITEM(DS_ES), ITEM(CS_SS), ITEM(CS_SS), ITEM(DS_ES), ITEM(FS_GS), ITEM(FS_GS)};
    for (u32 i = 0; i < 6; i++) {
        state_t t = s_v86;
        struct vireo_seg *g = (struct vireo_seg *)((u8 *)&t + offs[i]);
        g->base += 1;
        EXPECT(t, ALL, SEG_INVALID, i, items[i]);
        g->base -= 1, g->limit = 0xfffe;
        EXPECT(t, ALL, SEG_INVALID, i, items[i]);
        g->limit = 0x1ffff;
        EXPECT(t, ALL, SEG_INVALID, i, items[i]);
        g->limit = 0xffff;
        PASS(t);
        static const u16 bad_ar[] = {0x93, 0xf1,  0xf7,  0xfb,  0x73,
                                     0xe3, 0x1f3, 0x4f3, 0x8f3, 0xf3 | AR_UNUSABLE};
        for (u32 k = 0; k < sizeof(bad_ar) / sizeof(bad_ar[0]); k++) {
            g->ar = bad_ar[k];
            EXPECT(t, ALL, SEG_INVALID, i, items[i]);
        }
    }
    /* TR and LDTR follow the protected-mode rules; a 16-bit TSS is fine. */
    state_t t = s_v86;
    t.tr.ar = 0x83;
    PASS(t);
    t.ldtr = seg(0x18, 0x82, 0xfff, 0x12345000);
    PASS(t);
    /* HLT needs SS.DPL = 0, which virtual-8086 mode never has */
    t.actv_state = VMX_ACTIVITY_HLT;
    EXPECT(t, ALL, ACTIVITY_INVALID, VMX_ACTIVITY_HLT, ITEM(INTR_STATE));
}

static void test_dtrs(void)
{
    state_t t = s_long;
    t.gdtr.limit = 0xffff, t.idtr.limit = 0xffff;
    t.gdtr.sel = 0xffff, t.gdtr.ar = 0xffff; /* not in the VMCS: ignored */
    PASS(t);
    t.gdtr.limit = 0x10000;
    EXPECT(t, ALL, DTR_INVALID, 0x10000, ITEM(GDTR));
    PASS_C(t, VIREO_MTD(RIP_LEN));
    t.gdtr.limit = 0xffff, t.gdtr.base = 0x0000800000000000ull;
    EXPECT(t, ALL, DTR_INVALID, t.gdtr.base, ITEM(GDTR));
    t.gdtr.base = 0xffff800000000000ull;
    PASS(t);
    t.idtr.limit = 0xffffffff;
    EXPECT(t, ALL, DTR_INVALID, 0xffffffff, ITEM(IDTR));
    t.idtr.limit = 0, t.idtr.base = 0xfff0000000000000ull;
    EXPECT(t, ALL, DTR_INVALID, t.idtr.base, ITEM(IDTR));
    EXPECT(t, VIREO_MTD(IDTR), DTR_INVALID, t.idtr.base, ITEM(IDTR));
    PASS_C(t, VIREO_MTD(DR7)); /* no segment item in the reply: not read */
}

static void test_intr_activity(void)
{
    state_t t = s_long;
    t.intr_state = B_NMI;
    PASS(t);
    t.intr_state = STI; /* IF = 1 */
    PASS(t);
    t.intr_state = MOV_SS;
    t.rflags = 0x2;
    PASS(t);
    u32 bad[] = {B_SMI, ENCL, 1u << 5, 1u << 31, STI | MOV_SS};
    for (u32 i = 0; i < 5; i++) {
        t = s_long;
        t.intr_state = bad[i];
        EXPECT(t, ALL, INTR_STATE_INVALID, bad[i], ITEM(INTR_STATE));
        EXPECT(t, 0, INTR_STATE_INVALID, bad[i], ITEM(INTR_STATE)); /* always present */
    }
    t = s_long;
    t.intr_state = STI, t.rflags = 0x2; /* STI blocking needs IF */
    EXPECT(t, ALL, INTR_STATE_INVALID, STI, ITEM(INTR_STATE));

    t = s_long;
    for (u32 a = 0; a < 4; a++) {
        t.actv_state = a;
        PASS(t);
    }
    t.actv_state = 4;
    EXPECT(t, ALL, ACTIVITY_INVALID, 4, ITEM(INTR_STATE));
    t.actv_state = 0xffffffff;
    EXPECT(t, ALL, ACTIVITY_INVALID, 0xffffffff, ITEM(INTR_STATE));
    /* a CPU (SVM) with only active and HLT */
    struct entry_caps keep = caps;
    caps.activity_valid = 3;
    t.actv_state = VMX_ACTIVITY_HLT;
    PASS(t);
    t.actv_state = VMX_ACTIVITY_SHUTDOWN;
    EXPECT(t, ALL, ACTIVITY_INVALID, VMX_ACTIVITY_SHUTDOWN, ITEM(INTR_STATE));
    t.actv_state = VMX_ACTIVITY_WAIT_SIPI;
    EXPECT(t, ALL, ACTIVITY_INVALID, VMX_ACTIVITY_WAIT_SIPI, ITEM(INTR_STATE));
    caps = keep;
    /* HLT needs SS.DPL = 0 */
    t = s_prot;
    t.cs.ar |= AR_DPL(3), t.ss.ar |= AR_DPL(3);
    PASS(t);
    t.actv_state = VMX_ACTIVITY_HLT;
    EXPECT(t, ALL, ACTIVITY_INVALID, VMX_ACTIVITY_HLT, ITEM(INTR_STATE));
    t.actv_state = VMX_ACTIVITY_SHUTDOWN; /* only HLT */
    PASS(t);
    /* inactive only without STI / MOV-SS blocking */
    t = s_long;
    t.intr_state = B_NMI, t.actv_state = VMX_ACTIVITY_HLT;
    PASS(t);
    t.intr_state = STI;
    EXPECT(t, ALL, ACTIVITY_INVALID, VMX_ACTIVITY_HLT, ITEM(INTR_STATE));
    t.intr_state = MOV_SS, t.actv_state = VMX_ACTIVITY_WAIT_SIPI;
    EXPECT(t, ALL, ACTIVITY_INVALID, VMX_ACTIVITY_WAIT_SIPI, ITEM(INTR_STATE));
}

static void test_pending_dbg(void)
{
    state_t t = s_long;
    t.pending_dbg = 0xf | PD_BP | PD_BS; /* no blocking: BS needs no TF */
    PASS(t);
    u64 bad[] = {1u << 4, 1u << 11, 1u << 13, 1u << 15, 1ull << 17, 1ull << 63};
    for (u32 i = 0; i < 6; i++) {
        t.pending_dbg = bad[i];
        EXPECT(t, ALL, PENDING_DBG_INVALID, bad[i], ITEM(PENDING_DBG));
        PASS_C(t, VIREO_MTD(RIP_LEN)); /* not present: not read */
    }
    /* with STI blocking: BS = TF && !BTF */
    t = s_long;
    t.intr_state = STI, t.rflags |= RFLAGS_TF;
    t.pending_dbg = PD_BS;
    PASS(t);
    t.pending_dbg = 1;
    EXPECT(t, ALL, PENDING_DBG_INVALID, 1, ITEM(PENDING_DBG));
    t.debugctl = DBG_BTF;
    PASS(t);
    t.pending_dbg = PD_BS;
    EXPECT(t, ALL, PENDING_DBG_INVALID, PD_BS, ITEM(PENDING_DBG));
    t.debugctl = 0, t.rflags &= ~RFLAGS_TF;
    EXPECT(t, ALL, PENDING_DBG_INVALID, PD_BS, ITEM(PENDING_DBG));
    t.pending_dbg = 0;
    PASS(t);
    /* MOV-SS blocking and HLT likewise */
    t = s_long;
    t.intr_state = MOV_SS, t.rflags |= RFLAGS_TF;
    EXPECT(t, ALL, PENDING_DBG_INVALID, 0, ITEM(PENDING_DBG));
    t.pending_dbg = PD_BS;
    PASS(t);
    t = s_long;
    t.actv_state = VMX_ACTIVITY_HLT, t.rflags |= RFLAGS_TF;
    EXPECT(t, ALL, PENDING_DBG_INVALID, 0, ITEM(PENDING_DBG));
    /* A reply that changes RFLAGS alone is checked against the pending
     * debug exceptions too (entry_check_items), one that changes CR3 not. */
    EXPECT(t, VIREO_MTD(RFLAGS), PENDING_DBG_INVALID, 0, ITEM(PENDING_DBG));
    PASS_C(t, VIREO_MTD(CR3));
    t.pending_dbg = PD_BS;
    PASS(t);
    /* RTM: exactly RTM and bit 12, not with MOV-SS, only where supported */
    t = s_long;
    t.pending_dbg = PD_RTM | PD_BP;
    PASS(t);
    t.intr_state = STI; /* STI is fine (and TF = 0 wants BS = 0) */
    PASS(t);
    t.intr_state = MOV_SS;
    EXPECT(t, ALL, PENDING_DBG_INVALID, PD_RTM | PD_BP, ITEM(PENDING_DBG));
    t.intr_state = 0, t.pending_dbg = PD_RTM;
    EXPECT(t, ALL, PENDING_DBG_INVALID, PD_RTM, ITEM(PENDING_DBG));
    t.pending_dbg = PD_RTM | PD_BP | 1;
    EXPECT(t, ALL, PENDING_DBG_INVALID, t.pending_dbg, ITEM(PENDING_DBG));
    t.pending_dbg = PD_RTM | PD_BP | PD_BS;
    EXPECT(t, ALL, PENDING_DBG_INVALID, t.pending_dbg, ITEM(PENDING_DBG));
    struct entry_caps keep = caps;
    caps.flags &= ~ENTRY_CAP_RTM;
    t.pending_dbg = PD_RTM | PD_BP;
    EXPECT(t, ALL, PENDING_DBG_INVALID, t.pending_dbg, ITEM(PENDING_DBG));
    caps = keep;
}

static void inject(state_t *t, u32 info, u32 error, u64 len)
{
    t->inj_info = info, t->inj_error = error, t->inj_len = len;
}
#define EV_FAIL(t, detail) EXPECT(t, ALL, EVENT_INVALID, (detail), ITEM(INJECT))
#define EV_BLOCKED(t)      EXPECT(t, ALL, EVENT_BLOCKED, (t).inj_info, ITEM(INJECT))

static void test_event_format(void)
{
    state_t t = s_long;
    /* not valid: nothing else is looked at */
    inject(&t, 0x7fffffff, ~0u, ~0ull);
    PASS(t);
    /* not present: not read */
    inject(&t, NMI | (1u << 12), 0, 0);
    PASS_C(t, VIREO_MTD(RIP_LEN));
    EV_FAIL(t, t.inj_info); /* NMI_UNBLOCKED is an exit-only bit */
    inject(&t, NMI | (1u << 30), 0, 0);
    EV_FAIL(t, t.inj_info);
    inject(&t, EV(1, 0x20), 0, 0); /* type 1 is reserved */
    EV_FAIL(t, t.inj_info);
    /* vectors */
    inject(&t, NMI, 0, 0);
    PASS(t);
    inject(&t, EV(VMX_EVENT_NMI, 3), 0, 0);
    EV_FAIL(t, t.inj_info);
    inject(&t, EXT_INTR(0), 0, 0);
    PASS(t);
    inject(&t, EXT_INTR(255), 0, 0);
    PASS(t);
    inject(&t, HW_EXC(31), 0, 0);
    PASS(t);
    inject(&t, HW_EXC(32), 0, 0);
    EV_FAIL(t, t.inj_info);
    inject(&t, HW_EXC(2), 0, 0); /* SVM: exception vector 2 is illegal */
    EV_FAIL(t, t.inj_info);
    inject(&t, HW_EXC(21) | EV_ERR, 0, 0); /* #CP: error code depends on CET */
    EV_FAIL(t, t.inj_info);
    inject(&t, HW_EXC(21), 0, 0);
    EV_FAIL(t, t.inj_info);
    /* error code: exactly for #DF #TS #NP #SS #GP #PF #AC in protected mode */
    for (u32 v = 0; v < 32; v++) {
        if (v == 2 || v == 21)
            continue;
        bool pushes = v == 8 || (v >= 10 && v <= 14) || v == 17;
        t = s_long;
        inject(&t, HW_EXC(v) | (pushes ? EV_ERR : 0), 0xffff, 0);
        PASS(t);
        inject(&t, HW_EXC(v) | (pushes ? 0 : EV_ERR), 0, 0);
        EV_FAIL(t, t.inj_info);
        t = s_real; /* real mode: never an error code */
        inject(&t, HW_EXC(v), 0, 0);
        PASS(t);
        inject(&t, HW_EXC(v) | EV_ERR, 0, 0);
        EV_FAIL(t, t.inj_info);
    }
    t = s_real;
    inject(&t, HW_EXC(21), 0, 0);
    PASS(t);
    t = s_long;
    inject(&t, HW_EXC(13) | EV_ERR, 0x10000, 0);
    EV_FAIL(t, 0x10000);
    inject(&t, SW_INTR(0x80) | EV_ERR, 0, 2);
    EV_FAIL(t, t.inj_info);
    inject(&t, EXT_INTR(0x30) | EV_ERR, 0, 0);
    EV_FAIL(t, t.inj_info);
    /* software events: instruction length 1-15, 0 only where allowed */
    inject(&t, SW_INTR(0x80), 0, 2);
    PASS(t);
    inject(&t, SW_INTR(0x80), 0, 15);
    PASS(t);
    inject(&t, SW_INTR(0x80), 0, 16);
    EV_FAIL(t, 16);
    inject(&t, SW_INTR(0x80), 0, 1ull << 32);
    EV_FAIL(t, 1ull << 32);
    inject(&t, SW_EXC(3), 0, 1);
    PASS(t);
    inject(&t, SW_EXC(4), 0, 16);
    EV_FAIL(t, 16);
    inject(&t, SW_EXC(32), 0, 1);
    EV_FAIL(t, t.inj_info);
    inject(&t, PRIV_SW_EXC(1), 0, 1);
    PASS(t);
    inject(&t, PRIV_SW_EXC(2), 0, 1);
    EV_FAIL(t, t.inj_info);
    inject(&t, SW_INTR(3), 0, 0);
    PASS(t);
    inject(&t, HW_EXC(3), 0, 99); /* length means nothing for hardware events */
    PASS(t);
    struct entry_caps keep = caps;
    caps.flags &= ~ENTRY_CAP_INJECT_LEN0;
    inject(&t, SW_INTR(3), 0, 0);
    EV_FAIL(t, 0);
    inject(&t, PRIV_SW_EXC(1), 0, 0);
    EV_FAIL(t, 0);
    inject(&t, SW_INTR(3), 0, 1);
    PASS(t);
    caps = keep;
    /* other event (pending MTF): vector 0, with MTF */
    inject(&t, OTHER_EV(0), 0, 0);
    PASS(t);
    inject(&t, OTHER_EV(1), 0, 0);
    EV_FAIL(t, t.inj_info);
    caps.flags &= ~ENTRY_CAP_INJECT_MTF;
    inject(&t, OTHER_EV(0), 0, 0);
    EV_FAIL(t, t.inj_info);
    caps = keep;
}

static void test_event_activity(void)
{
    state_t t = s_long;
    t.actv_state = VMX_ACTIVITY_HLT;
    u32 ok_hlt[] = {EXT_INTR(0x20), NMI, HW_EXC(1), HW_EXC(18), OTHER_EV(0)};
    for (u32 i = 0; i < 5; i++) {
        inject(&t, ok_hlt[i], 0, 0);
        PASS(t);
    }
    u32 bad_hlt[] = {HW_EXC(0),     HW_EXC(3), HW_EXC(13) | EV_ERR,
                     SW_INTR(0x80), SW_EXC(3), PRIV_SW_EXC(1)};
    for (u32 i = 0; i < 6; i++) {
        inject(&t, bad_hlt[i], 0, 1);
        EV_FAIL(t, bad_hlt[i]);
    }
    t.actv_state = VMX_ACTIVITY_SHUTDOWN;
    inject(&t, NMI, 0, 0);
    PASS(t);
    inject(&t, HW_EXC(18), 0, 0);
    PASS(t);
    inject(&t, EXT_INTR(0x20), 0, 0);
    EV_FAIL(t, t.inj_info);
    inject(&t, HW_EXC(1), 0, 0);
    EV_FAIL(t, t.inj_info);
    t.actv_state = VMX_ACTIVITY_WAIT_SIPI;
    inject(&t, NMI, 0, 0);
    EV_FAIL(t, t.inj_info);
    inject(&t, HW_EXC(18), 0, 0);
    EV_FAIL(t, t.inj_info);
    inject(&t, 0, 0, 0);
    PASS(t);
}

static void test_event_blocked(void)
{
    state_t t = s_long;
    inject(&t, EXT_INTR(0x20), 0, 0);
    PASS(t);
    t.intr_state = B_NMI; /* NMI blocking does not block interrupts */
    PASS(t);
    t.intr_state = 0, t.rflags = 0x2;
    EV_BLOCKED(t);
    PASS_C(t, VIREO_MTD(RFLAGS)); /* without INJECT in the reply */
    t.rflags = 0x202, t.intr_state = STI;
    EV_BLOCKED(t);
    t.intr_state = MOV_SS;
    EV_BLOCKED(t);
    /* NMI: not with MOV-SS, STI ("a processor may require") or NMI blocking */
    t = s_long;
    t.rflags = 0x2;
    inject(&t, NMI, 0, 0);
    PASS(t);
    t.intr_state = MOV_SS;
    EV_BLOCKED(t);
    t.intr_state = B_NMI;
    EV_BLOCKED(t);
    t.rflags = 0x202, t.intr_state = STI;
    EV_BLOCKED(t);
    /* exceptions are never blocked */
    inject(&t, HW_EXC(14) | EV_ERR, 2, 0);
    t.intr_state = MOV_SS | B_NMI, t.rflags = 0x2;
    PASS(t);
}

/* ---- randomized: single-field mutations ---- */

static u64 rng_state = 0x9e3779b97f4a7c15ull;
static u64 rng(void)
{
    u64 x = rng_state;
    x ^= x >> 12, x ^= x << 25, x ^= x >> 27;
    rng_state = x;
    return x * 0x2545f4914f6cdd1dull;
}

static u8 owner[sizeof(state_t)];      /* MTD bit of each byte, 0xff: header */
static u8 read_never[sizeof(state_t)]; /* 1: no check ever reads it */

static void mark_never(size_t off, size_t bytes)
{
    memset(read_never + off, 1, bytes);
}
#define NEVER(field) mark_never(offsetof(state_t, field), sizeof(((state_t *)0)->field))

static void init_owners(void)
{
    memset(owner, 0xff, sizeof(owner));
    for (u32 bit = 0; bit < 32; bit++)
        for (const struct vireo_state_range *r = vireo_state_item_ranges(bit); r->bytes; r++)
            memset(owner + r->offset, (int)bit, r->bytes);
    mark_never(0, offsetof(state_t, raw_qual)); /* the header */
    NEVER(raw_qual), NEVER(info), NEVER(gpa), NEVER(gla), NEVER(vect_info), NEVER(vect_error);
    mark_never(offsetof(state_t, rax), offsetof(state_t, rip) - offsetof(state_t, rax));
    NEVER(insn_len), NEVER(cr2), NEVER(cr8), NEVER(dr), NEVER(star), NEVER(tsc_offset);
    NEVER(gdtr.sel), NEVER(gdtr.ar), NEVER(idtr.sel), NEVER(idtr.ar);
    NEVER(ctrl.exc_bitmap), NEVER(ctrl.cr0_mask), NEVER(ctrl.cr0_shadow);
    NEVER(ctrl.cr4_mask), NEVER(ctrl.cr4_shadow);
}

static const u64 interesting[] = {0,
                                  ~0ull,
                                  1,
                                  2,
                                  0xf3,
                                  0x93,
                                  0xffff,
                                  0x10000,
                                  0xffffffff,
                                  1ull << 32,
                                  0x00007fffffffffffull,
                                  0x0000800000000000ull,
                                  0xffff800000000000ull,
                                  0xffff7fffffffffffull,
                                  1ull << 63,
                                  VIREO_SEG_AR_UNUSABLE,
                                  0x80000000u};

/* Changes 1 byte or 8 (a whole aligned word); returns the first offset and the count. */
static size_t mutate(state_t *s, size_t *bytes)
{
    u8 *p = (u8 *)s;
    size_t off = rng() % sizeof(*s);
    u64 r = rng();
    switch (r & 3) {
    case 0:
        p[off] = (u8)(r >> 8);
        *bytes = 1;
        return off;
    case 1:
        p[off] ^= (u8)(1u << ((r >> 8) & 7));
        *bytes = 1;
        return off;
    default: {
        off &= ~(size_t)7;
        u64 v = (r & 3) == 2 ? rng() : interesting[(r >> 8) % (sizeof(interesting) / 8)];
        memcpy(p + off, &v, 8);
        *bytes = 8;
        return off;
    }
    }
}

static u64 random_changed(void)
{
    u64 r = rng();
    switch (r & 3) {
    case 0:
        return 1ull << ((r >> 8) % 32);
    case 1:
        return (r >> 8) & VIREO_MTD_ALL & rng(); /* sparse */
    case 2:
        return VIREO_MTD_WRITABLE;
    default:
        return (r >> 8) & VIREO_MTD_ALL;
    }
}

static bool touches(size_t off, size_t bytes, u64 need)
{
    for (size_t b = off; b < off + bytes; b++)
        if (owner[b] != 0xff && (need >> owner[b]) & 1)
            return true;
    return false;
}

static bool never_read(size_t off, size_t bytes)
{
    for (size_t b = off; b < off + bytes; b++)
        if (!read_never[b])
            return false;
    return true;
}

/* A result is well formed: an entry check the generic code can give,
 * with the item at fault among the items read. */
static bool well_formed(u32 check, u32 item, u64 changed)
{
    if (check == VIREO_CHECK_NONE)
        return item == NO_ITEM;
    if (check == VIREO_CHECK_MTD_RESERVED)
        return item == NO_ITEM;
    if (check >= VIREO_CHECK_CTRL_UNSUPPORTED && check != VIREO_CHECK_CTRL_INVALID)
        return false; /* CTRL_UNSUPPORTED and HW_* are the back ends' */
    return item < 32 && ((entry_check_items(changed) >> item) & 1);
}

static void test_random(void)
{
    const state_t *bases[] = {&s_long, &s_prot, &s_real, &s_v86};
    u32 unchanged_ok = 0, unchanged_bad = 0, formed_bad = 0, base_bad = 0, chain_bad = 0;
    u32 failures_seen = 0;
    for (u32 iter = 0; iter < 200000; iter++) {
        const state_t *base = bases[rng() % 4];
        u64 changed = random_changed();
        u64 need = entry_check_items(changed);
        u64 d0, d1;
        u32 i0, i1;
        u32 r0 = entry_check(base, changed, &caps, &d0, &i0);
        base_bad += r0 != VIREO_CHECK_NONE; /* valid states pass with any reply */

        state_t t = *base;
        size_t bytes, off = mutate(&t, &bytes);
        u32 r1 = entry_check(&t, changed, &caps, &d1, &i1);
        formed_bad += !well_formed(r1, i1, changed);
        failures_seen += r1 != VIREO_CHECK_NONE;
        if (!touches(off, bytes, need) || never_read(off, bytes)) {
            bool same = r1 == r0 && d1 == d0 && i1 == i0;
            unchanged_ok += same;
            unchanged_bad += !same;
            if (!same && unchanged_bad <= 5)
                fprintf(stderr, "random %u: offset 0x%zx (%zu bytes), changed 0x%llx: %s\n", iter,
                        off, bytes, (unsigned long long)changed, name(r1));
        }

        /* Chains: on an already broken state, a mutation the checks do not
         * read still changes nothing. */
        for (u32 k = 0; k < 3; k++)
            mutate(&t, &bytes);
        r1 = entry_check(&t, changed, &caps, &d1, &i1);
        formed_bad += !well_formed(r1, i1, changed);
        state_t u = t;
        off = mutate(&u, &bytes);
        if (!touches(off, bytes, need) || never_read(off, bytes)) {
            u32 r2 = entry_check(&u, changed, &caps, &d0, &i0);
            chain_bad += r2 != r1 || d0 != d1 || i0 != i1;
        }
    }
    CHECK_EQ_U64(base_bad, 0);
    CHECK_EQ_U64(formed_bad, 0);
    CHECK_EQ_U64(unchanged_bad, 0);
    CHECK_EQ_U64(chain_bad, 0);
    CHECK(unchanged_ok > 10000); /* the property was actually exercised */
    CHECK(failures_seen > 10000);

    /* Entirely random states and replies: well formed, deterministic. */
    u32 random_bad = 0;
    for (u32 iter = 0; iter < 100000; iter++) {
        state_t t;
        u8 *p = (u8 *)&t;
        for (size_t b = 0; b < sizeof(t); b += 8) {
            u64 v = rng();
            memcpy(p + b, &v, 8);
        }
        u64 changed = rng();
        if (iter & 1)
            changed &= VIREO_MTD_ALL;
        u64 d0, d1;
        u32 i0, i1;
        u32 r0 = entry_check(&t, changed, &caps, &d0, &i0);
        u32 r1 = entry_check(&t, changed, &caps, &d1, &i1);
        random_bad +=
            !well_formed(r0, i0, changed & VIREO_MTD_ALL) || r0 != r1 || d0 != d1 || i0 != i1;
    }
    CHECK_EQ_U64(random_bad, 0);
}

int main(void)
{
    init_caps();
    init_states();
    init_owners();
    test_valid_states();
    test_mtd_ctrl();
    test_cr0();
    test_cr4_efer();
    test_cr3_pdpte();
    test_xcr0();
    test_debug_msrs();
    test_rflags_rip();
    test_cs();
    test_ss();
    test_data_segs();
    test_tr_ldtr();
    test_v86();
    test_dtrs();
    test_intr_activity();
    test_pending_dbg();
    test_event_format();
    test_event_activity();
    test_event_blocked();
    test_random();
    return check_report("vcpu.entry_check");
}
