/* Guest-physical accesses outside RAM (EPT/NPT faults): the instruction is
 * decoded with Zydis and its memory operand becomes a device-server MMIO
 * access. For now the moves (MOV, MOVZX, MOVSX) are emulated; anything
 * else stops the VM with a line naming the instruction. */
#ifndef VIREO_VMM_MMIO_H
#define VIREO_VMM_MMIO_H

#include "exit_ctx.h"

void mmio_exit(struct exit_ctx *x);

#endif
