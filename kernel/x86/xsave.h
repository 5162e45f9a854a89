/*
 * FPU/SSE/AVX state and XCR0 on the host (docs/VMX.md, "FPU").
 *
 * With XSAVE the kernel sets CR4.OSXSAVE, and every thread runs with XCR0
 * = XSAVE_HOST_XCR0 (x87 | SSE): exactly the state its FXSAVE image holds,
 * so no thread can see or change AVX state that is not its own (VEX
 * instructions raise #UD). A vCPU's state is the components of
 * xsave_vcpu_mask(), saved with XSAVE and restored with XRSTOR in the
 * standard format, under XCR0 = that mask: it contains every XCR0 the guest
 * may have, so no part of its state is ever dropped. The guest's own XCR0
 * goes in just before entry and stays after the exit until the kernel next
 * saves FPU state or returns to a thread.
 *
 * Without XSAVE every EC, vCPUs included, is switched with FXSAVE, and a
 * guest's XCR0 is 1 (x87).
 */
#ifndef KERNEL_X86_XSAVE_H
#define KERNEL_X86_XSAVE_H

#include <vireo/types.h>
#include <vireo/x86/cr.h>
#include <vireo/x86/xsave.h>

#define XSAVE_HOST_XCR0 (XCR0_X87 | XCR0_SSE)

/* A vCPU's area: the standard format up to the AVX component. */
#define XSAVE_VCPU_BYTES (XSAVE_AVX + XSAVE_AVX_BYTES)

/* Once, on the boot CPU before any thread runs: CR4.OSXSAVE and the host's
 * XCR0 where the CPU has XSAVE, and the vCPU components. */
void xsave_init(void);
/* The XCR0 values a guest may have (entry_caps.xcr0_valid):
 * VIREO_XCR0_SUPPORTED & what CPUID 0xd enumerates; XCR0_X87 alone
 * without XSAVE. */
u64 xsave_vcpu_mask(void);

/* The reset state (abi/vireo/x86/xsave.h) as an FXSAVE image, or a vCPU's
 * XSAVE area (header zero: XRSTOR puts every component in its initial
 * configuration but FCW and MXCSR, which come from the image). */
void xsave_fx_reset(u8 area[XSAVE_LEGACY_BYTES]);
void xsave_vcpu_reset(u8 area[XSAVE_VCPU_BYTES]);

/* A thread's state: FXSAVE / FXRSTOR (16-byte aligned). */
void xsave_fx_save(u8 area[XSAVE_LEGACY_BYTES]);
void xsave_fx_load(const u8 area[XSAVE_LEGACY_BYTES]);
/* A vCPU's state (64-byte aligned): XSAVE / XRSTOR of xsave_vcpu_mask()
 * under XCR0 = that mask; FXSAVE / FXRSTOR without XSAVE. */
void xsave_vcpu_save(u8 area[XSAVE_VCPU_BYTES]);
void xsave_vcpu_load(const u8 area[XSAVE_VCPU_BYTES]);

/* XCR0 = xcr0 (XSETBV only when it differs; nothing without XSAVE). The
 * value must be valid: entry_check's XCR0 rules, or XSAVE_HOST_XCR0. */
void xsave_set_xcr0(u64 xcr0);
/* After a VM exit: the XCR0 the guest left, where it differs from the
 * `entered` one. AMD-V intercepts XSETBV, but QEMU TCG (7.2) lets an AMD-V
 * guest execute it: the guest's is then what XGETBV reads, kept within
 * xsave_vcpu_mask() (a guest that ignored CPUID loses the rest). */
u64 xsave_guest_xcr0(u64 entered);

#endif
