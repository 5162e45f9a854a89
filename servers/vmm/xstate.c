/* The guest XSAVE set (xstate.h) and the XSETBV exit. The host's CPUID
 * says what the kernel switches: XSAVE with CR4.OSXSAVE set by the kernel,
 * and the components of leaf 0xd in VIREO_XCR0_SUPPORTED, AVX only where
 * its state sits where the kernel's area keeps it (kernel/x86/xsave.c). */
#include "xstate.h"
#include "insn.h"
#include <vireo/x86/cr.h>
#include <vireo/x86/xsave.h>
#include <x86/cpu.h>

u64 xstate_guest_xcr0_mask(void)
{
    struct cpuid_regs l1 = cpuid(1, 0);
    u32 need = CPUID_1_ECX_XSAVE | CPUID_1_ECX_OSXSAVE;
    if (cpuid(0, 0).eax < 0xd || (l1.ecx & need) != need)
        return 0;
    struct cpuid_regs d = cpuid(0xd, 0);
    u64 mask = (d.eax | (u64)d.edx << 32) & VIREO_XCR0_SUPPORTED;
    if (mask & XCR0_AVX) {
        struct cpuid_regs avx = cpuid(0xd, 2);
        if (avx.ebx != XSAVE_AVX || avx.eax != XSAVE_AVX_BYTES)
            mask &= ~XCR0_AVX;
    }
    return mask;
}

u32 xstate_size(u64 xcr0)
{
    /* The legacy region and the header, then each extended component at
     * its standard-format offset. */
    u32 size = XSAVE_HEADER + XSAVE_HEADER_BYTES;
    for (u32 i = 2; i < 64; i++) {
        if (!(xcr0 & (1ull << i)))
            continue;
        struct cpuid_regs c = cpuid(0xd, i);
        if (c.ebx + c.eax > size)
            size = c.ebx + c.eax;
    }
    return size;
}

u32 xstate_compacted_size(u64 xcr0)
{
    /* The legacy region and the header, then each extended component in
     * turn, on a 64-byte boundary where leaf 0xd's ECX bit 1 asks. */
    u32 size = XSAVE_HEADER + XSAVE_HEADER_BYTES;
    for (u32 i = 2; i < 64; i++) {
        if (!(xcr0 & (1ull << i)))
            continue;
        struct cpuid_regs c = cpuid(0xd, i);
        if (c.ecx & 2u)
            size = (size + 63u) & ~63u;
        size += c.eax;
    }
    return size;
}

bool xstate_xcr0_valid(u64 xcr0, u64 offered)
{
    /* SDM vol. 2 XSETBV, vol. 1 13.3 */
    if (!(xcr0 & XCR0_X87) || (xcr0 & ~offered))
        return false;
    return !((xcr0 & XCR0_AVX) && !(xcr0 & XCR0_SSE));
}

void xstate_xsetbv_exit(struct exit_ctx *x, u64 offered)
{
    struct vireo_vcpu_state *s = x->s;
    /* The CPU raises #UD and the CPL's #GP before it exits; the VMM
     * checks them anyway, after an AMD-V intercept or an emulator that
     * exits first. */
    if (!(s->cr4 & CR4_OSXSAVE) || !offered) {
        exit_ud(x);
        return;
    }
    u64 value = (u64)(u32)s->rdx << 32 | (u32)s->rax; /* the upper halves are ignored */
    if (exit_cpl(s) != 0 || (u32)s->rcx != 0 || !xstate_xcr0_valid(value, offered)) {
        exit_gp(x);
        return;
    }
    u64 len = insn_length(x);
    if (!len)
        return;
    s->xcr0 = value; /* the kernel loads it before the next entry */
    x->changed |= VIREO_MTD(XCR0);
    exit_finish_insn(x, len);
}
