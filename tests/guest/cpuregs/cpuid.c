/* CPUID: leaves out of range as the vendor answers them, one logical
 * processor in every topology leaf, XSAVE sizes that follow XCR0 and
 * OSXSAVE that follows CR4, address sizes, the hypervisor leaves as the
 * VM's provider says and, under Vireo, no flag outside its policy
 * (abi/vireo/x86/cpuid.h). Every CPUID exits to a hypervisor: under Vireo
 * every answer is Vireo's (deviations are TRAPPED). */
#include "probes.h"
#include "tests.h"
#include <string.h>
#include <vireo/x86/cpuid.h>

#define HV_LEAF  0x40000000u
#define EXT_LEAF 0x80000000u

static bool zero(struct cpuid_regs r)
{
    return !r.eax && !r.ebx && !r.ecx && !r.edx;
}

static bool same(struct cpuid_regs a, struct cpuid_regs b)
{
    return a.eax == b.eax && a.ebx == b.ebx && a.ecx == b.ecx && a.edx == b.edx;
}

/* Twelve characters from three registers, in that order. */
static void text_of(char out[13], uint32_t a, uint32_t b, uint32_t c)
{
    const uint32_t r[3] = {a, b, c};
    memcpy(out, r, 12);
    out[12] = 0;
}

static uint32_t reg_of(struct cpuid_regs r, unsigned reg)
{
    return reg == EAX ? r.eax : reg == EBX ? r.ebx : reg == ECX ? r.ecx : r.edx;
}

/* Intel answers a leaf beyond its ranges with the highest basic leaf
 * (same subleaf), AMD with zeros (SDM vol. 2 / APM vol. 3, CPUID). */
static void out_of_range(void)
{
    uint32_t max = cpuid(0, 0).eax, ext = cpuid(EXT_LEAF, 0).eax;
    bool amd = cpu_amd();
    /* The hypervisor range is the provider's under Vireo (and its
     * "minimal" one ends at 0x40000000): past 0x400000ff it is not. */
    bool provider = (cpuid(1, 0).ecx >> 31) & 1;
    const uint32_t leaves[] = {
        max + 1,     0x20000000u, 0x3fffffffu, provider ? 0x40000100u : HV_LEAF,
        0x4fffffffu, 0x7fffffffu, ext + 1,     0x8fffffffu,
        0xffffffffu};
    unsigned bad = 0;
    uint32_t first = 0;
    for (unsigned i = 0; i < sizeof(leaves) / sizeof(leaves[0]); i++) {
        for (uint32_t sub = 0; sub < 3; sub++) {
            struct cpuid_regs r = cpuid(leaves[i], sub);
            bool ok = amd ? zero(r) : same(r, cpuid(max, sub));
            if (!ok && !bad++)
                first = leaves[i];
        }
    }
    verdict(!bad,
            amd ? "CPUID: leaves out of range read 0 (AMD)"
                : "CPUID: leaves out of range read as the highest basic leaf (Intel)",
            RT_PLATFORM_QEMU_TCG | TRAPPED, "%u wrong, the first leaf %#x", bad, first);
}

/* One logical processor in one core in one package, wherever CPUID
 * describes it; the APIC ID the same everywhere. */
static void topology(void)
{
    struct cpuid_regs l1 = cpuid(1, 0);
    uint32_t max = cpuid(0, 0).eax, apic_id = l1.ebx >> 24;
    rt_printf("cpuregs: initial APIC ID %u, %u logical processors (HTT %u)\n", apic_id,
              (l1.ebx >> 16) & 0xff, (l1.edx >> 28) & 1);
    verdict(!((l1.edx >> 28) & 1) || ((l1.ebx >> 16) & 0xff) == 1,
            "CPUID 1: with HTT set, one logical processor", RT_PLATFORM_QEMU_TCG | TRAPPED,
            "EBX %#x", l1.ebx);
    if (cpu_has(1, EDX, 9) &&
        (rdmsr(MSR_APIC_BASE) & (APIC_BASE_ENABLE | APIC_BASE_X2APIC)) == APIC_BASE_ENABLE) {
        uint32_t id = *(volatile uint32_t *)(uintptr_t)0xfee00020u >> 24;
        verdict(id == apic_id, "CPUID 1: the initial APIC ID is the local APIC's ID",
                RT_PLATFORM_QEMU_TCG | TRAPPED, "CPUID %u, APIC %u", apic_id, id);
    }
    /* Leaf 0xb is reserved (0) on AMD CPUs before Zen 2. */
    if (max >= 0xb && !(cpu_amd() && zero(cpuid(0xb, 0)))) {
        unsigned bad = 0, levels = 0;
        for (uint32_t sub = 0; sub < 8; sub++) {
            struct cpuid_regs t = cpuid(0xb, sub);
            uint32_t type = (t.ecx >> 8) & 0xff;
            bool valid = type != 0;
            levels += valid;
            /* every level: one processor, the x2APIC ID; ECX[7:0] the subleaf */
            bad += (valid && (t.ebx & 0xffff) != 1) || (t.edx & 0xff) != apic_id ||
                   (t.ecx & 0xff) != sub || (!valid && (t.eax || t.ebx));
        }
        struct cpuid_regs b0 = cpuid(0xb, 0), b1 = cpuid(0xb, 1);
        verdict(!bad && levels >= 1,
                "CPUID 0xb: one logical processor at every level, x2APIC ID = APIC ID",
                RT_PLATFORM_BOCHS | TRAPPED,
                "%u wrong subleaves, %u levels: %08x %08x %08x %08x / %08x %08x %08x %08x", bad,
                levels, b0.eax, b0.ebx, b0.ecx, b0.edx, b1.eax, b1.ebx, b1.ecx, b1.edx);
    }
    if (!cpu_amd() && max >= 4) {
        unsigned bad = 0;
        for (uint32_t sub = 0; sub < 8 && (cpuid(4, sub).eax & 0x1f); sub++)
            bad += (cpuid(4, sub).eax >> 14) != 0; /* sharing and cores fields */
        verdict(!bad, "CPUID 4: each cache for one thread, one core in the package",
                RT_PLATFORM_BOCHS | TRAPPED, "%u caches say otherwise (L1d EAX %#x)", bad,
                cpuid(4, 0).eax);
    }
    if (cpu_amd() && cpuid(EXT_LEAF, 0).eax >= 0x80000008u)
        verdict((cpuid(0x80000008u, 0).ecx & 0xff) == 0, "CPUID 0x80000008: one core (NC = 0)",
                RT_PLATFORM_QEMU_TCG | TRAPPED, "ECX %#x", cpuid(0x80000008u, 0).ecx);
    if (cpu_has(0x80000001u, ECX, 22) && cpuid(EXT_LEAF, 0).eax >= 0x8000001eu) {
        struct cpuid_regs e = cpuid(0x8000001eu, 0);
        verdict(e.eax == apic_id && ((e.ebx >> 8) & 0xff) == 0 && ((e.ecx >> 8) & 7) == 0,
                "CPUID 0x8000001e: the APIC ID, one thread per core, one node",
                RT_PLATFORM_QEMU_TCG | TRAPPED, "%#x %#x %#x", e.eax, e.ebx, e.ecx);
    }
}

/* Leaf 0xd.1 EBX for XCR0 = x (XSS 0): the compacted format's size, each
 * component after the last, 64-byte aligned where its ECX bit 1 says. */
static uint32_t xsave_compacted_size(uint64_t x)
{
    uint32_t size = 576;
    for (unsigned i = 2; i < 63; i++) {
        if (!((x >> i) & 1))
            continue;
        struct cpuid_regs c = cpuid(0xd, i);
        if (c.ecx & 2)
            size = (size + 63) & ~63u;
        size += c.eax;
    }
    return size;
}

/* Leaf 0xd.0 EBX for XCR0 = x: the end of the last component in it. */
static uint32_t xsave_size(uint64_t x)
{
    uint32_t size = 576; /* legacy area and header */
    for (unsigned i = 2; i < 63; i++) {
        if (!((x >> i) & 1))
            continue;
        struct cpuid_regs c = cpuid(0xd, i);
        if (c.ebx + c.eax > size)
            size = c.ebx + c.eax;
    }
    return size;
}

static uint64_t xgetbv0(void)
{
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return (uint64_t)hi << 32 | lo;
}

static void xsave(void)
{
    uint64_t cr4 = read_cr4();
    if (!cpu_has(1, ECX, 26)) {
        rt_expect(p_write_cr4_resume);
        p_write_cr4(cr4 | CR4_OSXSAVE);
        struct rt_trap t = rt_expect_end();
        if (read_cr4() != cr4)
            write_cr4(cr4);
        expect_fault("no XSAVE: MOV CR4 setting OSXSAVE raises #GP(0)", t, VEC_GP, p_write_cr4_at,
                     NOWHERE);
        if (under_vireo())
            verdict(zero(cpuid(0xd, 0)) && zero(cpuid(0xd, 1)), "no XSAVE: CPUID 0xd reads 0",
                    NOWHERE, NULL);
        return;
    }
    verdict(!(cpuid(1, 0).ecx & (1u << 27)) == !(cr4 & CR4_OSXSAVE),
            "CPUID 1: OSXSAVE is CR4.OSXSAVE", RT_PLATFORM_QEMU_TCG | TRAPPED, "CR4 %#lx", cr4);
    write_cr4(cr4 | CR4_OSXSAVE);
    verdict(cpuid(1, 0).ecx & (1u << 27), "CPUID 1: OSXSAVE set with CR4.OSXSAVE",
            RT_PLATFORM_QEMU_TCG | TRAPPED, NULL);
    struct cpuid_regs d = cpuid(0xd, 0);
    uint64_t mask = d.eax | (uint64_t)d.edx << 32, orig = xgetbv0();
    rt_printf("cpuregs: XCR0 %#lx, offered %#lx, sizes %u / %u\n", orig, mask, d.ebx, d.ecx);
    verdict((mask & 3) == 3 && (orig & 1) && !(orig & ~mask),
            "CPUID 0xd: x87 and SSE offered, XCR0 within the offer", NOWHERE, "mask %#lx XCR0 %#lx",
            mask, orig);
    verdict(d.ecx == xsave_size(mask), "CPUID 0xd: ECX is the size for every component offered",
            RT_PLATFORM_BOCHS | TRAPPED, "%u, the components end at %u", d.ecx, xsave_size(mask));
    /* x87, x87|SSE, and with AVX: EBX follows XCR0. */
    const uint64_t sets[] = {1, 3, 7};
    for (unsigned i = 0; i < 3; i++) {
        if (sets[i] & ~mask)
            continue;
        rt_expect(p_xsetbv_resume);
        p_xsetbv(0, sets[i]);
        struct rt_trap t = rt_expect_end();
        if (!expect_fault("XSETBV of a valid XCR0", t, NO_FAULT, NULL, NOWHERE))
            continue;
        uint32_t ebx = cpuid(0xd, 0).ebx;
        verdict(xgetbv0() == sets[i] && ebx == xsave_size(sets[i]),
                "CPUID 0xd: EBX is the size for the XCR0 just set", RT_PLATFORM_QEMU_TCG | TRAPPED,
                "XCR0 %#lx: EBX %u, want %u", xgetbv0(), ebx, xsave_size(sets[i]));
        /* with XSAVEC, 0xd.1 EBX is what it writes (Linux sizes its
         * buffers by it) */
        struct cpuid_regs d1 = cpuid(0xd, 1);
        if (under_vireo() && (d1.eax & 2))
            verdict(d1.ebx == xsave_compacted_size(sets[i]),
                    "under Vireo: CPUID 0xd.1 EBX is the compacted size for the XCR0 just set",
                    NOWHERE, "XCR0 %#lx: EBX %u, want %u", xgetbv0(), d1.ebx,
                    xsave_compacted_size(sets[i]));
    }
    /* Invalid values: x87 clear, AVX without SSE, a bit not offered. */
    const uint64_t bad[] = {2, 5, 1ull << 63, mask | (1ull << 62)};
    for (unsigned i = 0; i < 4; i++) {
        if (bad[i] == 5 && !(mask & 4))
            continue;
        uint64_t before = xgetbv0();
        rt_expect(p_xsetbv_resume);
        p_xsetbv(0, bad[i]);
        struct rt_trap t = rt_expect_end();
        expect_fault("XSETBV of an invalid XCR0 raises #GP(0)", t, VEC_GP, p_xsetbv_at, NOWHERE);
        verdict(xgetbv0() == before, "  ... and XCR0 is unchanged", NOWHERE, "%#lx", xgetbv0());
    }
    rt_expect(p_xsetbv_resume);
    p_xsetbv(1, 1);
    expect_fault("XSETBV of XCR 1 raises #GP(0)", rt_expect_end(), VEC_GP, p_xsetbv_at, NOWHERE);
    p_xsetbv(0, orig);
    write_cr4(cr4);
    verdict(!(cpuid(1, 0).ecx & (1u << 27)), "CPUID 1: OSXSAVE clear again with CR4.OSXSAVE",
            RT_PLATFORM_QEMU_TCG | TRAPPED, NULL);
    /* XSETBV with CR4.OSXSAVE clear: #UD. */
    rt_expect(p_xsetbv_resume);
    p_xsetbv(0, 1);
    expect_fault("XSETBV with CR4.OSXSAVE clear raises #UD", rt_expect_end(), VEC_UD, p_xsetbv_at,
                 NOWHERE);
}

static void address_sizes(void)
{
    if (cpuid(EXT_LEAF, 0).eax < 0x80000008u)
        return;
    uint32_t a = cpuid(0x80000008u, 0).eax, phys = a & 0xff, linear = (a >> 8) & 0xff;
    bool la57 = cpu_has(7, ECX, 16);
    rt_printf("cpuregs: %u physical, %u linear address bits%s\n", phys, linear,
              la57 ? ", LA57" : "");
    verdict(phys >= 32 && phys <= 52 && linear == (la57 ? 57u : 48u),
            "CPUID 0x80000008: physical width 32..52, linear 48 (57 with LA57)", NOWHERE, "%u, %u",
            phys, linear);
    if (under_vireo())
        verdict(phys <= 48 && linear == 48 && !la57,
                "under Vireo: at most 48 physical bits (what EPT maps), no LA57", NOWHERE, "%u, %u",
                phys, linear);
}

/* The provider: "minimal" under Vireo unless the command line says. */
static void hypervisor(void)
{
    const char *expect = rt_cmdline_has("paravirt=none")      ? "none"
                         : rt_cmdline_has("paravirt=kvm")     ? "kvm"
                         : rt_cmdline_has("paravirt=minimal") ? "minimal"
                         : under_vireo()                      ? "minimal"
                                                              : NULL;
    bool bit = (cpuid(1, 0).ecx >> 31) & 1;
    struct cpuid_regs h = cpuid(HV_LEAF, 0);
    char sig[13];
    text_of(sig, h.ebx, h.ecx, h.edx);
    rt_printf("cpuregs: hypervisor bit %u, leaf 0x40000000: %#x \"%s\"\n", bit, h.eax, sig);
    if (!expect)
        return;
    if (!strcmp(expect, "none")) {
        verdict(!bit, "paravirt none: no hypervisor bit", NOWHERE, NULL);
        return; /* the range reads as out of range: out_of_range() */
    }
    bool kvm = !strcmp(expect, "kvm");
    verdict(bit, "a provider: the hypervisor bit", NOWHERE, NULL);
    if (kvm)
        verdict(!memcmp(sig, "KVMKVMKVM\0\0\0", 12) && h.eax >= HV_LEAF + 1,
                "paravirt kvm: leaf 0x40000000 \"KVMKVMKVM\", max 0x40000001 or more", NOWHERE,
                "\"%s\" max %#x", sig, h.eax);
    else
        verdict(!strcmp(sig, "Vireo VMM") && h.eax == HV_LEAF,
                "paravirt minimal: leaf 0x40000000 \"Vireo VMM\", no other leaf", NOWHERE,
                "\"%s\" max %#x", sig, h.eax);
    unsigned nonzero = 0;
    for (uint32_t leaf = HV_LEAF + 1; leaf <= HV_LEAF + 0xff; leaf++)
        nonzero += !zero(cpuid(leaf, 0));
    verdict(!nonzero, "the provider's other leaves up to 0x400000ff read 0 (no feature yet)",
            NOWHERE, "%u leaves not 0", nonzero);
}

/* Under Vireo: flags outside the policy's table, reserved bits and
 * reserved or unemulated leaves all read 0. */
static void policy(void)
{
    if (!under_vireo())
        return;
    struct {
        uint32_t leaf, sub;
        uint32_t allowed[4];
    } flag_leaves[] = {
        {1, 0, {~0u, ~0u, (1u << 27) | (1u << 31), 0}}, /* EAX, EBX: not flags */
        {6, 0, {0, 0, 0, 0}},
        {7, 0, {0, 0, 0, 0}},
        {0xd, 1, {0, ~0u, 0, 0}}, /* EBX: a size */
        {0x80000001u, 0, {~0u, ~0u, 0, cpu_amd() ? 0x0183f3ffu : 0}},
        {0x80000007u, 0, {0, 0, 0, 0}},
        {0x80000008u, 0, {~0u, 0, 0, 0}},
    };
    for (uint32_t f = 0; f < VIREO_CPUID_FEATURE_COUNT; f++) {
        const struct vireo_cpuid_feature_info *i = vireo_cpuid_feature(f);
        for (unsigned k = 0; k < sizeof(flag_leaves) / sizeof(flag_leaves[0]); k++) {
            if (flag_leaves[k].leaf == i->leaf && flag_leaves[k].sub == i->subleaf)
                flag_leaves[k].allowed[i->reg] |= 1u << i->bit;
        }
    }
    for (unsigned k = 0; k < sizeof(flag_leaves) / sizeof(flag_leaves[0]); k++) {
        struct cpuid_regs r = cpuid(flag_leaves[k].leaf, flag_leaves[k].sub);
        for (unsigned reg = 0; reg < 4; reg++) {
            uint32_t extra = reg_of(r, reg) & ~flag_leaves[k].allowed[reg];
            verdict(!extra, "under Vireo: no CPUID flag outside the policy", NOWHERE,
                    "leaf %#x.%u register %u: %#x", flag_leaves[k].leaf, flag_leaves[k].sub, reg,
                    extra);
        }
    }
    verdict(!(cpuid(1, 0).edx & (1u << 28)) && ((cpuid(1, 0).ebx >> 16) & 0xff) == 1,
            "under Vireo: leaf 1 says one logical processor, HTT clear", NOWHERE, NULL);
    const uint32_t none[] = {3, 5, 8, 9, 0xa, 0xc};
    for (unsigned i = 0; i < sizeof(none) / sizeof(none[0]); i++)
        verdict(zero(cpuid(none[i], 0)), "under Vireo: reserved and unemulated leaves read 0",
                NOWHERE, "leaf %#x", none[i]);
    verdict(cpuid(7, 0).eax == 0 && zero(cpuid(7, 1)), "under Vireo: leaf 7 has subleaf 0 only",
            NOWHERE, NULL);
    verdict(cpuid(0, 0).eax == 0xd, "under Vireo: basic leaves up to 0xd", NOWHERE, "%#x",
            cpuid(0, 0).eax);
}

void test_cpuid(void)
{
    struct cpuid_regs l0 = cpuid(0, 0);
    char vendor[13];
    text_of(vendor, l0.ebx, l0.edx, l0.ecx);
    rt_printf("cpuregs: \"%s\", basic leaves to %#x, extended to %#x\n", vendor, l0.eax,
              cpuid(EXT_LEAF, 0).eax);
    out_of_range();
    topology();
    xsave();
    address_sizes();
    hypervisor();
    policy();
}
