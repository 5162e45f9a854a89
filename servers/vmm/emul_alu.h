/*
 * The arithmetic of the emulated instructions (emul.c): results and the
 * six status flags (CF PF AF ZF SF OF) exactly as the CPU leaves them, for
 * 8-, 16-, 32- and 64-bit operands. Where the SDM leaves a flag undefined
 * the choice is that of current AMD and Intel cores (checked on the host
 * by unit.vmm_emul_diff): AND/OR/XOR/TEST clear AF; BT/BTS/BTR/BTC change
 * CF only. Pure; host-tested.
 */
#ifndef VIREO_VMM_EMUL_ALU_H
#define VIREO_VMM_EMUL_ALU_H

#include <vireo/types.h>

enum alu_op {
    ALU_ADD,
    ALU_OR,
    ALU_ADC,
    ALU_SBB,
    ALU_AND,
    ALU_SUB,
    ALU_XOR,
    ALU_CMP,
    ALU_TEST,
    ALU_NOT,
    ALU_NEG,
    ALU_INC,
    ALU_DEC,
};

/* The status flags, the only RFLAGS bits alu() changes. */
#define ALU_FLAGS 0x8d5ull

/* dst op src on size-byte operands (unary ops ignore src): the result,
 * truncated to size bytes; *rflags gets the flags the op leaves (CF in for
 * ADC and SBB, kept by INC and DEC; NOT changes none). */
u64 alu(enum alu_op op, u32 size, u64 dst, u64 src, u64 *rflags);

/* Whether the op writes its destination (CMP and TEST do not). */
static inline bool alu_writes(enum alu_op op)
{
    return op != ALU_CMP && op != ALU_TEST;
}

/* The undefined flags of each op, for comparisons with hardware that may
 * choose differently: AF after AND/OR/XOR/TEST. */
u64 alu_undefined_flags(enum alu_op op);

/* All-ones in the low size bytes. */
static inline u64 alu_mask(u32 size)
{
    return size >= 8 ? ~0ull : (1ull << (size * 8)) - 1;
}

/* v's low size bytes, sign-extended to 64 bits. */
static inline u64 alu_sign_extend(u64 v, u32 size)
{
    u32 unused = 64 - size * 8;
    return size >= 8 ? v : (u64)((s64)(v << unused) >> unused);
}

#endif
