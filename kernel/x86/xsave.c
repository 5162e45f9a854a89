#include "xsave.h"
#include "../log.h"
#include <string.h>
#include <x86/cpu.h>

/* One CPU: its XCR0 as last written, and what the boot CPU found. */
static bool have_xsave;
static u64 vcpu_mask = XCR0_X87;
static u64 xcr0_now = XCR0_X87;

void xsave_init(void)
{
    struct cpuid_regs l0 = cpuid(0, 0);
    if (l0.eax < 0xd || !(cpuid(1, 0).ecx & CPUID_1_ECX_XSAVE)) {
        log_info("kernel: xsave: none: every FPU state is switched with FXSAVE\n");
        return;
    }
    struct cpuid_regs d = cpuid(0xd, 0);
    u64 mask = (d.eax | (u64)d.edx << 32) & VIREO_XCR0_SUPPORTED;
    if (mask & XCR0_AVX) {
        /* The area's layout is fixed here (XSAVE_VCPU_BYTES): a CPU that
         * places AVX state elsewhere gives its guests none. */
        struct cpuid_regs avx = cpuid(0xd, 2);
        if (avx.ebx != XSAVE_AVX || avx.eax != XSAVE_AVX_BYTES) {
            log_warn("kernel: xsave: AVX state at %u (%u bytes), not at %u: not offered\n", avx.ebx,
                     avx.eax, XSAVE_AVX);
            mask &= ~XCR0_AVX;
        }
    }
    if ((mask & XSAVE_HOST_XCR0) != XSAVE_HOST_XCR0) {
        log_warn("kernel: xsave: XCR0 0x%llx has no SSE: switched with FXSAVE\n",
                 (unsigned long long)mask);
        return;
    }
    write_cr4(read_cr4() | CR4_OSXSAVE);
    xsetbv(0, XSAVE_HOST_XCR0);
    xcr0_now = XSAVE_HOST_XCR0;
    vcpu_mask = mask;
    have_xsave = true;
    log_info("kernel: xsave: host XCR0 0x%llx, guests up to 0x%llx\n",
             (unsigned long long)XSAVE_HOST_XCR0, (unsigned long long)mask);
}

u64 xsave_vcpu_mask(void)
{
    return vcpu_mask;
}

void xsave_fx_reset(u8 area[XSAVE_LEGACY_BYTES])
{
    memset(area, 0, XSAVE_LEGACY_BYTES);
    u16 fcw = FPU_RESET_FCW;
    u32 mxcsr = FPU_RESET_MXCSR;
    memcpy(area + XSAVE_FCW, &fcw, sizeof(fcw));
    memcpy(area + XSAVE_MXCSR, &mxcsr, sizeof(mxcsr));
}

void xsave_vcpu_reset(u8 area[XSAVE_VCPU_BYTES])
{
    memset(area, 0, XSAVE_VCPU_BYTES);
    xsave_fx_reset(area);
}

void xsave_fx_save(u8 area[XSAVE_LEGACY_BYTES])
{
    __asm__ volatile("fxsave64 %0" : "=m"(*(u8(*)[XSAVE_LEGACY_BYTES])area));
}

void xsave_fx_load(const u8 area[XSAVE_LEGACY_BYTES])
{
    __asm__ volatile("fxrstor64 %0" ::"m"(*(const u8(*)[XSAVE_LEGACY_BYTES])area));
}

void xsave_set_xcr0(u64 xcr0)
{
    if (!have_xsave || xcr0 == xcr0_now)
        return;
    xsetbv(0, xcr0);
    xcr0_now = xcr0;
}

u64 xsave_guest_xcr0(u64 entered)
{
    if (!have_xsave)
        return entered;
    u64 now = xgetbv(0);
    xcr0_now = now;
    if (now == entered)
        return entered;
    static bool logged;
    if ((now & ~vcpu_mask) && !logged) {
        logged = true;
        log_warn("kernel: xsave: a guest set XCR0 0x%llx without an exit; kept 0x%llx (logged "
                 "once)\n",
                 (unsigned long long)now, (unsigned long long)(now & vcpu_mask));
    }
    /* XSETBV took it, so x87 is set and AVX comes with SSE: the mask
     * keeps it valid. */
    return now & vcpu_mask;
}

void xsave_vcpu_save(u8 area[XSAVE_VCPU_BYTES])
{
    if (!have_xsave) {
        xsave_fx_save(area);
        return;
    }
    xsave_set_xcr0(vcpu_mask);
    __asm__ volatile("xsave64 %0"
                     : "+m"(*(u8(*)[XSAVE_VCPU_BYTES])area)
                     : "a"((u32)vcpu_mask), "d"((u32)(vcpu_mask >> 32)));
}

void xsave_vcpu_load(const u8 area[XSAVE_VCPU_BYTES])
{
    if (!have_xsave) {
        xsave_fx_load(area);
        return;
    }
    xsave_set_xcr0(vcpu_mask);
    __asm__ volatile("xrstor64 %0" ::"m"(*(const u8(*)[XSAVE_VCPU_BYTES])area), "a"((u32)vcpu_mask),
                     "d"((u32)(vcpu_mask >> 32)));
}
