/*
 * cpuid: CPUID in long mode, over every basic and extended leaf, checked for
 * self-consistency (the answers a VMM synthesises must be as stable and
 * coherent as the hardware's), then timed with RDTSC.
 */
#include <guest/cpu.h>
#include <guest/rt.h>
#include <string.h>

const char guest_name[] = "cpuid";

#define REPEATS        64   /* calls per leaf in the stability loop */
#define TIMED_CALLS    2000 /* CPUIDs in the timing loop */
#define MAX_SANE_BASIC 0x100
#define BASIC_LIMIT    0x40 /* leaves walked at most, whatever max says */
#define EXT_LIMIT      0x40

static bool same(struct cpuid_regs a, struct cpuid_regs b)
{
    return a.eax == b.eax && a.ebx == b.ebx && a.ecx == b.ecx && a.edx == b.edx;
}

static void vendor_of(struct cpuid_regs r, char out[13])
{
    memcpy(out, &r.ebx, 4);
    memcpy(out + 4, &r.edx, 4);
    memcpy(out + 8, &r.ecx, 4);
    out[12] = 0;
}

/* Every leaf in [first, last] (subleaves 0-3 for the leaves that have
 * them) gives the same answer REPEATS times running; returns mismatches. */
static unsigned walk(uint32_t first, uint32_t last, unsigned *calls)
{
    unsigned bad = 0;
    for (uint32_t leaf = first; leaf <= last; leaf++) {
        for (uint32_t sub = 0; sub < 4; sub++) {
            struct cpuid_regs ref = cpuid(leaf, sub);
            for (unsigned i = 0; i < REPEATS; i++) {
                struct cpuid_regs r = cpuid(leaf, sub);
                (*calls)++;
                if (!same(r, ref) && bad++ < 4)
                    rt_printf("cpuid: leaf %#x.%u changed: %08x %08x %08x %08x, then %08x "
                              "%08x %08x %08x\n",
                              leaf, sub, ref.eax, ref.ebx, ref.ecx, ref.edx, r.eax, r.ebx, r.ecx,
                              r.edx);
            }
        }
    }
    return bad;
}

static void check_basic(uint32_t *max_basic, char vendor[13])
{
    struct cpuid_regs l0 = cpuid(0, 0);
    *max_basic = l0.eax;
    vendor_of(l0, vendor);
    rt_printf("cpuid: max basic leaf %#x, vendor \"%s\"\n", l0.eax, vendor);
    rt_check(l0.eax >= 1 && l0.eax <= MAX_SANE_BASIC, "leaf 0: max basic leaf in 1..0x100", "%#x",
             l0.eax);
    bool printable = true;
    for (int i = 0; i < 12; i++)
        printable &= vendor[i] >= 0x20 && vendor[i] < 0x7f;
    rt_check(printable, "leaf 0: vendor string is 12 printable characters", "\"%s\"", vendor);
    /* Leaf 0 has no subleaves: ECX must not matter. */
    rt_check(same(cpuid(0, 0x1234), l0), "leaf 0: answer independent of ECX", NULL);

    struct cpuid_regs l1 = cpuid(1, 0);
    unsigned family = (l1.eax >> 8) & 0xf, model = (l1.eax >> 4) & 0xf;
    if (family == 0xf)
        family += (l1.eax >> 20) & 0xff;
    if (family == 0x6 || family >= 0xf)
        model |= ((l1.eax >> 16) & 0xf) << 4;
    rt_printf("cpuid: leaf 1: family %#x model %#x stepping %u, ecx %08x edx %08x\n", family, model,
              l1.eax & 0xf, l1.ecx, l1.edx);
    /* What the runtime already relies on: TSC, MSRs, PAE. */
    rt_check((l1.edx & 0x70) == 0x70, "leaf 1: TSC, MSR and PAE reported", "edx %08x", l1.edx);
    bool hv = l1.ecx >> 31;
    rt_printf("cpuid: hypervisor bit %s\n", hv ? "set" : "clear");
    if (hv) {
        struct cpuid_regs h = cpuid(0x40000000, 0);
        char sig[13]; /* hypervisor leaves: EBX, ECX, EDX */
        memcpy(sig, &h.ebx, 4);
        memcpy(sig + 4, &h.ecx, 4);
        memcpy(sig + 8, &h.edx, 4);
        sig[12] = 0;
        rt_printf("cpuid: leaf 0x40000000: max %#x, signature \"%s\"\n", h.eax, sig);
    }
}

static void check_extended(const char vendor[13])
{
    struct cpuid_regs e0 = cpuid(0x80000000, 0);
    rt_printf("cpuid: max extended leaf %#x\n", e0.eax);
    if (!rt_check(e0.eax >= 0x80000001 && e0.eax <= 0x8000ffff,
                  "leaf 0x80000000: max extended leaf in 0x80000001..0x8000ffff", "%#x", e0.eax))
        return;
    /* AMD repeats the vendor here, Intel leaves zeros: nothing else. */
    char ext_vendor[13];
    vendor_of(e0, ext_vendor);
    rt_check((!e0.ebx && !e0.ecx && !e0.edx) || !strcmp(ext_vendor, vendor),
             "leaf 0x80000000: vendor registers zero or equal to leaf 0's", "\"%s\" vs \"%s\"",
             ext_vendor, vendor);
    struct cpuid_regs e1 = cpuid(0x80000001, 0);
    rt_check(e1.edx >> 29 & 1, "leaf 0x80000001: long mode reported (we run in it)", "edx %08x",
             e1.edx);
    if (e0.eax >= 0x80000004) {
        char brand[49];
        for (unsigned i = 0; i < 3; i++) {
            struct cpuid_regs r = cpuid(0x80000002 + i, 0);
            memcpy(brand + 16 * i, &r, 16);
        }
        brand[48] = 0;
        bool ok = true;
        for (const char *p = brand; *p; p++)
            ok &= *p >= 0x20 && *p < 0x7f;
        rt_printf("cpuid: brand \"%s\"\n", brand);
        rt_check(ok, "leaves 0x80000002-4: brand string printable and terminated", NULL);
    }
    if (e0.eax >= 0x80000008) {
        struct cpuid_regs e8 = cpuid(0x80000008, 0);
        unsigned phys = e8.eax & 0xff, virt = (e8.eax >> 8) & 0xff;
        rt_printf("cpuid: address sizes: %u physical, %u linear\n", phys, virt);
        rt_check(phys >= 32 && phys <= 52 && virt >= 48 && virt <= 57,
                 "leaf 0x80000008: address sizes plausible", "%u physical, %u linear", phys, virt);
    }
}

static void time_cpuid(void)
{
    uint64_t t0 = rdtsc();
    for (unsigned i = 0; i < TIMED_CALLS; i++)
        cpuid(0, 0);
    uint64_t cycles = rdtsc() - t0;
    rt_note("%u CPUIDs: %lu TSC cycles, %lu cycles per CPUID", TIMED_CALLS, (unsigned long)cycles,
            (unsigned long)(cycles / TIMED_CALLS));
}

void guest_main(void)
{
    uint32_t max_basic;
    char vendor[13];
    check_basic(&max_basic, vendor);

    unsigned calls = 0, bad;
    uint32_t last = max_basic < BASIC_LIMIT ? max_basic : BASIC_LIMIT;
    bad = walk(0, last, &calls);
    rt_check(!bad, "basic leaves stable over repeated calls", "%u mismatches", bad);

    struct cpuid_regs l0 = cpuid(0, 0);
    char again[13];
    vendor_of(l0, again);
    rt_check(!strcmp(again, vendor) && l0.eax == max_basic,
             "leaf 0: vendor and max leaf unchanged after the walk", "\"%s\" %#x", again, l0.eax);

    check_extended(vendor);
    uint32_t max_ext = cpuid(0x80000000, 0).eax;
    if (max_ext >= 0x80000000 && max_ext <= 0x8000ffff) {
        uint32_t ext_last = max_ext < 0x80000000 + EXT_LIMIT ? max_ext : 0x80000000 + EXT_LIMIT;
        bad = walk(0x80000000, ext_last, &calls);
        rt_check(!bad, "extended leaves stable over repeated calls", "%u mismatches", bad);
    }
    uint32_t step = cpuid(1, 0).eax;
    rt_check(step == cpuid(1, 0).eax && step == cpuid(1, 0).eax,
             "leaf 1: family/model/stepping stable", "%#x", step);
    rt_note("%u CPUIDs in the stability walk", calls);
    time_cpuid();
}
