/*
 * The extended processor state Vireo offers its guests: XCR0 components
 * x87, SSE and AVX (VIREO_XCR0_SUPPORTED, abi/vireo/x86/cr.h) where the host
 * has them. The kernel switches XCR0 and saves the guest's components with
 * XSAVE on every exit (docs/VMX.md, "FPU"); CPUID leaf 0xd and the XSAVE,
 * OSXSAVE and AVX bits of leaf 1 tell the guest exactly this set.
 */
#ifndef VIREO_VMM_XSTATE_H
#define VIREO_VMM_XSTATE_H

#include <vireo/types.h>

/* The XCR0 bits a guest may set: VIREO_XCR0_SUPPORTED & the host's CPUID
 * 0xd.0 EDX:EAX; 0 when the host has no XSAVE (then XSAVE is hidden). */
u64 xstate_guest_xcr0_mask(void);
/* Bytes of the XSAVE area for the components in xcr0 (CPUID 0xd.0 EBX). */
u32 xstate_size(u64 xcr0);

#endif
