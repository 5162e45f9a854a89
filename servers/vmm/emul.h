/*
 * The VMM's instruction emulator: what the CPU leaves to software, chiefly
 * MMIO (an EPT/NPT fault on guest-physical memory that is no RAM), done so
 * that a guest cannot tell it from hardware (docs/VMM.md, "Instruction
 * emulation"). Decoded by Zydis (insn.h); operands through the guest's
 * segmentation and page tables (guest_access.h); every MMIO operand access
 * through mmio_route.h, every RAM one through the VMM's mapping of the
 * guest's RAM.
 *
 * Forms: MOV (and MOVNTI), MOVZX, MOVSX, MOVSXD; ADD OR ADC SBB AND SUB XOR
 * CMP TEST, NOT NEG INC DEC; XCHG; BT BTS BTR BTC; MOVS STOS LODS (REP, DF,
 * any address size). All with a memory operand (the string forms have
 * theirs). Any operand size and addressing mode; LOCK where the CPU takes
 * it. Faults as the CPU raises them, before anything is written.
 */
#ifndef VIREO_VMM_EMUL_H
#define VIREO_VMM_EMUL_H

#include "insn.h"

enum emul_status {
    EMUL_DONE,        /* completed (RIP moved), or a REP chunk done (RIP kept, RF set) */
    EMUL_EXCEPTION,   /* it faulted: the exception is injected, RIP kept */
    EMUL_STOPPED,     /* the VM was stopped (named in the stop line) */
    EMUL_UNSUPPORTED, /* no form the emulator knows: nothing was changed */
};

/* Emulates the decoded instruction at CS:RIP. */
enum emul_status emul_insn(struct exit_ctx *x, const struct insn *in);

/* The mnemonic and bytes of an instruction, for stop lines: "mov (8b 05 ...)" */
void emul_describe(const struct insn *in, char *buf, u32 size);

#endif
