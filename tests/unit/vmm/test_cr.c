/* Control-register exits (servers/vmm/cr.c): the #GP rules of MOV to CR0
 * and CR4 (cr0_write_ok, cr4_write_ok; SDM vol. 2 "MOV—Move to/from
 * Control Registers", vol. 3 2.5, 4.4.1), and cr_exit on decoded exits
 * (info[0] VIREO_CRQ with DECODED) and on instructions the fake decoder
 * returns: MOV to/from CR0, CR3, CR4, CR8, CLTS, LMSW, SMSW, EFER.LMA,
 * the PAE PDPTEs, the shadows, CR8 through the local APIC (a recording
 * fake), the #UD of CRs that do not exist and the #GP at CPL > 0, and the
 * instruction finished or #GP. The CR4 bits the guest may set come from
 * its CPUID (cpuid_guest()), here on a faked Intel host with every
 * feature (fake_cpu.h) and, in a loop, on the build machine's own CPUID:
 * the expectations are derived from what the CPUID shows. */
#include "check.h"
#include "cpuid.h"
#include "cr.h"
#include "fake_cpu.h"
#include "lapic.h"
#include "vmm_fakes.h"
#include <string.h>
#include <vireo/x86/vmx_exit.h>

#define RAM (1u << 20)

static struct vireo_vcpu_state s, before;
static struct exit_ctx x;
static struct lapic apic;

/* Registers by their number in the exit (VMX encoding). */
enum { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15 };

static void state(enum fake_mode mode)
{
    fake_state(&s, mode);
    s.rip = 0x1000;
    s.insn_len = 3;
    x = (struct exit_ctx){.vm = &fake_vm, .s = &s, .changed = 0, .lapic = &apic};
}

static u64 crq(u32 cr, u32 access, u32 gpr)
{
    return VIREO_PUT(VIREO_CRQ, CR, cr) | VIREO_PUT(VIREO_CRQ, ACCESS, access) |
           VIREO_PUT(VIREO_CRQ, GPR, gpr) | VIREO_PUT(VIREO_CRQ, DECODED, 1);
}

static void run(u64 info)
{
    s.info[0] = info;
    s.inj_info = 0;
    before = s;
    x.changed = 0;
    cr_exit(&x);
}

/* The instruction was emulated: RIP past it, plus these items changed. */
#define CHECK_DONE(len, mtd)                                                                       \
    do {                                                                                           \
        CHECK_EQ_U64(s.inj_info, 0);                                                               \
        CHECK_EQ_U64(s.rip, before.rip + (len));                                                   \
        CHECK_EQ_U64(x.changed, FINISH_MTD | (mtd));                                               \
    } while (0)

/* #GP(0) (no error code in real mode) and nothing else changed. */
#define CHECK_GP()                                                                                 \
    do {                                                                                           \
        CHECK_EQ_U64(s.inj_info, fake_exc_info(EXC_GP, (before.cr0 & CR0_PE) != 0));               \
        CHECK_EQ_U64(s.inj_error, 0);                                                              \
        struct vireo_vcpu_state want_;                                                             \
        CHECK_EQ_U64(x.changed, fake_injected(&before, EXC_GP, true, &want_));                     \
        CHECK_EQ_U64(s.rflags, want_.rflags);                                                      \
        CHECK_EQ_U64(s.rip, before.rip);                                                           \
        CHECK_EQ_U64(s.cr0, before.cr0);                                                           \
        CHECK_EQ_U64(s.cr3, before.cr3);                                                           \
        CHECK_EQ_U64(s.cr4, before.cr4);                                                           \
        CHECK_EQ_U64(s.cr8, before.cr8);                                                           \
        CHECK_EQ_U64(s.efer, before.efer);                                                         \
        CHECK(memcmp(s.pdpte, before.pdpte, sizeof(s.pdpte)) == 0);                                \
        CHECK(memcmp(&s.ctrl, &before.ctrl, sizeof(s.ctrl)) == 0);                                 \
    } while (0)

#define CR_ITEMS  (VIREO_MTD(CR0_CR4) | VIREO_MTD(CTRL))
#define CR0_ITEMS (CR_ITEMS | VIREO_MTD(EFER))

/* ---- cr0_write_ok ---- */

static void test_cr0_rules(void)
{
    const u64 base = CR0_PE | CR0_ET | CR0_NE | CR0_PG;
    state(MODE_LONG64);
    CHECK(cr0_write_ok(&s, base));
    CHECK(cr0_write_ok(&s, base | CR0_WP | CR0_AM | CR0_TS | CR0_MP | CR0_EM));
    /* Bits 63:32: #GP. */
    for (unsigned b = 32; b < 64; b++)
        CHECK(!cr0_write_ok(&s, base | 1ull << b));
    /* Reserved bits of 31:0 are ignored, not #GP (SDM 2.5). */
    static const unsigned rsvd[] = {6, 7, 15, 17, 19, 28};
    for (unsigned i = 0; i < sizeof(rsvd) / sizeof(rsvd[0]); i++)
        CHECK(cr0_write_ok(&s, base | 1ull << rsvd[i]));
    /* NW without CD. */
    CHECK(!cr0_write_ok(&s, base | CR0_NW));
    CHECK(cr0_write_ok(&s, base | CR0_NW | CR0_CD));
    CHECK(cr0_write_ok(&s, base | CR0_CD));
    /* PG without PE. */
    CHECK(!cr0_write_ok(&s, base & ~CR0_PE));
    /* Clearing PG in 64-bit mode; in compatibility mode it leaves IA-32e. */
    CHECK(!cr0_write_ok(&s, base & ~CR0_PG));
    state(MODE_COMPAT);
    CHECK(cr0_write_ok(&s, base & ~CR0_PG));
    CHECK(cr0_write_ok(&s, CR0_ET)); /* and PE with it */
    /* ... but not while CR4.PCIDE is set. */
    s.cr4 |= CR4_PCIDE;
    CHECK(!cr0_write_ok(&s, base & ~CR0_PG));
    CHECK(cr0_write_ok(&s, base | CR0_TS));

    /* Enabling paging with EFER.LME: CR4.PAE needed, CS.L must be 0. */
    state(MODE_PROT32);
    CHECK(cr0_write_ok(&s, base)); /* 32-bit paging */
    s.efer = EFER_LME;
    CHECK(!cr0_write_ok(&s, base));
    s.cr4 = CR4_PAE;
    CHECK(cr0_write_ok(&s, base));
    s.cs.ar |= 1u << 9;
    CHECK(!cr0_write_ok(&s, base));
    CHECK(cr0_write_ok(&s, base & ~CR0_PG)); /* no paging: no IA-32e */
    /* Real mode: PE alone, or nothing; PG needs PE. */
    state(MODE_REAL);
    CHECK(cr0_write_ok(&s, CR0_PE));
    CHECK(cr0_write_ok(&s, 0));
    CHECK(!cr0_write_ok(&s, CR0_PG));
    CHECK(!cr0_write_ok(&s, CR0_PG | CR0_CD | CR0_NW));
}

/* ---- cr4_write_ok ---- */

/* CR4 bit -> the CPUID feature that allows it (SDM vol. 3 2.5, vol. 2
 * CPUID); leaf 0: always allowed; leaf ~0: never (not offered). */
struct cr4_feature {
    unsigned bit;
    u32 leaf;
    char reg; /* 'b', 'c', 'd' */
    unsigned feature;
};
static const struct cr4_feature cr4_features[] = {
    {0, 1, 'd', 1},   /* VME */
    {1, 1, 'd', 1},   /* PVI (VME) */
    {2, 0, 0, 0},     /* TSD */
    {3, 1, 'd', 2},   /* DE */
    {4, 1, 'd', 3},   /* PSE */
    {5, 0, 0, 0},     /* PAE */
    {6, 1, 'd', 7},   /* MCE */
    {7, 1, 'd', 13},  /* PGE */
    {8, 0, 0, 0},     /* PCE */
    {9, 0, 0, 0},     /* OSFXSR */
    {10, 0, 0, 0},    /* OSXMMEXCPT */
    {11, 7, 'c', 2},  /* UMIP */
    {12, ~0u, 0, 0},  /* LA57: not offered */
    {13, ~0u, 0, 0},  /* VMXE: no nesting */
    {14, ~0u, 0, 0},  /* SMXE */
    {16, 7, 'b', 0},  /* FSGSBASE */
    {17, 1, 'c', 17}, /* PCIDE */
    {18, 1, 'c', 26}, /* OSXSAVE (XSAVE) */
    {20, 7, 'b', 7},  /* SMEP */
    {21, 7, 'b', 20}, /* SMAP */
    {22, 7, 'c', 3},  /* PKE */
};

static bool reported(const struct cr4_feature *f)
{
    if (f->leaf == 0)
        return true;
    if (f->leaf == ~0u)
        return false;
    struct cpuid_result r = cpuid_guest(f->leaf, 0);
    u32 reg = f->reg == 'b' ? r.ebx : f->reg == 'c' ? r.ecx : r.edx;
    return (reg >> f->feature) & 1;
}

static void test_cr4_rules(void)
{
    /* Each bit alone (with PAE, in IA-32e mode): allowed iff its feature
     * is reported; every other bit, 63:32 included, is reserved. */
    state(MODE_LONG64);
    unsigned allowed = 0;
    for (unsigned b = 0; b < 64; b++) {
        bool expect = false;
        for (unsigned i = 0; i < sizeof(cr4_features) / sizeof(cr4_features[0]); i++) {
            if (cr4_features[i].bit == b)
                expect = reported(&cr4_features[i]);
        }
        bool got = cr4_write_ok(&s, CR4_PAE | 1ull << b);
        CHECK_EQ_U64(got, expect);
        if (got != expect)
            fprintf(stderr, "  CR4 bit %u\n", b);
        allowed += got;
    }
    CHECK(allowed >= 5); /* TSD PAE PCE OSFXSR OSXMMEXCPT at least */
    CHECK_EQ_U64(cr4_write_ok(&s, CR4_PAE | CR4_OSXSAVE), cpuid_has(VIREO_CPUID_F_XSAVE));

    /* Clearing PAE in IA-32e mode (compatibility mode too); outside it, fine. */
    CHECK(!cr4_write_ok(&s, 0));
    CHECK(!cr4_write_ok(&s, CR4_OSFXSR));
    state(MODE_COMPAT);
    CHECK(!cr4_write_ok(&s, CR4_OSFXSR));
    state(MODE_PROT32);
    s.cr4 = CR4_PAE;
    CHECK(cr4_write_ok(&s, 0));

    /* PCIDE 0 -> 1 only in IA-32e mode, and only with CR3[11:0] = 0. */
    bool pcid = cpuid_guest(1, 0).ecx & (1u << 17);
    state(MODE_PROT32);
    CHECK(!cr4_write_ok(&s, CR4_PCIDE));
    CHECK(!cr4_write_ok(&s, CR4_PAE | CR4_PCIDE));
    state(MODE_LONG64);
    s.cr3 = 0x5000;
    CHECK_EQ_U64(cr4_write_ok(&s, CR4_PAE | CR4_PCIDE), pcid);
    s.cr3 = 0x5018;
    CHECK(!cr4_write_ok(&s, CR4_PAE | CR4_PCIDE));
    state(MODE_COMPAT);
    CHECK_EQ_U64(cr4_write_ok(&s, CR4_PAE | CR4_PCIDE), pcid);
    /* Already set: CR3 may have a PCID. */
    state(MODE_LONG64);
    s.cr4 = CR4_PAE | CR4_PCIDE;
    s.cr3 = 0x5123;
    CHECK_EQ_U64(cr4_write_ok(&s, CR4_PAE | CR4_PCIDE | CR4_OSFXSR), pcid);
    CHECK(cr4_write_ok(&s, CR4_PAE)); /* clearing it */
}

/* The VM's policy removes features: their CR4 bits become reserved. */
static void test_cr4_policy(void)
{
    fake_cpu_intel(46);
    static const struct {
        const char *name;
        u64 bits;
    } removed[] = {{"smep", CR4_SMEP}, {"smap", CR4_SMAP},         {"fsgsbase", CR4_FSGSBASE},
                   {"umip", CR4_UMIP}, {"xsave", CR4_OSXSAVE},     {"pge", CR4_PGE},
                   {"de", CR4_DE},     {"vme", CR4_VME | CR4_PVI}, {"mce", CR4_MCE},
                   {"pse", CR4_PSE},   {"pcid", CR4_PCIDE}};
    for (unsigned i = 0; i < sizeof(removed) / sizeof(removed[0]); i++) {
        fake_cpu_configure(VIREO_PARAVIRT_MINIMAL, (const char *const[]){removed[i].name, NULL}, 0);
        state(MODE_LONG64);
        for (unsigned b = 0; b < 64; b++) {
            u64 bit = 1ull << b;
            if (removed[i].bits & bit)
                CHECK(!cr4_write_ok(&s, CR4_PAE | bit));
        }
        /* The others stay. */
        CHECK(cr4_write_ok(&s, CR4_PAE | CR4_OSFXSR | CR4_TSD | CR4_PCE |
                                   (CR4_SMEP & ~removed[i].bits)));
        s.rcx = CR4_PAE | removed[i].bits;
        run(crq(4, VMX_CR_MOV_TO, RCX));
        CHECK_GP();
    }
    fake_cpu_configure(VIREO_PARAVIRT_MINIMAL, NULL, 0);
}

/* ---- cr_exit: MOV to CR0 ---- */

static void test_mov_to_cr0(void)
{
    /* 32-bit code: the operand is EAX; reserved bits drop, ET stays set;
     * the shadow follows; EFER is named (LMA recomputed). */
    state(MODE_PROT32);
    s.rax = 0xdead0000ull << 32 | CR0_PE | CR0_NE | CR0_WP | CR0_TS | 1u << 6 | 1u << 20;
    run(crq(0, VMX_CR_MOV_TO, RAX));
    CHECK_DONE(3, CR0_ITEMS);
    CHECK_EQ_U64(s.cr0, CR0_PE | CR0_ET | CR0_NE | CR0_WP | CR0_TS);
    CHECK_EQ_U64(s.ctrl.cr0_shadow, s.cr0);
    CHECK_EQ_U64(s.efer, 0);
    CHECK_EQ_U64(s.rax, before.rax);

    /* The shadow holds the owned bits only. */
    state(MODE_PROT32);
    s.ctrl.cr0_mask = CR0_TS | CR0_PG;
    s.rbx = CR0_PE | CR0_ET | CR0_NE | CR0_MP;
    run(crq(0, VMX_CR_MOV_TO, RBX));
    CHECK_DONE(3, CR0_ITEMS);
    CHECK_EQ_U64(s.cr0, CR0_PE | CR0_ET | CR0_NE | CR0_MP);
    CHECK_EQ_U64(s.ctrl.cr0_shadow, 0);

    /* Enabling paging with LME and PAE: IA-32e mode, LMA set. */
    state(MODE_PROT32);
    s.efer = EFER_LME | EFER_SCE;
    s.cr4 = CR4_PAE;
    s.r9 = CR0_PE | CR0_ET | CR0_NE | CR0_PG;
    run(crq(0, VMX_CR_MOV_TO, R9));
    CHECK_DONE(3, CR0_ITEMS);
    CHECK_EQ_U64(s.cr0, CR0_PE | CR0_ET | CR0_NE | CR0_PG);
    CHECK_EQ_U64(s.efer, EFER_LME | EFER_LMA | EFER_SCE);
    CHECK(memcmp(s.pdpte, before.pdpte, sizeof(s.pdpte)) == 0); /* not PAE paging */
    /* ... without PAE: #GP. */
    state(MODE_PROT32);
    s.efer = EFER_LME;
    s.r9 = CR0_PE | CR0_ET | CR0_PG;
    run(crq(0, VMX_CR_MOV_TO, R9));
    CHECK_GP();

    /* Leaving IA-32e mode from compatibility mode: LMA clears. The
     * operand is 32 bits there: bits 63:32 of the register do not count. */
    state(MODE_COMPAT);
    s.rdx = 0xffffffffull << 32 | CR0_PE | CR0_ET | CR0_NE;
    run(crq(0, VMX_CR_MOV_TO, RDX));
    CHECK_DONE(3, CR0_ITEMS);
    CHECK_EQ_U64(s.cr0, CR0_PE | CR0_ET | CR0_NE);
    CHECK_EQ_U64(s.efer, EFER_LME);
    CHECK_EQ_U64(s.ctrl.cr0_shadow, s.cr0);

    /* 64-bit mode: clearing PG, bit 32, PG without PE, NW without CD. */
    static const u64 bad[] = {CR0_PE | CR0_ET, CR0_PE | CR0_ET | CR0_PG | 1ull << 32,
                              CR0_ET | CR0_PG, CR0_PE | CR0_ET | CR0_PG | CR0_NW};
    for (unsigned i = 0; i < 4; i++) {
        state(MODE_LONG64);
        s.r15 = bad[i];
        run(crq(0, VMX_CR_MOV_TO, R15));
        CHECK_GP();
    }
    /* ... while CD | NW, WP, AM are fine. */
    state(MODE_LONG64);
    s.rsi = CR0_PE | CR0_ET | CR0_PG | CR0_CD | CR0_NW | CR0_WP | CR0_AM;
    run(crq(0, VMX_CR_MOV_TO, RSI));
    CHECK_DONE(3, CR0_ITEMS);
    CHECK_EQ_U64(s.cr0, before.rsi);
    CHECK_EQ_U64(s.efer, EFER_LME | EFER_LMA);

    /* Real mode to protected mode, and back. */
    state(MODE_REAL);
    s.rax = CR0_PE;
    run(crq(0, VMX_CR_MOV_TO, RAX));
    CHECK_DONE(3, CR0_ITEMS);
    CHECK_EQ_U64(s.cr0, CR0_PE | CR0_ET);
    s.rax = 0;
    run(crq(0, VMX_CR_MOV_TO, RAX));
    CHECK_EQ_U64(s.cr0, CR0_ET);
    s.rax = CR0_PG;
    run(crq(0, VMX_CR_MOV_TO, RAX));
    CHECK_GP();
}

/* ---- cr_exit: MOV to CR3, CR4, CR8 ---- */

static void test_mov_to_others(void)
{
    /* CR4: the shadow follows; clearing PAE in IA-32e mode, VMXE, a bit
     * above 31: #GP. */
    state(MODE_LONG64);
    s.rcx = CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT;
    run(crq(4, VMX_CR_MOV_TO, RCX));
    CHECK_DONE(3, CR_ITEMS);
    CHECK_EQ_U64(s.cr4, CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT);
    CHECK_EQ_U64(s.ctrl.cr4_shadow, s.cr4);
    static const u64 bad4[] = {CR4_OSFXSR, CR4_PAE | CR4_VMXE, CR4_PAE | 1ull << 40,
                               CR4_PAE | 1ull << 15};
    for (unsigned i = 0; i < 4; i++) {
        state(MODE_LONG64);
        s.rcx = bad4[i];
        run(crq(4, VMX_CR_MOV_TO, RCX));
        CHECK_GP();
    }
    /* 32-bit code: EAX only. */
    state(MODE_PROT32);
    s.rdi = 1ull << 40 | CR4_DE;
    run(crq(4, VMX_CR_MOV_TO, RDI));
    CHECK_DONE(3, CR_ITEMS);
    CHECK_EQ_U64(s.cr4, CR4_DE);

    /* CR3: in 64-bit mode the bits at and above the physical-address
     * width (46 here) are reserved, unless CR4.PCIDE makes bit 63 the
     * no-flush hint (not stored). */
    state(MODE_LONG64);
    s.r12 = 0x00003fffff123000ull | 0x18;
    run(crq(3, VMX_CR_MOV_TO, R12));
    CHECK_DONE(3, VIREO_MTD(CR3));
    CHECK_EQ_U64(s.cr3, 0x00003fffff123018ull);
    static const unsigned cr3_bad[] = {46, 47, 51, 52, 62, 63};
    for (unsigned i = 0; i < sizeof(cr3_bad) / sizeof(cr3_bad[0]); i++) {
        s.r12 = 1ull << cr3_bad[i] | 0x5000;
        run(crq(3, VMX_CR_MOV_TO, R12));
        CHECK_GP();
    }
    state(MODE_LONG64);
    s.cr4 |= CR4_PCIDE;
    s.r12 = 1ull << 63 | 0x5123;
    run(crq(3, VMX_CR_MOV_TO, R12));
    CHECK_DONE(3, VIREO_MTD(CR3));
    CHECK_EQ_U64(s.cr3, 0x5123);
    /* Outside 64-bit mode CR3 is 32 bits. */
    state(MODE_PROT32);
    s.r12 = 0xffffffff00000000ull | 0xabcde018;
    run(crq(3, VMX_CR_MOV_TO, R12));
    CHECK_DONE(3, VIREO_MTD(CR3));
    CHECK_EQ_U64(s.cr3, 0xabcde018);

    /* CR8: the TPR, bits 63:4 reserved; it is the local APIC's. */
    state(MODE_LONG64);
    fake_lapic_reset();
    s.r10 = 0xf;
    run(crq(8, VMX_CR_MOV_TO, R10));
    CHECK_DONE(3, VIREO_MTD(CR8));
    CHECK_EQ_U64(s.cr8, 0xf);
    CHECK_EQ_U64(fake_lapic.cr8_set, 1);
    CHECK_EQ_U64(fake_lapic.cr8, 0xf);
    static const u64 cr8_bad[] = {0x10, 0x1f, 1ull << 32, 1ull << 63};
    for (unsigned i = 0; i < 4; i++) {
        s.r10 = cr8_bad[i];
        run(crq(8, VMX_CR_MOV_TO, R10));
        CHECK_GP();
    }
    CHECK_EQ_U64(fake_lapic.cr8_set, 1);
    /* Reads come from the APIC (its TPR may have changed by MMIO). */
    fake_lapic.cr8 = 6;
    run(crq(8, VMX_CR_MOV_FROM, R9));
    CHECK_DONE(3, VIREO_MTD(GPR_R8_R15));
    CHECK_EQ_U64(s.r9, 6);
    /* Without an APIC model, the message's CR8. */
    x.lapic = NULL;
    s.cr8 = 3;
    run(crq(8, VMX_CR_MOV_FROM, R9));
    CHECK_EQ_U64(s.r9, 3);
    s.r10 = 9;
    run(crq(8, VMX_CR_MOV_TO, R10));
    CHECK_EQ_U64(s.cr8, 9);
    CHECK_EQ_U64(fake_lapic.cr8, 6);

    /* CR2: any value, read back. */
    state(MODE_LONG64);
    s.rax = 0xffff800012345678ull;
    run(crq(2, VMX_CR_MOV_TO, RAX));
    CHECK_DONE(3, VIREO_MTD(CR2));
    CHECK_EQ_U64(s.cr2, 0xffff800012345678ull);
    run(crq(2, VMX_CR_MOV_FROM, RDX));
    CHECK_EQ_U64(s.rdx, 0xffff800012345678ull);

    /* CR4 writes are noted for CPUID's OSXSAVE. */
    state(MODE_LONG64);
    s.rcx = CR4_PAE | CR4_OSXSAVE;
    run(crq(4, VMX_CR_MOV_TO, RCX));
    CHECK_DONE(3, CR_ITEMS);
    struct vireo_vcpu_state c = s;
    c.mtd &= ~VIREO_MTD(CR0_CR4);
    c.rax = 1;
    c.insn_len = 2;
    struct exit_ctx cx = {.vm = &fake_vm, .s = &c};
    cpuid_exit(&cx);
    CHECK(c.rcx & (1u << 27));
}

/* ---- what does not exist, what needs CPL 0 ---- */

static void test_privilege(void)
{
    /* CR1, CR5-CR7, CR9-CR15: #UD both ways. */
    static const u32 none[] = {1, 5, 6, 7, 9, 12, 15};
    for (unsigned i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
        state(MODE_LONG64);
        run(crq(none[i], VMX_CR_MOV_TO, RAX));
        CHECK_EQ_U64(s.inj_info, fake_exc_info(EXC_UD, false));
        CHECK_EQ_U64(s.rip, before.rip);
        run(crq(none[i], VMX_CR_MOV_FROM, RAX));
        CHECK_EQ_U64(s.inj_info, fake_exc_info(EXC_UD, false));
        CHECK_EQ_U64(s.rax, before.rax);
    }
    /* CPL 3 (or virtual-8086 mode): #GP for MOV CR, CLTS, LMSW. */
    static const u64 accesses[] = {VMX_CR_MOV_TO, VMX_CR_MOV_FROM, VMX_CR_CLTS, VMX_CR_LMSW};
    static const u32 crs[] = {0, 3, 4, 8};
    for (unsigned i = 0; i < 4; i++) {
        for (unsigned k = 0; k < 4; k++) {
            state(MODE_LONG64);
            s.ss.ar |= 3u << 5;
            s.cs.ar |= 3u << 5;
            s.rax = s.cr0;
            run(crq(crs[k], (u32)accesses[i], RAX));
            CHECK_GP();
            CHECK_EQ_U64(s.rax, before.rax);
        }
    }
    state(MODE_PROT32);
    s.rflags |= RFLAGS_VM;
    run(crq(0, VMX_CR_CLTS, 0));
    CHECK_GP();
    /* Real mode is CPL 0. */
    state(MODE_REAL);
    s.ss.ar |= 3u << 5;
    run(crq(0, VMX_CR_MOV_FROM, RAX));
    CHECK_DONE(3, VIREO_MTD(GPR_ACDB));
}

/* ---- cr_exit: MOV from CRn, CLTS, LMSW ---- */

static void test_reads(void)
{
    /* The guest reads its value with the shadow in the owned bits. */
    state(MODE_LONG64);
    s.ctrl.cr0_mask = CR0_TS | CR0_NE;
    s.ctrl.cr0_shadow = CR0_TS; /* the guest thinks TS is set and NE clear */
    s.rbx = 0x1234;
    run(crq(0, VMX_CR_MOV_FROM, RBX));
    CHECK_DONE(3, VIREO_MTD(GPR_ACDB));
    CHECK_EQ_U64(s.rbx, CR0_PE | CR0_ET | CR0_PG | CR0_TS);
    /* All bits owned (what the VMM does): the shadow is the value. */
    state(MODE_LONG64);
    s.ctrl.cr0_shadow = CR0_PE | CR0_PG | CR0_MP;
    run(crq(0, VMX_CR_MOV_FROM, R8));
    CHECK_DONE(3, VIREO_MTD(GPR_R8_R15));
    CHECK_EQ_U64(s.r8, CR0_PE | CR0_PG | CR0_MP);
    /* CR4 likewise. */
    state(MODE_LONG64);
    s.cr4 = CR4_PAE | CR4_PGE;
    s.ctrl.cr4_mask = CR4_PGE | CR4_VMXE;
    s.ctrl.cr4_shadow = 0;
    s.rbp = ~0ull;
    run(crq(4, VMX_CR_MOV_FROM, RBP));
    CHECK_DONE(3, VIREO_MTD(GPR_BSD));
    CHECK_EQ_U64(s.rbp, CR4_PAE);
    /* CR3, CR8; RSP is a register too. */
    state(MODE_LONG64);
    s.cr3 = 0x000f000012345018ull;
    s.cr8 = 9;
    fake_lapic.cr8 = 9; /* the APIC's TPR */
    run(crq(3, VMX_CR_MOV_FROM, RSP));
    CHECK_DONE(3, VIREO_MTD(RSP));
    CHECK_EQ_U64(s.rsp, 0x000f000012345018ull);
    run(crq(8, VMX_CR_MOV_FROM, R14));
    CHECK_EQ_U64(s.r14, 9);
    /* Outside 64-bit mode the result is 32 bits (compatibility mode too). */
    state(MODE_COMPAT);
    s.cr3 = 0x0000000500001000ull;
    s.rax = ~0ull;
    run(crq(3, VMX_CR_MOV_FROM, RAX));
    CHECK_DONE(3, VIREO_MTD(GPR_ACDB));
    CHECK_EQ_U64(s.rax, 0x1000);
    state(MODE_PROT32);
    s.rax = ~0ull;
    run(crq(0, VMX_CR_MOV_FROM, RAX));
    CHECK_EQ_U64(s.rax, CR0_PE | CR0_ET | CR0_NE);
}

static void test_clts_lmsw(void)
{
    /* CLTS clears TS, in the value and the shadow. */
    state(MODE_LONG64);
    s.cr0 |= CR0_TS | CR0_MP;
    s.ctrl.cr0_shadow = s.cr0;
    run(crq(0, VMX_CR_CLTS, 0));
    CHECK_DONE(3, CR0_ITEMS);
    CHECK_EQ_U64(s.cr0, CR0_PE | CR0_ET | CR0_NE | CR0_PG | CR0_MP);
    CHECK_EQ_U64(s.ctrl.cr0_shadow, s.cr0);
    CHECK_EQ_U64(s.efer, EFER_LME | EFER_LMA);
    run(crq(0, VMX_CR_CLTS, 0)); /* again: nothing to clear, still done */
    CHECK_DONE(3, CR0_ITEMS);

    /* LMSW loads PE, MP, EM, TS (bits 15:4 of the operand are ignored) and
     * can set PE, never clear it. */
    state(MODE_REAL);
    s.cr0 |= CR0_NE;
    run(crq(0, VMX_CR_LMSW, 0) | VIREO_PUT(VIREO_CRQ, LMSW_DATA, 0xfff0 | 0xf));
    CHECK_DONE(3, CR0_ITEMS);
    CHECK_EQ_U64(s.cr0, CR0_ET | CR0_NE | CR0_PE | CR0_MP | CR0_EM | CR0_TS);
    run(crq(0, VMX_CR_LMSW, 0) | VIREO_PUT(VIREO_CRQ, LMSW_DATA, 0));
    CHECK_DONE(3, CR0_ITEMS);
    CHECK_EQ_U64(s.cr0, CR0_ET | CR0_NE | CR0_PE);
    CHECK_EQ_U64(s.ctrl.cr0_shadow, s.cr0);
    /* With paging on, PG and the rest stay. */
    state(MODE_LONG64);
    run(crq(0, VMX_CR_LMSW, 0) | VIREO_PUT(VIREO_CRQ, LMSW_DATA, CR0_TS));
    CHECK_EQ_U64(s.cr0, CR0_PE | CR0_ET | CR0_NE | CR0_PG | CR0_TS);
    CHECK_EQ_U64(s.efer, EFER_LME | EFER_LMA);
    /* The memory form's data comes in the exit too. */
    state(MODE_PROT32);
    run(crq(0, VMX_CR_LMSW, 0) | VIREO_PUT(VIREO_CRQ, LMSW_MEM, 1) |
        VIREO_PUT(VIREO_CRQ, LMSW_DATA, CR0_MP));
    CHECK_EQ_U64(s.cr0, CR0_PE | CR0_ET | CR0_NE | CR0_MP);
}

/* ---- finishing the instruction ---- */

static void test_finish(void)
{
    /* STI and MOV-SS blocking end; with TF the single-step trap is left
     * pending; RF clears. */
    state(MODE_LONG64);
    s.intr_state =
        (u32)(VIREO_BIT(VMX_INTR_STATE, BLOCK_STI) | VIREO_BIT(VMX_INTR_STATE, BLOCK_MOV_SS));
    s.rflags |= RFLAGS_TF | RFLAGS_RF;
    run(crq(8, VMX_CR_MOV_FROM, RAX));
    CHECK_DONE(3, VIREO_MTD(GPR_ACDB) | VIREO_MTD(RFLAGS));
    CHECK_EQ_U64(s.intr_state, 0);
    CHECK_EQ_U64(s.pending_dbg, VIREO_BIT(VMX_PENDING_DBG, BS));
    CHECK_EQ_U64(s.rflags, RFLAGS_FIXED1 | RFLAGS_TF);
    /* A #GP leaves all of that alone. */
    state(MODE_LONG64);
    s.intr_state = (u32)VIREO_BIT(VMX_INTR_STATE, BLOCK_MOV_SS);
    s.rflags |= RFLAGS_TF;
    s.rax = 0x100;
    run(crq(8, VMX_CR_MOV_TO, RAX));
    CHECK_GP();
    CHECK_EQ_U64(s.intr_state, before.intr_state);
    CHECK_EQ_U64(s.pending_dbg, 0);
    /* EIP wraps outside 64-bit mode. */
    state(MODE_PROT32);
    s.rip = 0xfffffffe;
    run(crq(0, VMX_CR_CLTS, 0));
    CHECK_EQ_U64(s.rip, 1);
}

/* ---- decoded here (DECODED clear: SVM without decode assists) ---- */

static void reg_op(u32 i, ZydisRegister r)
{
    fake_insn.ops[i].type = ZYDIS_OPERAND_TYPE_REGISTER;
    fake_insn.ops[i].reg.value = r;
}

static void test_decode(void)
{
    const u64 undecoded = 0; /* info[0] with DECODED clear */

    /* No exit length either: both come from the decoder. */
    state(MODE_LONG64);
    s.insn_len = 0;
    s.cr0 |= CR0_TS;
    fake_set_insn(ZYDIS_MNEMONIC_CLTS, 2, 64, 0);
    fake_decodes = 0;
    run(undecoded);
    CHECK_DONE(2, CR0_ITEMS);
    CHECK_EQ_U64(s.cr0 & CR0_TS, 0);
    CHECK(fake_decodes >= 1);

    /* MOV CR4, RCX and MOV RDX, CR0 (operand order tells the direction). */
    state(MODE_LONG64);
    fake_set_insn(ZYDIS_MNEMONIC_MOV, 3, 64, 2);
    reg_op(0, ZYDIS_REGISTER_CR4);
    reg_op(1, ZYDIS_REGISTER_RCX);
    s.rcx = CR4_PAE | CR4_OSFXSR;
    run(undecoded);
    CHECK_DONE(3, CR_ITEMS);
    CHECK_EQ_U64(s.cr4, CR4_PAE | CR4_OSFXSR);
    fake_set_insn(ZYDIS_MNEMONIC_MOV, 3, 64, 2);
    reg_op(0, ZYDIS_REGISTER_RDX);
    reg_op(1, ZYDIS_REGISTER_CR0);
    run(undecoded);
    CHECK_DONE(3, VIREO_MTD(GPR_ACDB));
    CHECK_EQ_U64(s.rdx, s.ctrl.cr0_shadow);
    fake_set_insn(ZYDIS_MNEMONIC_MOV, 3, 64, 2);
    reg_op(0, ZYDIS_REGISTER_CR8);
    reg_op(1, ZYDIS_REGISTER_R11);
    s.r11 = 0x20;
    run(undecoded);
    CHECK_GP();

    /* LMSW AX; LMSW from memory is not emulated: the VM stops. */
    state(MODE_REAL);
    fake_set_insn(ZYDIS_MNEMONIC_LMSW, 3, 16, 1);
    reg_op(0, ZYDIS_REGISTER_AX);
    s.rax = 0xffff0001;
    run(undecoded);
    CHECK_DONE(3, CR0_ITEMS);
    CHECK_EQ_U64(s.cr0, CR0_ET | CR0_PE);
    fake_set_insn(ZYDIS_MNEMONIC_LMSW, 3, 16, 1);
    fake_insn.ops[0].type = ZYDIS_OPERAND_TYPE_MEMORY;
    fake_stops = 0;
    fake_vm.end = VM_RUNNING;
    run(undecoded);
    CHECK_EQ_U64(fake_stops, 1);
    CHECK_EQ_U64(s.rip, before.rip);
    CHECK_EQ_U64(s.cr0, before.cr0);
    fake_vm.end = VM_RUNNING;

    /* SMSW: the guest's view of CR0 into a 16-bit register (merged) or a
     * 32-bit one (zero-extended). */
    state(MODE_LONG64);
    s.ctrl.cr0_shadow = CR0_PE | CR0_PG | CR0_TS | CR0_NE;
    fake_set_insn(ZYDIS_MNEMONIC_SMSW, 4, 64, 1);
    reg_op(0, ZYDIS_REGISTER_AX);
    s.rax = 0x1122334455667788ull;
    run(undecoded);
    CHECK_DONE(3, VIREO_MTD(GPR_ACDB));
    CHECK_EQ_U64(s.rax, 0x1122334455660000ull | CR0_PE | CR0_TS | CR0_NE);
    fake_set_insn(ZYDIS_MNEMONIC_SMSW, 4, 64, 1);
    reg_op(0, ZYDIS_REGISTER_ESI);
    s.rsi = ~0ull;
    run(undecoded);
    CHECK_EQ_U64(s.rsi, CR0_PE | CR0_PG | CR0_TS | CR0_NE);
    /* SMSW needs no privilege, unless CR4.UMIP: then #GP at CPL > 0. */
    s.ss.ar |= 3u << 5;
    s.cs.ar |= 3u << 5;
    fake_set_insn(ZYDIS_MNEMONIC_SMSW, 4, 64, 1);
    reg_op(0, ZYDIS_REGISTER_EAX);
    s.rax = 0;
    run(undecoded);
    CHECK_DONE(3, VIREO_MTD(GPR_ACDB));
    CHECK_EQ_U64(s.rax, CR0_PE | CR0_PG | CR0_TS | CR0_NE);
    s.cr4 |= CR4_UMIP;
    s.rax = 0;
    run(undecoded);
    CHECK_GP();
    CHECK_EQ_U64(s.rax, 0);

    /* Undecodable: insn_decode injected #UD; nothing else happens. */
    state(MODE_LONG64);
    fake_decode_ok = false;
    run(undecoded);
    CHECK_EQ_U64(s.inj_info, fake_exc_info(EXC_UD, false));
    CHECK_EQ_U64(x.changed, fake_injected(&before, EXC_UD, false, NULL));
    CHECK_EQ_U64(s.rip, before.rip);
    /* Another instruction (decoding said something else): the VM stops. */
    fake_set_insn(ZYDIS_MNEMONIC_NOP, 1, 64, 0);
    fake_stops = 0;
    run(undecoded);
    CHECK_EQ_U64(fake_stops, 1);
    CHECK_EQ_U64(s.rip, before.rip);
    fake_vm.end = VM_RUNNING;
}

/* ---- PAE paging: the PDPTEs ---- */

#define PDPT 0x3000u
static const u64 pdpt[4] = {0x10000 | PTE_P, 0x11000 | PTE_P | PTE_PWT | PTE_PCD, 0,
                            0x7ffff000ull | PTE_P | 7u << 9};

static void pae_state(void)
{
    state(MODE_PROT32);
    s.cr4 = CR4_PAE;
    s.cr3 = PDPT | 0x18;
    for (u32 i = 0; i < 4; i++)
        fake_put64(PDPT + 8 * i, pdpt[i]);
    for (u32 i = 0; i < 4; i++)
        s.pdpte[i] = 0xbad0000000000000ull; /* stale */
}

static void check_pdptes(void)
{
    for (u32 i = 0; i < 4; i++)
        CHECK_EQ_U64(s.pdpte[i], pdpt[i]);
}

static void test_pdptes(void)
{
    /* Enabling paging with CR4.PAE (LME clear) loads them from CR3[31:5]. */
    pae_state();
    s.rax = CR0_PE | CR0_ET | CR0_PG;
    run(crq(0, VMX_CR_MOV_TO, RAX));
    CHECK_DONE(3, CR0_ITEMS | VIREO_MTD(CR3));
    check_pdptes();
    CHECK_EQ_U64(s.efer, 0);
    /* Then: MOV CR0 changing CD (or NW, PG) reloads; changing TS does not. */
    for (u32 i = 0; i < 4; i++)
        s.pdpte[i] = 0;
    s.rax = s.cr0 | CR0_TS;
    run(crq(0, VMX_CR_MOV_TO, RAX));
    CHECK_DONE(3, CR0_ITEMS);
    CHECK_EQ_U64(s.pdpte[0], 0);
    s.rax = s.cr0 | CR0_CD;
    run(crq(0, VMX_CR_MOV_TO, RAX));
    CHECK_DONE(3, CR0_ITEMS | VIREO_MTD(CR3));
    check_pdptes();
    /* MOV CR3 always reloads, from the new table. */
    fake_put64(0x4000, 0x20000 | PTE_P);
    s.rbx = 0x4000;
    run(crq(3, VMX_CR_MOV_TO, RBX));
    CHECK_DONE(3, VIREO_MTD(CR3));
    CHECK_EQ_U64(s.cr3, 0x4000);
    CHECK_EQ_U64(s.pdpte[0], 0x20000 | PTE_P);
    CHECK_EQ_U64(s.pdpte[1], 0);
    /* MOV CR4 changing PAE, PGE, PSE or SMEP reloads; OSFXSR does not. */
    s.rbx = PDPT;
    run(crq(3, VMX_CR_MOV_TO, RBX));
    s.rcx = CR4_PAE | CR4_OSFXSR;
    for (u32 i = 0; i < 4; i++)
        s.pdpte[i] = 0;
    run(crq(4, VMX_CR_MOV_TO, RCX));
    CHECK_DONE(3, CR_ITEMS);
    CHECK_EQ_U64(s.pdpte[0], 0);
    if (cpuid_guest(1, 0).edx & (1u << 3)) {
        s.rcx = CR4_PAE | CR4_OSFXSR | CR4_PSE;
        run(crq(4, VMX_CR_MOV_TO, RCX));
        CHECK_DONE(3, CR_ITEMS | VIREO_MTD(CR3));
        check_pdptes();
    }
    /* Turning PAE off (32-bit paging) loads nothing. */
    for (u32 i = 0; i < 4; i++)
        s.pdpte[i] = 0;
    s.rcx = 0;
    run(crq(4, VMX_CR_MOV_TO, RCX));
    CHECK_DONE(3, CR_ITEMS);
    CHECK_EQ_U64(s.pdpte[0], 0);
    /* Setting PAE with paging on loads them. */
    s.rcx = CR4_PAE;
    run(crq(4, VMX_CR_MOV_TO, RCX));
    CHECK_DONE(3, CR_ITEMS | VIREO_MTD(CR3));
    check_pdptes();

    /* A present PDPTE with a reserved bit (2:1, 8:5, at or above the
     * physical-address width): #GP, nothing loaded. Not present: fine. */
    const unsigned rsvd[] = {1, 2, 5, 8, cpuid_phys_bits(), 63};
    for (unsigned i = 0; i < sizeof(rsvd) / sizeof(rsvd[0]); i++) {
        pae_state();
        fake_put64(PDPT + 8 * 3, pdpt[3] | 1ull << rsvd[i]);
        s.rax = CR0_PE | CR0_ET | CR0_PG;
        run(crq(0, VMX_CR_MOV_TO, RAX));
        CHECK_GP();
    }
    pae_state();
    fake_put64(PDPT + 8 * 2, 0x1e6ull | 1ull << 63);
    s.rax = CR0_PE | CR0_ET | CR0_PG;
    run(crq(0, VMX_CR_MOV_TO, RAX));
    CHECK_DONE(3, CR0_ITEMS | VIREO_MTD(CR3));
    CHECK_EQ_U64(s.pdpte[2], 0x1e6ull | 1ull << 63);
    /* The table outside RAM: #GP. */
    pae_state();
    s.cr3 = RAM - 16; /* the PDPT is at CR3[31:5]: 32 bytes below RAM's end */
    s.rax = CR0_PE | CR0_ET | CR0_PG;
    run(crq(0, VMX_CR_MOV_TO, RAX));
    CHECK_DONE(3, CR0_ITEMS | VIREO_MTD(CR3));
    pae_state();
    s.cr3 = RAM;
    s.rax = CR0_PE | CR0_ET | CR0_PG;
    run(crq(0, VMX_CR_MOV_TO, RAX));
    CHECK_GP();
    s.cr3 = PDPT;
    s.rbx = RAM;
    s.cr0 |= CR0_PG;
    run(crq(3, VMX_CR_MOV_TO, RBX));
    CHECK_GP();
}

int main(void)
{
    fake_reset(RAM);
    fake_lapic_reset();
    fake_cpu_intel(46);
    fake_cpu_configure(VIREO_PARAVIRT_MINIMAL, NULL, 0);
    test_cr0_rules();
    test_cr4_rules();
    test_cr4_policy();
    test_privilege();
    test_mov_to_cr0();
    test_mov_to_others();
    test_reads();
    test_clts_lmsw();
    test_finish();
    test_decode();
    test_pdptes();
    /* The CR4 rules again with the build machine's own CPUID. */
    cpuid_init(VIREO_PARAVIRT_MINIMAL);
    test_cr4_rules();
    return check_report("vmm_cr");
}
