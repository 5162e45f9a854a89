/* The guest's CPUID (servers/vmm/cpuid.c) on faked hosts (fake_cpu.h)
 * whose flag leaves have every bit set, so each answer shows exactly the
 * policy: the flags offered per leaf and register (written out here, not
 * taken from the table), reserved leaves and bits 0, out-of-range leaves
 * as the host's vendor answers them, the three paravirtualization
 * providers (KVM's feature bits: kvmclock), topology, XSAVE sizes against XCR0, address sizes,
 * `cpuid-disable` with what depends on the feature removed, the state
 * leaf 1 follows, and cpuid_exit. */
#include "check.h"
#include "cpuid.h"
#include "fake_cpu.h"
#include "lapic.h"
#include "vmm_fakes.h"
#include <string.h>

/* The flags offered on a host that has them all (x87/SSE/AVX XSAVE). */
#define L1_ECX                                                                                     \
    0x77fa3203u               /* SSE3 PCLMUL SSSE3 FMA CX16 PCID SSE4.1/2 x2APIC MOVBE POPCNT      \
                                 TSC-deadline AES XSAVE AVX F16C RDRAND */
#define L1_EDX    0x0f8bfbffu /* all but 10, 18, 20-22, 28-31 */
#define L7_EBX    0x219c07abu
#define L7_ECX    0x18400704u
#define L7_EDX    0x00004410u
#define E1_ECX    0x002109e1u /* + TOPOEXT (22) on AMD */
#define E1_EDX    0xec500800u /* + leaf 1 EDX's aliases on AMD */
#define E8_EBX    0x00000205u
#define HV        (1u << 31)
#define OSXSAVE   (1u << 27)
#define ALIASES   0x0183f3ffu
#define AVX_L1ECX 0x30001000u /* FMA AVX F16C */

static const struct cpuid_dynamic reset = {.cr4 = 0, .xcr0 = 1, .apic_enabled = true};

static struct cpuid_result q(u32 leaf, u32 subleaf)
{
    return cpuid_answer(leaf, subleaf, &reset);
}

static bool same(struct cpuid_result a, struct cpuid_result b)
{
    return a.eax == b.eax && a.ebx == b.ebx && a.ecx == b.ecx && a.edx == b.edx;
}

static bool zero(struct cpuid_result r)
{
    return !r.eax && !r.ebx && !r.ecx && !r.edx;
}

#define CHECK_REGS(r, a, b, c, d)                                                                  \
    do {                                                                                           \
        struct cpuid_result r_ = (r);                                                              \
        CHECK_EQ_U64(r_.eax, a);                                                                   \
        CHECK_EQ_U64(r_.ebx, b);                                                                   \
        CHECK_EQ_U64(r_.ecx, c);                                                                   \
        CHECK_EQ_U64(r_.edx, d);                                                                   \
    } while (0)

static void test_flags(bool amd)
{
    fake_xcr0_mask = XCR0_X87 | XCR0_SSE | XCR0_AVX;
    if (amd)
        fake_cpu_amd(48);
    else
        fake_cpu_intel(46);
    fake_cpu_configure(VIREO_PARAVIRT_MINIMAL, NULL, 0);
    CHECK_EQ_U64(cpuid_vendor_amd(), amd);
    /* Leaf 0: 0xd basic leaves, the host's vendor. */
    struct cpuid_result l0 = q(0, 0);
    CHECK_EQ_U64(l0.eax, 0xd);
    CHECK_EQ_U64(l0.ebx, amd ? 0x68747541u : 0x756e6547u);
    /* Leaf 1: family/model/stepping passed; brand index and CLFLUSH size
     * kept, one logical processor, initial APIC ID 0; the flags. */
    CHECK_REGS(q(1, 0), 0x00050654u, 0x00010817u, L1_ECX | HV, L1_EDX);
    CHECK_REGS(q(6, 0), 1u << 2, 0, 0, 0); /* ARAT alone */
    /* RDPID and RDTSCP: not on AMD (the SVM back end does not switch
     * TSC_AUX). Subleaf 0 is the last. */
    CHECK_REGS(q(7, 0), 0, L7_EBX, L7_ECX & ~(amd ? 1u << 22 : 0), L7_EDX);
    CHECK_REGS(q(0x80000007u, 0), 0, 0, 0, 1u << 8);        /* invariant TSC */
    CHECK_REGS(q(0x80000001u, 0), 0x00800f12u, 0x20000000u, /* AMD: family; package type */
               E1_ECX | (amd ? 1u << 22 : 0),
               amd ? (E1_EDX & ~(1u << 27)) | (L1_EDX & ALIASES) : E1_EDX);
    /* Reserved or not emulated: 0 (PSN, MONITOR, leaf 8, the PMU, leaf 7
     * subleaf 1, SVM, SEV...). */
    static const u32 none[] = {3, 5, 8, 9, 0xa, 0xc};
    for (u32 i = 0; i < sizeof(none) / sizeof(none[0]); i++)
        CHECK(zero(q(none[i], 0)));
    CHECK(zero(q(7, 1)));
    CHECK(zero(q(7, 2)));
    /* Passed: cache descriptors, the brand string, L1/L2 information. */
    CHECK_REGS(q(2, 0), 0x00feff01u, 0, 0, 0);
    CHECK_REGS(q(0x80000002u, 0), 0x65746e49u, 0x2952286cu, 0x6f655820u, 0x2952286eu);
    CHECK_REGS(q(0x80000006u, 0), 0, 0, 0x01006040u, 0);
    /* Leaf 4: the host's caches, shared by nobody, one core. */
    CHECK_REGS(q(4, 0), 0x00000121u, 0x01c0003fu, 0x3f, 0);
    CHECK_REGS(q(4, 3), 0x00000163u, 0x0280003fu, 0x6fff, 4);
    CHECK(zero(q(4, 4)));
    /* Leaf 0xb: one thread in one core, x2APIC ID 0. */
    CHECK_REGS(q(0xb, 0), 0, 1, 0x100, 0);
    CHECK_REGS(q(0xb, 1), 0, 1, 0x201, 0);
    CHECK_REGS(q(0xb, 2), 0, 0, 2, 0);
    CHECK_REGS(q(0xb, 0x35), 0, 0, 0x35, 0);
    /* Address sizes: the host's width up to 48; 48 linear bits (no LA57);
     * the flags; one core. */
    CHECK_REGS(q(0x80000008u, 0), amd ? 48u | 48u << 8 : 46u | 48u << 8, E8_EBX, 0, 0);
    CHECK_EQ_U64(cpuid_phys_bits(), amd ? 48 : 46);

    /* Extended range: 0x80000008 on Intel, 0x8000001e on AMD. */
    struct cpuid_result e0 = q(0x80000000u, 0);
    CHECK_EQ_U64(e0.eax, amd ? 0x8000001eu : 0x80000008u);
    CHECK_EQ_U64(e0.ebx, amd ? 0x68747541u : 0);
    if (amd) {
        CHECK(zero(q(0x8000000au, 0))); /* no SVM */
        CHECK_REGS(q(0x80000019u, 0), 0xf040f040u, 0xf0400000u, 0, 0);
        /* Cache topology: nobody shares; extended topology: ID 0, one
         * thread per core, one node. */
        CHECK_REGS(q(0x8000001du, 3), 0x00000163u, 0x03c0003fu, 0x7fff, 1);
        CHECK(zero(q(0x8000001du, 4)));
        CHECK(zero(q(0x8000001eu, 0)));
        CHECK(zero(q(0x8000001fu, 0))); /* out of range: SEV */
    }

    /* Out of range: Intel answers with the highest basic leaf (0xd,
     * subleaf ECX), AMD with 0 - whatever the host itself does. */
    static const u32 beyond[] = {0xe,         0x16,        0x1f,        0x3fffffffu,
                                 0x40000100u, 0x4fffffffu, 0x7fffffffu, 0x8000001fu,
                                 0x80000021u, 0x8fffffffu, 0xc0000000u, 0xffffffffu};
    for (u32 i = 0; i < sizeof(beyond) / sizeof(beyond[0]); i++) {
        for (u32 sub = 0; sub < 3; sub++) {
            struct cpuid_result r = q(beyond[i], sub);
            if (amd)
                CHECK(zero(r));
            else
                CHECK(same(r, q(0xd, sub)));
        }
    }
    CHECK(!zero(q(0xd, 0)));
}

static void test_providers(void)
{
    fake_cpu_intel(40);
    /* minimal: the hypervisor bit, "Vireo VMM", nothing else in the range. */
    fake_cpu_configure(VIREO_PARAVIRT_MINIMAL, NULL, 0);
    CHECK(q(1, 0).ecx & HV);
    CHECK_REGS(q(0x40000000u, 0), 0x40000000u, 0x65726956u, 0x4d56206fu, 0x4du);
    for (u32 leaf = 0x40000001u; leaf <= 0x400000ffu; leaf++)
        CHECK(zero(q(leaf, 0)));
    CHECK_EQ_U64(cpuid_kvm_features(), 0);
    /* kvm: "KVMKVMKVM\0\0\0", max 0x40000001; 0x40000001 EAX kvmclock
     * (CLOCKSOURCE 0, CLOCKSOURCE2 3, CLOCKSOURCE_STABLE_BIT 24), no
     * hints; cpuid-disable takes none of them away. */
    fake_cpu_configure(VIREO_PARAVIRT_KVM, NULL, 0);
    CHECK(q(1, 0).ecx & HV);
    struct cpuid_result k = q(0x40000000u, 0);
    char sig[13];
    memcpy(sig, &k.ebx, 4);
    memcpy(sig + 4, &k.ecx, 4);
    memcpy(sig + 8, &k.edx, 4);
    sig[12] = 0;
    CHECK(strcmp(sig, "KVMKVMKVM") == 0 && sig[9] == 0 && sig[10] == 0 && sig[11] == 0);
    CHECK_EQ_U64(k.eax, 0x40000001u);
    CHECK_REGS(q(0x40000001u, 0), 0x01000009u, 0, 0, 0);
    CHECK_REGS(q(0x40000001u, 7), 0x01000009u, 0, 0, 0); /* no subleaves */
    CHECK_EQ_U64(cpuid_kvm_features(), 0x01000009u);
    fake_cpu_configure(VIREO_PARAVIRT_KVM, (const char *const[]){"tsc_adjust", "x2apic", NULL}, 0);
    CHECK_REGS(q(0x40000001u, 0), 0x01000009u, 0, 0, 0);
    CHECK(zero(q(0x40000002u, 0)));
    CHECK(zero(q(0x400000ffu, 0)));
    /* none: no bit, and the range reads as leaves beyond the maximum. */
    fake_cpu_configure(VIREO_PARAVIRT_NONE, NULL, 0);
    CHECK(!(q(1, 0).ecx & HV));
    CHECK_EQ_U64(q(1, 0).ecx, L1_ECX);
    CHECK_EQ_U64(cpuid_kvm_features(), 0);
    for (u32 leaf = 0x40000000u; leaf <= 0x40000010u; leaf++)
        CHECK(same(q(leaf, 1), q(0xd, 1)));
    fake_cpu_amd(40);
    fake_cpu_configure(VIREO_PARAVIRT_NONE, NULL, 0);
    CHECK(zero(q(0x40000000u, 0)));
    CHECK(zero(q(0x40000001u, 0)));
    /* cpuid_init: the provider alone. */
    cpuid_init(VIREO_PARAVIRT_NONE);
    CHECK(!(cpuid_guest(1, 0).ecx & HV));
    cpuid_init(VIREO_PARAVIRT_MINIMAL);
    CHECK(cpuid_guest(1, 0).ecx & HV);
}

static void test_xsave(void)
{
    fake_cpu_intel(40);
    fake_xcr0_mask = XCR0_X87 | XCR0_SSE | XCR0_AVX;
    fake_cpu_configure(VIREO_PARAVIRT_MINIMAL, NULL, 0);
    CHECK_EQ_U64(cpuid_xcr0_mask(), 7);
    /* 0xd.0: the mask; the size for XCR0 (x87 only: 576; with AVX 832);
     * the size for all. */
    struct cpuid_dynamic d = reset;
    CHECK_REGS(cpuid_answer(0xd, 0, &d), 7, 576, 832, 0);
    d.xcr0 = 3;
    CHECK_REGS(cpuid_answer(0xd, 0, &d), 7, 576, 832, 0);
    d.xcr0 = 7;
    CHECK_REGS(cpuid_answer(0xd, 0, &d), 7, 832, 832, 0);
    d.xcr0 = 0x2ff; /* what the host has beyond the mask does not count */
    CHECK_REGS(cpuid_answer(0xd, 0, &d), 7, 832, 832, 0);
    /* 0xd.1: XSAVEOPT, XSAVEC, XGETBV1; no XSAVES, no XSS; EBX the
     * compacted size for XCR0 (what Linux sizes its buffers by). */
    d = reset;
    CHECK_REGS(cpuid_answer(0xd, 1, &d), 7, 576, 0, 0);
    d.xcr0 = 7;
    CHECK_REGS(cpuid_answer(0xd, 1, &d), 7, 832, 0, 0);
    /* 0xd.2: the host's AVX layout; components not offered: 0. */
    CHECK_REGS(q(0xd, 2), 256, 576, 0, 0);
    static const u32 absent[] = {3, 4, 5, 9, 17, 62, 63, 64, 0xffffffffu};
    for (u32 i = 0; i < sizeof(absent) / sizeof(absent[0]); i++)
        CHECK(zero(q(0xd, absent[i])));
    /* OSXSAVE follows CR4. */
    CHECK(!(q(1, 0).ecx & OSXSAVE));
    d.cr4 = CR4_OSXSAVE;
    CHECK(cpuid_answer(1, 0, &d).ecx & OSXSAVE);

    /* No AVX in the set: AVX and what needs it go; SSE stays. */
    fake_xcr0_mask = XCR0_X87 | XCR0_SSE;
    fake_cpu_configure(VIREO_PARAVIRT_MINIMAL, NULL, 0);
    CHECK_EQ_U64(cpuid_xcr0_mask(), 3);
    CHECK_EQ_U64(q(1, 0).ecx, (L1_ECX & ~AVX_L1ECX) | HV);
    CHECK_EQ_U64(q(7, 0).ebx, L7_EBX & ~(1u << 5));
    CHECK_EQ_U64(q(7, 0).ecx, L7_ECX & ~0x600u);
    CHECK_REGS(q(0xd, 0), 3, 576, 576, 0);
    CHECK(zero(q(0xd, 2)));
    /* No XSAVE at all (xstate.h: 0): leaf 0xd is 0, OSXSAVE never set. */
    fake_xcr0_mask = 0;
    fake_cpu_configure(VIREO_PARAVIRT_MINIMAL, NULL, 0);
    CHECK_EQ_U64(cpuid_xcr0_mask(), 0);
    CHECK_EQ_U64(q(1, 0).ecx, (L1_ECX & ~(AVX_L1ECX | 1u << 26)) | HV);
    for (u32 sub = 0; sub < 4; sub++)
        CHECK(zero(q(0xd, sub)));
    CHECK(!(cpuid_answer(1, 0, &d).ecx & OSXSAVE));
    CHECK(!cpuid_has(VIREO_CPUID_F_XSAVEOPT));
    /* The host without XSAVE: the same, whatever xstate.h says. */
    fake_xcr0_mask = 7;
    fake_cpu_set(1, 0, 0x50654, 0, ~(1u << 26), ~0u);
    fake_cpu_configure(VIREO_PARAVIRT_MINIMAL, NULL, 0);
    CHECK_EQ_U64(cpuid_xcr0_mask(), 0);
    CHECK(zero(q(0xd, 0)));
    CHECK(!(q(1, 0).ecx & (1u << 28)));
}

static void test_disable(void)
{
    fake_xcr0_mask = XCR0_X87 | XCR0_SSE | XCR0_AVX;
    fake_cpu_amd(48);
    /* avx: FMA, F16C, AVX2, VAES, VPCLMULQDQ, XOP, FMA4 go with it, and
     * the YMM state from leaf 0xd. */
    fake_cpu_configure(VIREO_PARAVIRT_MINIMAL, (const char *const[]){"avx", NULL}, 0);
    CHECK_EQ_U64(q(1, 0).ecx, (L1_ECX & ~AVX_L1ECX) | HV);
    CHECK_EQ_U64(q(7, 0).ebx, L7_EBX & ~(1u << 5));
    CHECK_EQ_U64(q(7, 0).ecx, L7_ECX & ~0x600u & ~(1u << 22) /* no RDPID on AMD */);
    CHECK_EQ_U64(q(0x80000001u, 0).ecx, (E1_ECX | 1u << 22) & ~0x10800u);
    CHECK_EQ_U64(cpuid_xcr0_mask(), 3);
    CHECK_EQ_U64(q(0xd, 0).eax, 3);
    /* xsave: AVX with it; 0xd empty. */
    fake_cpu_configure(VIREO_PARAVIRT_MINIMAL, (const char *const[]){"xsave", NULL}, 0);
    CHECK_EQ_U64(q(1, 0).ecx, (L1_ECX & ~(AVX_L1ECX | 1u << 26)) | HV);
    CHECK(zero(q(0xd, 0)) && zero(q(0xd, 1)));
    /* apic: the APIC and what the model brings through it. */
    fake_cpu_configure(VIREO_PARAVIRT_MINIMAL, (const char *const[]){"apic", NULL}, 0);
    CHECK_EQ_U64(q(1, 0).ecx, (L1_ECX & ~(1u << 21 | 1u << 24)) | HV);
    CHECK_EQ_U64(q(1, 0).edx, L1_EDX & ~(1u << 9));
    CHECK_EQ_U64(q(0x80000001u, 0).edx & (1u << 9), 0); /* the alias too */
    CHECK(zero(q(6, 0)));
    /* Several, in both words of the set, each alone in its register. */
    fake_cpu_configure(VIREO_PARAVIRT_MINIMAL,
                       (const char *const[]){"x2apic", "pcid", "invtsc", "clzero", "smap", "rdtscp",
                                             "topoext", "xsaveopt", NULL},
                       0);
    CHECK_EQ_U64(q(1, 0).ecx, (L1_ECX & ~(1u << 21 | 1u << 17)) | HV);
    CHECK_EQ_U64(q(7, 0).ebx, L7_EBX & ~(1u << 20));
    CHECK(zero(q(0x80000007u, 0)));
    CHECK_EQ_U64(q(0x80000008u, 0).ebx, E8_EBX & ~1u);
    CHECK_EQ_U64(q(0x80000001u, 0).edx, (E1_EDX | (L1_EDX & ALIASES)) & ~(1u << 27));
    CHECK_EQ_U64(q(0x80000001u, 0).ecx, E1_ECX);
    CHECK(zero(q(0x8000001du, 0)) && zero(q(0x8000001eu, 0)));
    CHECK_EQ_U64(q(0xd, 1).eax, 6);
    CHECK(!cpuid_has(VIREO_CPUID_F_PCID) && cpuid_has(VIREO_CPUID_F_FSGSBASE));
    /* FIXED features cannot be removed (init refuses them too). */
    fake_cpu_configure(VIREO_PARAVIRT_MINIMAL, (const char *const[]){"lm", "sse2", "pae", NULL}, 0);
    CHECK(cpuid_has(VIREO_CPUID_F_LM) && cpuid_has(VIREO_CPUID_F_SSE2) &&
          cpuid_has(VIREO_CPUID_F_PAE));
    /* Every optional feature removed alone: its bit, and nothing of the
     * features that do not need it, goes. On this AMD host all are
     * offered but RDTSCP and RDPID. */
    fake_cpu_configure(VIREO_PARAVIRT_MINIMAL, NULL, 0);
    bool base[VIREO_CPUID_FEATURE_COUNT];
    for (u32 g = 0; g < VIREO_CPUID_FEATURE_COUNT; g++) {
        base[g] = cpuid_has(g);
        CHECK_EQ_U64(base[g], g != VIREO_CPUID_F_RDTSCP && g != VIREO_CPUID_F_RDPID);
    }
    for (u32 f = 0; f < VIREO_CPUID_FEATURE_COUNT; f++) {
        const struct vireo_cpuid_feature_info *i = vireo_cpuid_feature(f);
        if (i->kind != VIREO_CPUID_KIND_OPT)
            continue;
        fake_cpu_configure(VIREO_PARAVIRT_MINIMAL, (const char *const[]){i->name, NULL}, 0);
        CHECK(!cpuid_has(f));
        struct cpuid_result r = q(i->leaf, i->subleaf);
        u32 reg = i->reg == VIREO_CPUID_EAX   ? r.eax
                  : i->reg == VIREO_CPUID_EBX ? r.ebx
                  : i->reg == VIREO_CPUID_ECX ? r.ecx
                                              : r.edx;
        CHECK(!((reg >> i->bit) & 1));
        for (u32 g = 0; g < VIREO_CPUID_FEATURE_COUNT; g++) {
            const struct vireo_cpuid_feature_info *j = vireo_cpuid_feature(g);
            bool needs = g == f || j->requires == f ||
                         (j->requires != VIREO_CPUID_F_NONE &&
                          vireo_cpuid_feature(j->requires)->requires == f);
            CHECK_EQ_U64(cpuid_has(g), base[g] && !needs);
        }
    }
}

static void test_host_limits(void)
{
    /* What the host lacks is not offered (HOST features); what the VMM
     * emulates is (x2APIC, TSC deadline, ARAT, TSC_ADJUST, MTRRs). */
    fake_xcr0_mask = 7;
    fake_cpu_intel(40);
    fake_cpu_set(1, 0, 0x50654, 0, 0, 0x1 | 0x10 | 0x20 | 0x40); /* FPU TSC MSR PAE only */
    fake_cpu_set(6, 0, 0, 0, 0, 0);
    fake_cpu_set(7, 0, 0, 0, 0, 0);
    fake_cpu_configure(VIREO_PARAVIRT_NONE, NULL, 0);
    CHECK_EQ_U64(q(1, 0).ecx, 1u << 21 | 1u << 24);
    CHECK_EQ_U64(q(1, 0).edx, 0x71u | 1u << 9 | 1u << 12);
    CHECK_EQ_U64(q(6, 0).eax, 1u << 2);
    CHECK_EQ_U64(q(7, 0).ebx, 1u << 1);
    /* A host with fewer leaves: its own limits; what it lacks reads 0
     * (not its out-of-range answer). */
    fake_cpu_set(0, 0, 0x7, 0x756e6547, 0x6c65746e, 0x49656e69);
    fake_cpu_set(0x80000000u, 0, 0x80000004u, 0, 0, 0);
    fake_cpu_configure(VIREO_PARAVIRT_MINIMAL, NULL, 0);
    CHECK_EQ_U64(q(0, 0).eax, 0xd);
    CHECK_EQ_U64(q(0x80000000u, 0).eax, 0x80000004u);
    CHECK(zero(q(0xd, 0))); /* the host's 0xd is beyond its range */
    CHECK(same(q(0x80000008u, 0), q(0xd, 0)));
    CHECK_EQ_U64(cpuid_phys_bits(), 36);
    /* Leaf 1 EBX: the APIC ID from the policy. */
    fake_cpu_intel(40);
    fake_cpu_configure(VIREO_PARAVIRT_MINIMAL, NULL, 5);
    CHECK_EQ_U64(q(1, 0).ebx >> 24, 5);
    CHECK_EQ_U64(q(0xb, 0).edx, 5);
    CHECK_EQ_U64(q(0xb, 7).edx, 5);
    fake_cpu_amd(40);
    fake_cpu_configure(VIREO_PARAVIRT_MINIMAL, NULL, 5);
    CHECK_EQ_U64(q(0x8000001eu, 0).eax, 5);
}

static void test_stability(void)
{
    /* Every leaf and subleaf gives one answer; leaves without subleaves
     * ignore ECX. */
    fake_cpu_amd(43);
    fake_cpu_configure(VIREO_PARAVIRT_MINIMAL, NULL, 0);
    static const u32 plain[] = {0, 1,   2,           3,           5,           6,
                                8, 0xa, 0x80000000u, 0x80000001u, 0x80000007u, 0x80000008u};
    for (u32 i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
        struct cpuid_result ref = q(plain[i], 0);
        for (u32 sub = 1; sub < 40; sub += 3)
            CHECK(same(q(plain[i], sub), ref));
        CHECK(same(q(plain[i], 0xffffffffu), ref));
    }
    /* Nothing leaks from the all-ones host outside the policy: the
     * reserved bits of leaf 1 (ECX 16, EDX 10 and 20). */
    CHECK_EQ_U64(q(1, 0).ecx & (1u << 16), 0);
    CHECK_EQ_U64(q(1, 0).edx & (1u << 10 | 1u << 20), 0);
}

static void test_exit(void)
{
    fake_cpu_intel(40);
    fake_xcr0_mask = 7;
    fake_cpu_configure(VIREO_PARAVIRT_MINIMAL, NULL, 0);
    fake_lapic_reset();
    struct vireo_vcpu_state s;
    static struct lapic apic;
    fake_state(&s, MODE_LONG64);
    s.rip = 0x1000;
    s.insn_len = 2;
    struct exit_ctx x = {.vm = &fake_vm, .s = &s, .lapic = &apic};
    /* EAX, ECX in; EAX-EDX out zero-extended; RIP past it. */
    s.rax = 0xffffffff00000001ull;
    s.rcx = 0xffffffff00000000ull;
    s.rbx = s.rdx = ~0ull;
    cpuid_exit(&x);
    CHECK_EQ_U64(s.rax, 0x00050654u);
    CHECK_EQ_U64(s.rcx, L1_ECX | HV);
    CHECK_EQ_U64(s.rdx, L1_EDX);
    CHECK_EQ_U64(s.rbx, 0x00010817u);
    CHECK_EQ_U64(s.rip, 0x1002);
    CHECK_EQ_U64(x.changed, FINISH_MTD | VIREO_MTD(GPR_ACDB));
    /* CR4 from the message when it has it, else the last one noted. */
    s.cr4 = CR4_PAE | CR4_OSXSAVE;
    s.rax = 1;
    cpuid_exit(&x);
    CHECK(s.rcx & OSXSAVE);
    s.mtd &= ~VIREO_MTD(CR0_CR4);
    s.rax = 1;
    cpuid_note_cr4(CR4_PAE);
    cpuid_exit(&x);
    CHECK(!(s.rcx & OSXSAVE));
    cpuid_note_cr4(CR4_PAE | CR4_OSXSAVE);
    s.rax = 1;
    cpuid_exit(&x);
    CHECK(s.rcx & OSXSAVE);
    /* XCR0 likewise for leaf 0xd. */
    s.xcr0 = 7;
    s.rax = 0xd;
    s.rcx = 0;
    cpuid_exit(&x);
    CHECK_EQ_U64(s.rbx, 832);
    s.mtd &= ~VIREO_MTD(XCR0);
    cpuid_note_xcr0(3);
    s.rax = 0xd;
    s.rcx = 0;
    cpuid_exit(&x);
    CHECK_EQ_U64(s.rbx, 576);
    /* The APIC bit follows IA32_APIC_BASE.EN. */
    fake_lapic.base = 0xfee00000ull | APIC_BASE_BSP;
    s.rax = 1;
    cpuid_exit(&x);
    CHECK_EQ_U64(s.rdx, L1_EDX & ~(1u << 9));
    /* No instruction (decoding failed): nothing but the decoder's #UD. */
    s.insn_len = 0;
    fake_decode_ok = false;
    s.rax = 1;
    s.inj_info = 0;
    x.changed = 0;
    struct vireo_vcpu_state before = s;
    cpuid_exit(&x);
    CHECK_EQ_U64(s.rax, 1);
    CHECK_EQ_U64(x.changed, fake_injected(&before, EXC_UD, false, NULL));
}

int main(void)
{
    fake_reset(1u << 16);
    test_flags(false);
    test_flags(true);
    test_providers();
    test_xsave();
    test_disable();
    test_host_limits();
    test_stability();
    test_exit();
    return check_report("vmm_cpuid");
}
