/* Guest-physical accesses outside RAM (EPT/NPT faults, MEM_FAULT exits):
 * the instruction at RIP is decoded with Zydis and emulated (emul.h), its
 * MMIO operands going to mmio_route.h. An instruction the emulator does not
 * know stops the VM with a line naming its bytes and RIP; so does a
 * permission fault on RAM. */
#ifndef VIREO_VMM_MMIO_H
#define VIREO_VMM_MMIO_H

#include "exit_ctx.h"

void mmio_exit(struct exit_ctx *x);

#endif
