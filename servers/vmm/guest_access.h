/*
 * Guest memory as an emulated instruction sees it: guest-physical RAM
 * through the VMM's mapping, linear addresses through the guest's page
 * tables (gpt.h), and the fault the CPU would raise when either fails.
 */
#ifndef VIREO_VMM_GUEST_ACCESS_H
#define VIREO_VMM_GUEST_ACCESS_H

#include "exit_ctx.h"
#include "gpt.h"

enum ga_result {
    GA_OK = 0,
    GA_FAULT = 1,   /* the exception is injected (a #PF with CR2, a #GP) */
    GA_NOT_RAM = 2, /* the access reaches guest-physical memory that is no RAM */
};

/* The walk's registers from the message (needs CR0_CR4, CR3, EFER, CS_SS). */
void ga_regs(const struct vireo_vcpu_state *s, struct gpt_regs *r);

/* len bytes at a linear address, page by page; access: GPT_* (the user
 * bit is added from the CPL). *gpa_out (may be NULL) is the physical
 * address of the first byte. */
enum ga_result ga_read(struct exit_ctx *x, u64 linear, void *buf, u32 len, u32 access);
enum ga_result ga_write(struct exit_ctx *x, u64 linear, const void *buf, u32 len);
/* Translates one linear address for an access (no page crossing). */
enum ga_result ga_translate(struct exit_ctx *x, u64 linear, u32 access, u64 *gpa);

/* Segment register seg (enum vireo_seg_index, ES..GS) of the message. */
const struct vireo_seg *ga_seg(const struct vireo_vcpu_state *s, u32 seg);

/* The linear address of seg:offset for an access of len bytes, with the
 * checks of the mode (64-bit: canonical, else the 32-bit wrap; segment
 * limits are not checked yet). false: #GP (#SS for SS) injected. */
bool ga_linear(struct exit_ctx *x, u32 seg, u64 offset, u32 len, u64 *linear);

/* 64-bit mode (IA-32e and CS.L). */
bool ga_long_mode(const struct vireo_vcpu_state *s);

#endif
