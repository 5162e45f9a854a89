/*
 * Guest memory as an emulated instruction sees it: guest-physical RAM
 * through the VMM's mapping, linear addresses through the guest's page
 * tables (gpt.h, Accessed/Dirty set by compare-exchange on the guest's
 * RAM), segmentation as the mode has it, and the fault the CPU would raise
 * when any of them refuses.
 */
#ifndef VIREO_VMM_GUEST_ACCESS_H
#define VIREO_VMM_GUEST_ACCESS_H

#include "exit_ctx.h"
#include "gpt.h"

enum ga_result {
    GA_OK = 0,
    GA_FAULT = 1,   /* the exception is injected (a #PF with CR2, a #GP) */
    GA_NOT_RAM = 2, /* the access (or a page table) reaches guest-physical memory that is no RAM */
    GA_STOPPED = 3, /* the VM was stopped (named in the stop line) */
};

/* The walk's registers from the message (needs CR0_CR4, CR3, EFER, CS_SS,
 * RFLAGS): PAE PDPTEs from pdpte[] on VMX, MAXPHYADDR from CPUID. */
void ga_regs(const struct vireo_vcpu_state *s, struct gpt_regs *r);

/* len bytes at a linear address, page by page; access: GPT_* (the user
 * bit is added from the CPL). */
enum ga_result ga_read(struct exit_ctx *x, u64 linear, void *buf, u32 len, u32 access);
enum ga_result ga_write(struct exit_ctx *x, u64 linear, const void *buf, u32 len);
/* Translates one linear address for an access (no page crossing); a #PF
 * is injected with CR2 = linear. */
enum ga_result ga_translate(struct exit_ctx *x, u64 linear, u32 access, u64 *gpa);

/* Segment register seg (enum vireo_seg_index, ES..GS) of the message. */
const struct vireo_seg *ga_seg(const struct vireo_vcpu_state *s, u32 seg);

/* The linear address of seg:offset for an access of len bytes (access: 0
 * a data read, GPT_WRITE, or GPT_FETCH), with the checks of the mode:
 * 64-bit mode: FS/GS bases only, canonical first and last byte (48 bits,
 * 57 with CR4.LA57); otherwise the segment's type (writable data for a
 * write, readable for a read; not null or unusable in protected mode) and
 * limit (expand-down too), and the 32-bit wrap. false: #GP(0) injected, or
 * #SS(0) for SS. */
bool ga_linear_for(struct exit_ctx *x, u32 seg, u64 offset, u32 len, u32 access, u64 *linear);
/* The same for a data read. */
bool ga_linear(struct exit_ctx *x, u32 seg, u64 offset, u32 len, u64 *linear);

/* 64-bit mode (IA-32e and CS.L). */
bool ga_long_mode(const struct vireo_vcpu_state *s);

/* Whether a 64-bit linear address is canonical for the guest's paging. */
bool ga_canonical(const struct vireo_vcpu_state *s, u64 linear);

#endif
