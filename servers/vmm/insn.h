/*
 * The instruction at the guest's CS:RIP, fetched through its page tables
 * and decoded with Zydis: its length where the exit does not give one
 * (SVM without next-RIP save, as QEMU TCG), and its operands for the
 * instructions the VMM emulates (MMIO, string I/O prefixes).
 */
#ifndef VIREO_VMM_INSN_H
#define VIREO_VMM_INSN_H

#include "exit_ctx.h"
#include <Zydis/Zydis.h>

struct insn {
    ZydisDecodedInstruction zi;
    ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
    u8 bytes[16];
};

/* The items decoding needs in the exit message. */
#define INSN_DECODE_MTD                                                                            \
    (VIREO_MTD(RIP_LEN) | VIREO_MTD(RFLAGS) | VIREO_MTD(CS_SS) | VIREO_MTD(CR0_CR4) |              \
     VIREO_MTD(CR3) | VIREO_MTD(EFER))

/* Decodes the instruction at CS:RIP. false: a fault was injected (#PF on
 * the fetch) or the bytes are no instruction (#UD injected), or the code
 * is not in RAM (the VM is stopped, naming it). */
bool insn_decode(struct exit_ctx *x, struct insn *out);

/* The exiting instruction's length: the exit's, or decoded. 0: the
 * instruction could not be fetched (see insn_decode: something was
 * injected or the VM stopped). */
static inline u64 insn_length(struct exit_ctx *x)
{
    if (x->s->insn_len)
        return x->s->insn_len;
    struct insn in;
    return insn_decode(x, &in) ? in.zi.length : 0;
}

#endif
