/* Guest-physical accesses outside RAM (EPT/NPT faults): the instruction is
 * decoded with Zydis and its memory operand becomes a device-server MMIO
 * access. For now the moves (MOV, MOVZX, MOVSX) are emulated; anything
 * else stops the VM with a line naming the instruction. */
#ifndef VIREO_VMM_MMIO_H
#define VIREO_VMM_MMIO_H

#include "exit_ctx.h"

void mmio_exit(struct exit_ctx *x);

/* Guest register by Zydis id: a pointer to the 64-bit register that holds
 * it, its width in bytes and its shift (8 for AH..BH); NULL if not a GPR. */
u64 *mmio_gpr(struct vireo_vcpu_state *s, int zydis_reg, u32 *bytes, u32 *shift, u64 *mtd);

#endif
