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
/* The same in the compacted format (XSAVEC, XSAVES): CPUID.(0xd,1).EBX. */
u32 xstate_compacted_size(u64 xcr0);

/* Whether XSETBV may load xcr0 into XCR0 when the guest is offered the
 * bits of `offered`: x87 set, nothing outside `offered`, AVX only with SSE. */
bool xstate_xcr0_valid(u64 xcr0, u64 offered);

struct exit_ctx;
/* The XSETBV exit, for a guest offered the XCR0 bits `offered`: #UD with
 * CR4.OSXSAVE clear, #GP(0) at CPL > 0, for ECX != 0 or an invalid value
 * (the upper halves of RAX, RCX, RDX are ignored); else XCR0 (the MTD
 * item) takes EDX:EAX and the instruction is done. */
void xstate_xsetbv_exit(struct exit_ctx *x, u64 offered);

#endif
