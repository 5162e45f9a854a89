/* Control-register exits: MOV to/from CR0, CR3, CR4, CR8, CLTS and LMSW,
 * with the #GP the architecture raises for an invalid value (docs/VMM.md,
 * "Control registers"). */
#ifndef VIREO_VMM_CR_H
#define VIREO_VMM_CR_H

#include "exit_ctx.h"

void cr_exit(struct exit_ctx *x);

/* The checks of a MOV to CR0 / CR4 with new value v: false means #GP. */
bool cr0_write_ok(const struct vireo_vcpu_state *s, u64 v);
bool cr4_write_ok(const struct vireo_vcpu_state *s, u64 v);

#endif
