/* MSRs: the ones every x86-64 kernel uses (values read back, reserved
 * bits and non-canonical addresses #GP, nothing changed by a fault), the
 * ones CPUID announces (MTRRs, PAT, TSC_ADJUST, TSC_AUX, the APIC's), the
 * hypervisor range 0x40000000-0x400000ff and KVM's MSRs #GP, and under
 * Vireo a sweep of every index it does not emulate. Bare QEMU TCG reads
 * unknown MSRs as 0 and takes reserved bits: TRAPPED deviations, which
 * Vireo (which intercepts every MSR write) must not have. */
#include "probes.h"
#include "tests.h"
#include <vireo/format.h>

#define QEMU_TRAPPED  (RT_PLATFORM_QEMU_TCG | TRAPPED)
#define BOCHS_TRAPPED (RT_PLATFORM_BOCHS | TRAPPED) /* Bochs 2.7 lacks the MSR */
#define NONCANONICAL  0x0000800000000000ull

static struct rt_trap rd(uint32_t msr, uint64_t *v)
{
    rt_expect(p_rdmsr_resume);
    uint64_t x = p_rdmsr(msr);
    struct rt_trap t = rt_expect_end();
    if (v)
        *v = x;
    return t;
}

static struct rt_trap wr(uint32_t msr, uint64_t v)
{
    rt_expect(p_wrmsr_resume);
    p_wrmsr(msr, v);
    return rt_expect_end();
}

/* WRMSR that must #GP and leave the MSR as it was. */
static void wr_gp(const char *what, uint32_t msr, uint64_t v, int deviant)
{
    uint64_t before = rdmsr(msr);
    char text[128];
    snformat(text, sizeof(text), "%s: WRMSR %#x <- %#lx raises #GP(0)", what, msr, v);
    bool faulted = expect_fault(text, wr(msr, v), VEC_GP, p_wrmsr_at, deviant);
    uint64_t after = rdmsr(msr);
    if (faulted)
        verdict(after == before, "  ... and the MSR is unchanged", NOWHERE, "%#lx, was %#lx", after,
                before);
    if (after != before)
        wrmsr(msr, before);
}

/* WRMSR that must be taken and read back as `back`. */
static void wr_ok(const char *what, uint32_t msr, uint64_t v, uint64_t back, int deviant)
{
    char text[128];
    snformat(text, sizeof(text), "%s: WRMSR %#x <- %#lx reads back %#lx", what, msr, v, back);
    struct rt_trap t = wr(msr, v);
    uint64_t got = t.count ? ~0ull : rdmsr(msr);
    verdict(!t.count && got == back, text, deviant, "%d faults, read %#lx", t.count, got);
}

/* Both RDMSR and WRMSR raise #GP. */
static void absent(const char *what, uint32_t msr, int deviant)
{
    char text[128];
    snformat(text, sizeof(text), "%s: RDMSR %#x raises #GP(0)", what, msr);
    expect_fault(text, rd(msr, NULL), VEC_GP, p_rdmsr_at, deviant);
    snformat(text, sizeof(text), "%s: WRMSR %#x raises #GP(0)", what, msr);
    expect_fault(text, wr(msr, 0), VEC_GP, p_wrmsr_at, deviant);
}

static void efer(void)
{
    uint64_t e = rdmsr(MSR_EFER);
    verdict((e & (EFER_LME | EFER_LMA)) == (EFER_LME | EFER_LMA), "EFER: LME and LMA in long mode",
            NOWHERE, "%#lx", e);
    wr_ok("EFER", MSR_EFER, e, e, NOWHERE);
    /* LMA is the CPU's: a write without it changes nothing. */
    wr_ok("EFER: LMA is read-only", MSR_EFER, e & ~EFER_LMA, e, QEMU_TRAPPED);
    wr_gp("EFER: LME cannot change while paging is on", MSR_EFER, e & ~EFER_LME, QEMU_TRAPPED);
    if (cpu_has(0x80000001u, EDX, 20)) {
        wr_ok("EFER: NXE", MSR_EFER, e ^ EFER_NXE, e ^ EFER_NXE, NOWHERE);
        wrmsr(MSR_EFER, e);
    } else {
        wr_gp("EFER: NXE without NX", MSR_EFER, e | EFER_NXE, QEMU_TRAPPED);
    }
    /* Reserved everywhere; SVME (12) without SVM, FFXSR (14) and TCE
     * (15) without their CPUID bits. */
    const unsigned reserved[] = {1, 2, 3, 4, 5, 6, 7, 9, 16, 20, 31, 32, 47, 63};
    for (unsigned i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
        wr_gp("EFER reserved bit", MSR_EFER, e | 1ull << reserved[i], QEMU_TRAPPED);
    if (!cpu_has(0x80000001u, ECX, 2))
        wr_gp("EFER.SVME without SVM", MSR_EFER, e | EFER_SVME, QEMU_TRAPPED);
    if (!cpu_has(0x80000001u, EDX, 25))
        wr_gp("EFER.FFXSR without FFXSR", MSR_EFER, e | 1ull << 14, QEMU_TRAPPED);
    if (!cpu_has(0x80000001u, ECX, 17))
        wr_gp("EFER.TCE without TCE", MSR_EFER, e | 1ull << 15, QEMU_TRAPPED);
}

static void syscall_msrs(void)
{
    /* The kernel has not set them up: saved and put back. */
    const uint32_t addr[] = {MSR_LSTAR,          MSR_SYSENTER_ESP, MSR_SYSENTER_EIP,
                             MSR_KERNEL_GS_BASE, MSR_FS_BASE,      MSR_GS_BASE};
    for (unsigned i = 0; i < sizeof(addr) / sizeof(addr[0]); i++) {
        uint64_t orig = rdmsr(addr[i]);
        wr_ok("canonical address", addr[i], 0xffff800012345000ull, 0xffff800012345000ull, NOWHERE);
        wr_ok("canonical address", addr[i], 0x00007ffffffff000ull, 0x00007ffffffff000ull, NOWHERE);
        wr_gp("non-canonical address", addr[i], NONCANONICAL, QEMU_TRAPPED);
        wr_gp("non-canonical address", addr[i], 0x8000000000000000ull, QEMU_TRAPPED);
        wrmsr(addr[i], orig);
    }
    uint64_t star = rdmsr(MSR_STAR), mask = rdmsr(MSR_SFMASK), cs = rdmsr(MSR_SYSENTER_CS);
    wr_ok("STAR: any value", MSR_STAR, 0xfedcba9876543210ull, 0xfedcba9876543210ull, NOWHERE);
    wr_ok("SFMASK", MSR_SFMASK, 0x47700, 0x47700, NOWHERE);
    /* Bits 63:32 are reserved: #GP (Vireo on AMD-V), or dropped (Bochs
     * takes 31:0, and so does Vireo on VT-x, where the MSR is the CPU's). */
    struct rt_trap t = wr(MSR_SFMASK, 0xffffffff00000000ull | 0x47700);
    uint64_t got = rdmsr(MSR_SFMASK);
    verdict((t.count == 1 && t.vector == VEC_GP && got == 0x47700) || (!t.count && !(got >> 32)),
            "SFMASK: bits 63:32 are not kept (#GP, or dropped)", QEMU_TRAPPED,
            "%d faults, SFMASK %#lx", t.count, got);
    wr_ok("SYSENTER_CS", MSR_SYSENTER_CS, 0x10, 0x10, NOWHERE);
    wrmsr(MSR_STAR, star);
    wrmsr(MSR_SFMASK, mask);
    wrmsr(MSR_SYSENTER_CS, cs);
}

static void pat_debugctl(void)
{
    uint64_t pat = rdmsr(MSR_PAT);
    verdict(pat == 0x0007040600070406ull, "PAT: the reset value", NOWHERE, "%#lx", pat);
    wr_ok("PAT", MSR_PAT, 0x0007010600070106ull, 0x0007010600070106ull, NOWHERE);
    const uint8_t bad[] = {2, 3, 8, 0xff};
    for (unsigned i = 0; i < 4; i++)
        wr_gp("PAT reserved memory type", MSR_PAT, (pat & ~0xff00ull) | (uint64_t)bad[i] << 8,
              QEMU_TRAPPED);
    wrmsr(MSR_PAT, pat);
    /* IA32_DEBUGCTL is architectural (since the P6); Bochs 2.7 has none. */
    uint64_t dbg;
    if (!expect_fault("RDMSR DEBUGCTL", rd(MSR_DEBUGCTL, &dbg), NO_FAULT, NULL,
                      RT_PLATFORM_BOCHS | TRAPPED))
        return;
    wr_ok("DEBUGCTL: BTF", MSR_DEBUGCTL, DEBUGCTL_BTF, DEBUGCTL_BTF, QEMU_TRAPPED);
    wr_ok("DEBUGCTL: LBR", MSR_DEBUGCTL, DEBUGCTL_LBR, DEBUGCTL_LBR, QEMU_TRAPPED);
    wrmsr(MSR_DEBUGCTL, dbg);
    const unsigned reserved[] = {16, 31, 32, 63};
    for (unsigned i = 0; i < 4; i++)
        wr_gp("DEBUGCTL reserved bit", MSR_DEBUGCTL, 1ull << reserved[i], QEMU_TRAPPED);
}

static void mtrrs(void)
{
    if (!cpu_has(1, EDX, 12)) {
        absent("no MTRRs", MSR_MTRRCAP, QEMU_TRAPPED);
        return;
    }
    uint64_t cap = rdmsr(MSR_MTRRCAP), def = rdmsr(MSR_MTRR_DEF_TYPE);
    unsigned vcnt = cap & 0xff, phys = cpu_phys_bits();
    rt_printf("cpuregs: MTRRCAP %#lx, default type %#lx\n", cap, def);
    verdict(vcnt >= 1 && (cap & MTRRCAP_FIX), "MTRRCAP: variable and fixed ranges", NOWHERE, "%#lx",
            cap);
    expect_fault("MTRRCAP is read-only: WRMSR raises #GP(0)", wr(MSR_MTRRCAP, cap), VEC_GP,
                 p_wrmsr_at, QEMU_TRAPPED);
    /* The default type's reserved bits and types; E and FE as they are. */
    wr_ok("MTRR_DEF_TYPE", MSR_MTRR_DEF_TYPE, (def & ~0xffull) | 6, (def & ~0xffull) | 6, NOWHERE);
    wr_gp("MTRR_DEF_TYPE reserved bit 9", MSR_MTRR_DEF_TYPE, def | 1ull << 9, QEMU_TRAPPED);
    wr_gp("MTRR_DEF_TYPE reserved bit 63", MSR_MTRR_DEF_TYPE, def | 1ull << 63, QEMU_TRAPPED);
    wr_gp("MTRR_DEF_TYPE type 2", MSR_MTRR_DEF_TYPE, (def & ~0xffull) | 2, QEMU_TRAPPED);
    wrmsr(MSR_MTRR_DEF_TYPE, def);
    /* The last variable pair: base and mask reserved bits, the width. */
    uint32_t base = MSR_MTRR_PHYSBASE0 + 2 * (vcnt - 1), mask = base + 1;
    uint64_t ob = rdmsr(base), om = rdmsr(mask);
    wr_ok("MTRR_PHYSBASE", base, 0x80000006ull, 0x80000006ull, NOWHERE);
    wr_gp("MTRR_PHYSBASE reserved bit 10", base, 0x80000006ull | 1ull << 10, QEMU_TRAPPED);
    wr_gp("MTRR_PHYSBASE type 3", base, 0x80000003ull, QEMU_TRAPPED);
    wr_gp("MTRR_PHYSBASE beyond the physical width", base, 1ull << phys | 6, QEMU_TRAPPED);
    wr_ok("MTRR_PHYSMASK (not valid)", mask, 0xfff000000ull & ((1ull << phys) - 1),
          0xfff000000ull & ((1ull << phys) - 1), NOWHERE);
    wr_gp("MTRR_PHYSMASK reserved bit 0", mask, 1, QEMU_TRAPPED);
    wr_gp("MTRR_PHYSMASK beyond the physical width", mask, 1ull << phys, QEMU_TRAPPED);
    wrmsr(mask, om);
    wrmsr(base, ob);
    uint64_t fix = rdmsr(MSR_MTRR_FIX4K_C0000);
    wr_ok("MTRR_FIX4K_C0000", MSR_MTRR_FIX4K_C0000, 0x0606060606060606ull, 0x0606060606060606ull,
          NOWHERE);
    wr_gp("MTRR_FIX4K_C0000 type 7 in a byte", MSR_MTRR_FIX4K_C0000, 0x0606060607060606ull,
          QEMU_TRAPPED);
    wrmsr(MSR_MTRR_FIX4K_C0000, fix);
}

static void tsc(void)
{
    uint64_t t0 = rdmsr(MSR_TSC), t1 = rdtsc();
    verdict(t1 >= t0, "TSC: RDMSR and RDTSC agree and it advances", NOWHERE, "%#lx then %#lx", t0,
            t1);
    bool adjust = cpu_has(7, EBX, 1);
    uint64_t a0 = adjust ? rdmsr(MSR_TSC_ADJUST) : 0;
    uint64_t target = t1 + (1ull << 40);
    wrmsr(MSR_TSC, target);
    uint64_t t2 = rdtsc();
    verdict(t2 >= target && t2 - target < (1ull << 36), "TSC: a write sets it (RDTSC follows)",
            QEMU_TRAPPED, "wrote %#lx, read %#lx", target, t2);
    if (adjust) {
        uint64_t moved = rdmsr(MSR_TSC_ADJUST) - a0;
        verdict(moved > (1ull << 39) && moved <= (1ull << 40), "TSC_ADJUST moves with a TSC write",
                QEMU_TRAPPED, "by %#lx", moved);
        uint64_t before = rdtsc();
        wrmsr(MSR_TSC_ADJUST, rdmsr(MSR_TSC_ADJUST) - (1ull << 40));
        uint64_t after = rdtsc();
        verdict(after < before, "TSC_ADJUST: a write moves the TSC", QEMU_TRAPPED, "%#lx then %#lx",
                before, after);
    } else {
        absent("no TSC_ADJUST", MSR_TSC_ADJUST, QEMU_TRAPPED);
    }
    bool rdtscp = cpu_has(0x80000001u, EDX, 27), rdpid = cpu_has(7, ECX, 22);
    if (rdtscp || rdpid) {
        uint64_t aux = rdmsr(MSR_TSC_AUX);
        wr_ok("TSC_AUX", MSR_TSC_AUX, 0x1234, 0x1234, NOWHERE);
        if (rdtscp)
            verdict(p_rdtscp() == 0x1234, "RDTSCP returns TSC_AUX in ECX", NOWHERE, "%#lx",
                    p_rdtscp());
        /* Bits 63:32 reserved: #GP (Vireo's MSR), or dropped (Bochs 2.7,
         * also under Vireo on VT-x, where the MSR is the CPU's). */
        struct rt_trap t = wr(MSR_TSC_AUX, 0xffffffff00000005ull);
        uint64_t got = rdmsr(MSR_TSC_AUX);
        verdict((t.count == 1 && t.vector == VEC_GP && got == 0x1234) || (!t.count && got == 5),
                "TSC_AUX: bits 63:32 are not kept (#GP, or dropped)", QEMU_TRAPPED,
                "%d faults, TSC_AUX %#lx", t.count, got);
        wrmsr(MSR_TSC_AUX, aux);
    } else {
        absent("no RDTSCP, no RDPID: no TSC_AUX", MSR_TSC_AUX, QEMU_TRAPPED);
    }
}

static void apic(void)
{
    if (!cpu_has(1, EDX, 9))
        return;
    uint64_t base = rdmsr(MSR_APIC_BASE);
    verdict((base & ~0xfffull) == 0xfee00000ull && (base & APIC_BASE_BSP) &&
                (base & APIC_BASE_ENABLE),
            "APIC_BASE: enabled at 0xfee00000, the BSP", NOWHERE, "%#lx", base);
    wr_ok("APIC_BASE: the same value", MSR_APIC_BASE, base, base, NOWHERE);
    unsigned phys = cpu_phys_bits();
    wr_gp("APIC_BASE reserved bit 9", MSR_APIC_BASE, base | 1ull << 9, QEMU_TRAPPED);
    if (phys < 52)
        wr_gp("APIC_BASE beyond the physical width", MSR_APIC_BASE, base | 1ull << phys,
              QEMU_TRAPPED);
    wr_gp("APIC_BASE reserved bit 63", MSR_APIC_BASE, base | 1ull << 63, QEMU_TRAPPED);
    if (!cpu_has(1, ECX, 21))
        wr_gp("APIC_BASE: EXTD without x2APIC", MSR_APIC_BASE, base | APIC_BASE_X2APIC,
              QEMU_TRAPPED);
    if (cpu_has(1, ECX, 24)) {
        uint64_t d = rdmsr(MSR_TSC_DEADLINE);
        expect_fault("TSC_DEADLINE: WRMSR 0 (disarmed)", wr(MSR_TSC_DEADLINE, 0), NO_FAULT, NULL,
                     NOWHERE);
        (void)d;
    }
    /* Not in x2APIC mode: the x2APIC MSRs raise #GP. */
    if (!(base & APIC_BASE_X2APIC)) {
        expect_fault("xAPIC mode: RDMSR 0x802 (x2APIC ID) raises #GP(0)", rd(0x802, NULL), VEC_GP,
                     p_rdmsr_at, QEMU_TRAPPED);
        expect_fault("xAPIC mode: WRMSR 0x808 (x2APIC TPR) raises #GP(0)", wr(0x808, 0), VEC_GP,
                     p_wrmsr_at, QEMU_TRAPPED);
    }
}

/* MCA: MCG_CAP read-only, MCG_STATUS, no MCG_CTL without CTL_P, no bank
 * past the count. */
static void machine_check(void)
{
    uint64_t cap;
    if (!expect_fault("MCA: RDMSR MCG_CAP", rd(MSR_MCG_CAP, &cap), NO_FAULT, NULL, BOCHS_TRAPPED))
        return;
    expect_fault("MCG_CAP is read-only: WRMSR raises #GP(0)", wr(MSR_MCG_CAP, cap), VEC_GP,
                 p_wrmsr_at, QEMU_TRAPPED);
    expect_fault("MCA: RDMSR MCG_STATUS", rd(MSR_MCG_STATUS, NULL), NO_FAULT, NULL, BOCHS_TRAPPED);
    if (!(cap & (1u << 8)))
        absent("no MCG_CTL (MCG_CAP.CTL_P clear)", MSR_MCG_CTL, QEMU_TRAPPED);
    absent("no machine-check bank past MCG_CAP's count", MSR_MC0_CTL + 4 * (cap & 0xff),
           QEMU_TRAPPED);
}

static void model_specific(void)
{
    /* Present on Intel: MISC_ENABLE, BIOS_SIGN_ID; machine check with MCA. */
    if (!cpu_amd()) {
        uint64_t misc;
        struct rt_trap t = rd(MSR_MISC_ENABLE, &misc);
        if (expect_fault("Intel: RDMSR MISC_ENABLE", t, NO_FAULT, NULL, BOCHS_TRAPPED)) {
            wr_ok("MISC_ENABLE: fast strings", MSR_MISC_ENABLE, misc ^ MISC_ENABLE_FAST_STRING,
                  misc ^ MISC_ENABLE_FAST_STRING, QEMU_TRAPPED);
            wrmsr(MSR_MISC_ENABLE, misc);
        }
        expect_fault("Intel: WRMSR BIOS_SIGN_ID 0 (then CPUID loads the revision)",
                     wr(MSR_BIOS_SIGN_ID, 0), NO_FAULT, NULL, BOCHS_TRAPPED);
        cpuid(1, 0);
        expect_fault("Intel: RDMSR BIOS_SIGN_ID", rd(MSR_BIOS_SIGN_ID, NULL), NO_FAULT, NULL,
                     BOCHS_TRAPPED);
    }
    if (cpu_has(1, EDX, 14))
        machine_check();
    /* What CPUID does not offer has no MSR. */
    if (!cpu_has(7, EDX, 26) && !cpu_has(7, EDX, 27)) /* IBRS/IBPB, STIBP */
        absent("no IBRS/IBPB: no SPEC_CTRL", MSR_SPEC_CTRL, QEMU_TRAPPED);
    if (!cpu_has(7, EDX, 29))
        absent("no ARCH_CAPABILITIES enumerated", MSR_ARCH_CAPABILITIES, QEMU_TRAPPED);
    if (under_vireo()) {
        /* Vireo's choices (docs/VMM.md "MSRs"). */
        if (!cpu_amd()) {
            uint64_t fc = rdmsr(MSR_FEATURE_CONTROL);
            verdict(fc == FEATURE_CONTROL_LOCK, "under Vireo: FEATURE_CONTROL locked, VMX off",
                    NOWHERE, "%#lx", fc);
            wr_gp("under Vireo: FEATURE_CONTROL is locked", MSR_FEATURE_CONTROL, fc, NOWHERE);
            verdict(rdmsr(MSR_BIOS_SIGN_ID) >> 32 != 0, "under Vireo: a microcode revision",
                    NOWHERE, NULL);
            uint64_t misc = rdmsr(MSR_MISC_ENABLE);
            wr_gp("under Vireo: MISC_ENABLE bit 3 (TCC) not offered", MSR_MISC_ENABLE,
                  misc | 1ull << 3, NOWHERE);
            wr_gp("under Vireo: MISC_ENABLE reserved bit 63", MSR_MISC_ENABLE, misc | 1ull << 63,
                  NOWHERE);
        }
        if (cpu_has(1, EDX, 14))
            verdict(rdmsr(MSR_MCG_CAP) == 0, "under Vireo: MCG_CAP: no banks", NOWHERE, NULL);
        wr_ok("under Vireo: MCG_STATUS", MSR_MCG_STATUS, 0, 0, NOWHERE);
        wr_gp("under Vireo: MCG_STATUS reserved bit 3", MSR_MCG_STATUS, 8, NOWHERE);
    }
}

/* 0x40000000-0x400000ff: reserved for hypervisors, and none claimed;
 * KVM's MSRs: none implemented (whatever the provider). */
static void reserved_ranges(void)
{
    unsigned bad = 0;
    uint32_t first = 0;
    for (uint32_t msr = 0x40000000u; msr <= 0x400000ffu; msr++) {
        struct rt_trap r = rd(msr, NULL), w = wr(msr, 0);
        bool ok = r.count == 1 && r.vector == VEC_GP && r.rip == (uint64_t)p_rdmsr_at &&
                  w.count == 1 && w.vector == VEC_GP && w.rip == (uint64_t)p_wrmsr_at;
        if (!ok && !bad++)
            first = msr;
    }
    verdict(!bad, "MSRs 0x40000000-0x400000ff: every RDMSR and WRMSR raises #GP(0)", QEMU_TRAPPED,
            "%u indices did not, the first %#x", bad, first);
    absent("KVM's system time MSR", MSR_KVM_FIRST + 1, QEMU_TRAPPED);
    absent("KVM's wall clock MSR", MSR_KVM_FIRST, QEMU_TRAPPED);
    absent("an index no vendor defines", 0x12345678u, QEMU_TRAPPED);
}

/* Under Vireo: every index of the ranges MSRs live in that the VMM does
 * not emulate (docs/VMM.md "MSRs": this list) raises #GP on RDMSR. */
static bool vireo_emulates(uint32_t msr)
{
    static const uint32_t known[] = {
        MSR_TSC,
        MSR_PLATFORM_ID,
        MSR_APIC_BASE,
        MSR_FEATURE_CONTROL,
        MSR_TSC_ADJUST,
        MSR_BIOS_SIGN_ID,
        MSR_MTRRCAP,
        MSR_SYSENTER_CS,
        MSR_SYSENTER_ESP,
        MSR_SYSENTER_EIP,
        MSR_MCG_CAP,
        MSR_MCG_STATUS,
        MSR_MISC_ENABLE,
        MSR_DEBUGCTL,
        MSR_PAT,
        MSR_MTRR_DEF_TYPE,
        MSR_MTRR_FIX64K_00000,
        MSR_MTRR_FIX16K_80000,
        MSR_MTRR_FIX16K_A0000,
        MSR_TSC_DEADLINE,
        MSR_EFER,
        MSR_STAR,
        MSR_LSTAR,
        MSR_CSTAR,
        MSR_SFMASK,
        MSR_FS_BASE,
        MSR_GS_BASE,
        MSR_KERNEL_GS_BASE,
        MSR_TSC_AUX,
        MSR_AMD_SYSCFG,      /* AMD only: 0 */
        MSR_AMD_INT_PENDING, /* AMD only: 0 */
    };
    for (unsigned i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
        if (known[i] == msr)
            return true;
    }
    return (msr >= MSR_MTRR_PHYSBASE0 && msr < MSR_MTRR_PHYSBASE0 + 16) ||
           (msr >= MSR_MTRR_FIX4K_C0000 && msr < MSR_MTRR_FIX4K_C0000 + 8) ||
           (msr >= 0x800 && msr <= 0x8ff);
}

static void sweep(void)
{
    if (!under_vireo())
        return;
    static const struct {
        uint32_t first, last;
    } ranges[] = {{0, 0x1fff}, {0xc0000000u, 0xc0001fffu}, {0xc0010000u, 0xc0011fffu}};
    for (unsigned k = 0; k < 3; k++) {
        unsigned bad = 0, tried = 0;
        uint32_t first = 0;
        for (uint32_t msr = ranges[k].first; msr <= ranges[k].last; msr++) {
            if (vireo_emulates(msr))
                continue;
            tried++;
            struct rt_trap t = rd(msr, NULL);
            if (!(t.count == 1 && t.vector == VEC_GP && t.rip == (uint64_t)p_rdmsr_at) && !bad++)
                first = msr;
        }
        char what[96];
        snformat(what, sizeof(what), "under Vireo: RDMSR of %u unknown indices in %#x-%#x: #GP",
                 tried, ranges[k].first, ranges[k].last);
        verdict(!bad, what, NOWHERE, "%u did not, the first %#x", bad, first);
    }
}

void test_msrs(void)
{
    efer();
    syscall_msrs();
    pat_debugctl();
    mtrrs();
    tsc();
    apic();
    model_specific();
    reserved_ranges();
    sweep();
}
