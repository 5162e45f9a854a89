/* The guest's general registers as Zydis names them: for emulated
 * instructions' register operands. */
#ifndef VIREO_VMM_REGS_H
#define VIREO_VMM_REGS_H

#include "exit_ctx.h"

/* A pointer to the 64-bit register that holds zydis_reg, its width in
 * bytes, its shift (8 for AH..BH) and its MTD item; NULL if not a GPR. */
u64 *regs_gpr(struct vireo_vcpu_state *s, int zydis_reg, u32 *bytes, u32 *shift, u64 *mtd);
/* Writes a register as the CPU would: 32-bit writes zero the upper half,
 * 8- and 16-bit writes merge. false: not a GPR. */
bool regs_set(struct exit_ctx *x, int zydis_reg, u64 value);
/* Reads a register, zero-extended. false: not a GPR. */
bool regs_get(struct exit_ctx *x, int zydis_reg, u64 *value);

#endif
