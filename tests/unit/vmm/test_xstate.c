/* The guest XSAVE set and XSETBV (servers/vmm/xstate.c): the XCR0 rules
 * (SDM vol. 2 XSETBV, vol. 1 13.3) over every value of the low bits and
 * the reserved ones, the exit's #UD and #GP(0) cases with the state left
 * alone, a valid value loaded through the XCR0 item, and the host's mask
 * and sizes, which come from the build machine's CPUID: the expectations
 * are derived from it. */
#include "check.h"
#include "vmm_fakes.h"
#include "xstate.h"
#include <string.h>
#include <vireo/x86/xsave.h>
#include <x86/cpu.h>

#define ALL_THREE (XCR0_X87 | XCR0_SSE | XCR0_AVX)

static struct vireo_vcpu_state s, before;
static struct exit_ctx x;

/* The rules by the table of SDM vol. 2 XSETBV, value by value: bits 2:0. */
static void test_rules(void)
{
    static const bool ok_with_all[8] = {
        [0] = false, /* x87 clear */
        [1] = true,  /* x87 */
        [2] = false, /* SSE without x87 */
        [3] = true,  /* x87 SSE */
        [4] = false, /* AVX alone */
        [5] = false, /* AVX without SSE */
        [6] = false, /* x87 clear */
        [7] = true,  /* x87 SSE AVX */
    };
    for (u64 v = 0; v < 8; v++) {
        CHECK(xstate_xcr0_valid(v, ALL_THREE) == ok_with_all[v]);
        /* Without AVX offered, only 1 and 3; with x87 alone, only 1. */
        CHECK(xstate_xcr0_valid(v, XCR0_X87 | XCR0_SSE) == (v == 1 || v == 3));
        CHECK(xstate_xcr0_valid(v, XCR0_X87) == (v == 1));
        CHECK(!xstate_xcr0_valid(v, 0));
    }
    /* Every bit beyond those offered is refused, bit 63 too. */
    for (u32 bit = 3; bit < 64; bit++) {
        CHECK(!xstate_xcr0_valid(ALL_THREE | 1ull << bit, ALL_THREE));
        CHECK(xstate_xcr0_valid(ALL_THREE | 1ull << bit, ALL_THREE | 1ull << bit));
    }
}

static void state(enum fake_mode mode)
{
    fake_state(&s, mode);
    s.cr4 |= CR4_OSXSAVE;
    s.rip = 0x3000;
    s.insn_len = 3; /* 0f 01 d1 */
    s.xcr0 = XCR0_X87;
    x = (struct exit_ctx){.vm = &fake_vm, .s = &s, .changed = 0};
}

/* XSETBV with ECX = xcr and EDX:EAX = v; the upper halves of RAX, RCX and
 * RDX hold junk the instruction ignores. */
static void xsetbv_exit(u32 xcr, u64 v, u64 offered)
{
    s.rcx = 0x1234567800000000ull | xcr;
    s.rax = 0x5555555500000000ull | (u32)v;
    s.rdx = 0x6666666600000000ull | (v >> 32);
    s.inj_info = 0;
    before = s;
    x.changed = 0;
    xstate_xsetbv_exit(&x, offered);
}

/* The fault went in and nothing else changed. */
static void check_fault(u32 vector, bool has_error)
{
    CHECK_EQ_U64(s.inj_info, fake_exc_info(vector, has_error));
    CHECK_EQ_U64(s.inj_error, 0);
    CHECK_EQ_U64(x.changed, VIREO_MTD(INJECT));
    CHECK_EQ_U64(s.rip, before.rip);
    CHECK_EQ_U64(s.xcr0, before.xcr0);
    CHECK(memcmp(&s.rax, &before.rax, 4 * sizeof(u64)) == 0); /* rax rcx rdx rbx */
}

static void check_loaded(u64 v)
{
    CHECK_EQ_U64(s.inj_info, 0);
    CHECK_EQ_U64(s.xcr0, v);
    CHECK_EQ_U64(s.rip, before.rip + 3);
    CHECK_EQ_U64(x.changed, FINISH_MTD | VIREO_MTD(XCR0));
    CHECK_EQ_U64(s.rax, before.rax);
    CHECK_EQ_U64(s.rcx, before.rcx);
    CHECK_EQ_U64(s.rdx, before.rdx);
}

static void test_exit(void)
{
    static const enum fake_mode modes[] = {MODE_REAL, MODE_PROT32, MODE_COMPAT, MODE_LONG64};
    for (unsigned m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
        bool pe = modes[m] != MODE_REAL; /* real mode pushes no error code */
        for (u64 v = 0; v < 8; v++) {
            state(modes[m]);
            xsetbv_exit(0, v, ALL_THREE);
            if (v == 1 || v == 3 || v == 7)
                check_loaded(v);
            else
                check_fault(EXC_GP, pe);
        }
        state(modes[m]);
        xsetbv_exit(0, 7, XCR0_X87 | XCR0_SSE); /* AVX not offered */
        check_fault(EXC_GP, pe);
        state(modes[m]);
        xsetbv_exit(0, ALL_THREE | 1ull << 63, ALL_THREE);
        check_fault(EXC_GP, pe);
        state(modes[m]);
        xsetbv_exit(1, 1, ALL_THREE); /* no XCR1 to write */
        check_fault(EXC_GP, pe);
        /* CR4.OSXSAVE clear, or XSAVE not offered at all: #UD first */
        state(modes[m]);
        s.cr4 &= ~CR4_OSXSAVE;
        xsetbv_exit(0, 3, ALL_THREE);
        check_fault(EXC_UD, false);
        state(modes[m]);
        xsetbv_exit(0, 1, 0);
        check_fault(EXC_UD, false);
    }
    /* CPL 3, and virtual-8086 mode (CPL 3 as well) */
    state(MODE_LONG64);
    s.ss.ar |= 3u << 5;
    s.cs.ar |= 3u << 5;
    xsetbv_exit(0, 3, ALL_THREE);
    check_fault(EXC_GP, true);
    state(MODE_PROT32);
    s.rflags |= RFLAGS_VM;
    xsetbv_exit(0, 3, ALL_THREE);
    check_fault(EXC_GP, true);
    state(MODE_PROT32);
    s.cr4 &= ~CR4_OSXSAVE;
    s.ss.ar |= 3u << 5;
    xsetbv_exit(0, 3, ALL_THREE);
    check_fault(EXC_UD, false);
    /* Back to x87 alone from all three. */
    state(MODE_LONG64);
    s.xcr0 = ALL_THREE;
    xsetbv_exit(0, 1, ALL_THREE);
    check_loaded(1);
}

/* What the build machine's CPUID says, read here the same way. */
static void test_host(void)
{
    u64 mask = xstate_guest_xcr0_mask();
    struct cpuid_regs l1 = cpuid(1, 0);
    bool xsave =
        cpuid(0, 0).eax >= 0xd && (l1.ecx & CPUID_1_ECX_XSAVE) && (l1.ecx & CPUID_1_ECX_OSXSAVE);
    printf("host: XSAVE %s, guests offered XCR0 %#llx\n", xsave ? "on" : "off",
           (unsigned long long)mask);
    CHECK(!(mask & ~VIREO_XCR0_SUPPORTED));
    if (!xsave) {
        CHECK_EQ_U64(mask, 0);
        return;
    }
    struct cpuid_regs d = cpuid(0xd, 0), avx = cpuid(0xd, 2);
    u64 host = d.eax | (u64)d.edx << 32;
    CHECK_EQ_U64(mask & (XCR0_X87 | XCR0_SSE), host & (XCR0_X87 | XCR0_SSE));
    bool avx_here = (host & XCR0_AVX) && avx.ebx == XSAVE_AVX && avx.eax == XSAVE_AVX_BYTES;
    CHECK_EQ_U64(mask & XCR0_AVX, avx_here ? XCR0_AVX : 0);
    /* The host OS (Linux) runs with at least what is offered enabled. */
    CHECK_EQ_U64(xgetbv(0) & mask, mask);
    CHECK_EQ_U64(xstate_size(XCR0_X87), XSAVE_HEADER + XSAVE_HEADER_BYTES);
    CHECK_EQ_U64(xstate_size(XCR0_X87 | XCR0_SSE), XSAVE_HEADER + XSAVE_HEADER_BYTES);
    if (mask & XCR0_AVX)
        CHECK_EQ_U64(xstate_size(mask), XSAVE_AVX + XSAVE_AVX_BYTES);
    /* The compacted format: no gap before AVX (offset 576, no alignment). */
    CHECK_EQ_U64(xstate_compacted_size(XCR0_X87 | XCR0_SSE), XSAVE_HEADER + XSAVE_HEADER_BYTES);
    if (mask & XCR0_AVX)
        CHECK_EQ_U64(xstate_compacted_size(mask),
                     XSAVE_HEADER + XSAVE_HEADER_BYTES + XSAVE_AVX_BYTES);
    /* CPUID 0xd.0 EBX: the size for the XCR0 this process runs with. */
    CHECK_EQ_U64(xstate_size(xgetbv(0)), d.ebx);
}

int main(void)
{
    fake_reset(1u << 20);
    test_rules();
    test_exit();
    test_host();
    return check_report("vmm_xstate");
}
