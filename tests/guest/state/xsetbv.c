/*
 * XSETBV and XGETBV as the architecture defines them (SDM vol. 2 XSETBV,
 * XGETBV; vol. 1 13.3): #UD with CR4.OSXSAVE clear; #GP(0) for ECX != 0,
 * x87 clear, AVX without SSE, a component CPUID 0xd does not offer, bit
 * 63, and at CPL 3; every valid value read back, the upper halves of RAX,
 * RCX and RDX ignored. Under Vireo every XSETBV exits to the VMM, and
 * XGETBV reads what the kernel loaded.
 */
#include "../exceptions/check.h"
#include "state.h"
#include <guest/cpu.h>
#include <guest/layout.h>
#include <guest/rt.h>
#include <guest/trap.h>
#include <vireo/format.h>

#define JUNK_HI 0xdead000000000000ull

static uint8_t user_stack[4096] __attribute__((aligned(16)));

static struct want fault(unsigned vector, const char *at)
{
    return (struct want){.vector = vector, .rip = at};
}

/* XSETBV that must #GP(0) and leave XCR0 as it was (deviant: a platform
 * whose bare CPU does not, check.h). */
static void xsetbv_gp(const char *what, uint32_t ecx, uint64_t value, int deviant)
{
    uint64_t before = xgetbv(0);
    rt_expect(probe_xsetbv_resume);
    probe_xsetbv(ecx, (uint32_t)value, value >> 32);
    struct rt_trap t = rt_expect_end();
    uint64_t after = xgetbv(0);
    if (after != before)
        xsetbv(0, before); /* a CPU that took it: go on from where we were */
    if (check_trap(what, t, fault(VEC_GP, probe_xsetbv_at), deviant))
        rt_check(after == before, "  and XCR0 is unchanged", "%#lx, was %#lx", after, before);
}

/* XSETBV that must load value (junk in the upper halves): XGETBV reads it. */
static void xsetbv_ok(const char *what, uint64_t value)
{
    rt_expect(probe_xsetbv_resume);
    probe_xsetbv(JUNK_HI, JUNK_HI | (uint32_t)value, JUNK_HI | (value >> 32));
    struct rt_trap t = rt_expect_end();
    if (check_no_trap(what, t, NOWHERE))
        rt_check(xgetbv(0) == value, "  and XGETBV reads it back", "%#lx, wrote %#lx", xgetbv(0),
                 value);
}

uint64_t test_xsetbv(void)
{
    uint64_t cr4 = read_cr4();
    write_cr4(cr4 & ~CR4_OSXSAVE);
    rt_expect(probe_xgetbv_resume);
    probe_xgetbv(0);
    check_trap("XGETBV with CR4.OSXSAVE clear: #UD", rt_expect_end(),
               fault(VEC_UD, probe_xgetbv_at), NOWHERE);
    rt_expect(probe_xsetbv_resume);
    probe_xsetbv(0, XCR0_X87, 0);
    check_trap("XSETBV with CR4.OSXSAVE clear: #UD", rt_expect_end(),
               fault(VEC_UD, probe_xsetbv_at), NOWHERE);

    struct cpuid_regs l1 = cpuid(1, 0);
    if (cpuid(0, 0).eax < 0xd || !(l1.ecx & CPUID_1_ECX_XSAVE)) {
        rt_check(!(l1.ecx & (CPUID_1_ECX_OSXSAVE | CPUID_1_ECX_AVX)),
                 "CPUID without XSAVE: no OSXSAVE, no AVX", "leaf 1 ecx %#x", l1.ecx);
        rt_note("CPUID offers no XSAVE: XCR0 stays x87, the FPU image is FXSAVE's");
        return 0;
    }
    struct cpuid_regs d = cpuid(0xd, 0);
    uint64_t offered = d.eax | (uint64_t)d.edx << 32;
    rt_note("CPUID 0xd.0: XCR0 may hold %#lx; area %u bytes now, %u at most", offered, d.ebx,
            d.ecx);
    rt_check((offered & (XCR0_X87 | XCR0_SSE)) == (XCR0_X87 | XCR0_SSE),
             "CPUID 0xd.0: x87 and SSE offered", "%#lx", offered);
    rt_check(!(l1.ecx & CPUID_1_ECX_AVX) == !(offered & XCR0_AVX),
             "CPUID: the AVX feature bit and AVX state go together", "leaf 1 ecx %#x, 0xd %#lx",
             l1.ecx, offered);

    write_cr4(cr4 | CR4_OSXSAVE);
    rt_check(cpuid(1, 0).ecx & CPUID_1_ECX_OSXSAVE, "CPUID.1:ECX.OSXSAVE follows CR4.OSXSAVE",
             "leaf 1 ecx %#x", cpuid(1, 0).ecx);
    rt_check(xgetbv(0) == XCR0_X87, "XCR0 is 1 (x87) after reset", "%#lx", xgetbv(0));

    xsetbv_gp("XSETBV of XCR1: #GP(0)", 1, XCR0_X87, NOWHERE);
    xsetbv_gp("XSETBV of 0 (x87 clear): #GP(0)", 0, 0, NOWHERE);
    xsetbv_gp("XSETBV of SSE|AVX (x87 clear): #GP(0)", 0, XCR0_SSE | XCR0_AVX, NOWHERE);
    xsetbv_gp("XSETBV of x87|AVX (AVX without SSE): #GP(0)", 0, XCR0_X87 | XCR0_AVX, NOWHERE);
    uint32_t bit = 3;
    while (bit < 63 && (offered & (1ull << bit)))
        bit++;
    char what[80];
    snformat(what, sizeof(what), "XSETBV of x87|SSE|bit %u (not offered): #GP(0)", bit);
    xsetbv_gp(what, 0, XCR0_X87 | XCR0_SSE | 1ull << bit, NOWHERE);
    xsetbv_gp("XSETBV of x87|SSE|bit 63 (reserved): #GP(0)", 0, XCR0_X87 | XCR0_SSE | 1ull << 63,
              NOWHERE);

    uint64_t full = offered & (XCR0_X87 | XCR0_SSE | XCR0_AVX);
    xsetbv_ok("XSETBV of x87|SSE", XCR0_X87 | XCR0_SSE);
    xsetbv_ok("XSETBV of every component CPUID 0xd offers", offered);
    xsetbv_ok("XSETBV of x87 alone", XCR0_X87);
    xsetbv_ok("XSETBV of x87|SSE and AVX where offered", full);

    rt_expect(user_xsetbv_resume);
    rt_user_call(user_xsetbv, full, user_stack + sizeof(user_stack), 0x2);
    check_trap("XSETBV at CPL 3: #GP(0)", rt_expect_end(),
               (struct want){.vector = VEC_GP, .rip = user_xsetbv_at, .cs = SEL_UCODE64}, NOWHERE);
    rt_check(xgetbv(0) == full, "  and XCR0 is unchanged", "%#lx", xgetbv(0));
    return full;
}
