#include "emul_alu.h"
#include <vireo/x86/cr.h>

/* PF: set when the low byte of the result has an even number of ones. */
static u64 parity(u64 r)
{
    u8 b = (u8)r;
    b ^= b >> 4;
    b ^= b >> 2;
    b ^= b >> 1;
    return (b & 1) ? 0 : RFLAGS_PF;
}

/* ZF, SF and PF of a result. */
static u64 szp(u64 r, u64 sign)
{
    return (r ? 0 : RFLAGS_ZF) | ((r & sign) ? RFLAGS_SF : 0) | parity(r);
}

/* a + b + carry: CF from the carry out, OF when both inputs have the same
 * sign and the result another, AF from the carry out of bit 3. */
static u64 add(u64 a, u64 b, u64 carry, u64 mask, u64 sign, u64 *f)
{
    u64 r = (a + b + carry) & mask;
    bool cf = carry ? r <= a : r < a;
    *f = (cf ? RFLAGS_CF : 0) | (((a ^ r) & (b ^ r) & sign) ? RFLAGS_OF : 0) |
         (((a ^ b ^ r) & 0x10) ? RFLAGS_AF : 0) | szp(r, sign);
    return r;
}

/* a - b - borrow: CF from the borrow, OF when the inputs' signs differ and
 * the result's differs from a's. */
static u64 sub(u64 a, u64 b, u64 borrow, u64 mask, u64 sign, u64 *f)
{
    u64 r = (a - b - borrow) & mask;
    bool cf = borrow ? a <= b : a < b;
    *f = (cf ? RFLAGS_CF : 0) | (((a ^ b) & (a ^ r) & sign) ? RFLAGS_OF : 0) |
         (((a ^ b ^ r) & 0x10) ? RFLAGS_AF : 0) | szp(r, sign);
    return r;
}

u64 alu(enum alu_op op, u32 size, u64 dst, u64 src, u64 *rflags)
{
    u64 mask = alu_mask(size), sign = 1ull << (size * 8 - 1);
    u64 a = dst & mask, b = src & mask, cf = *rflags & RFLAGS_CF, f = 0, r;
    u64 keep = *rflags & ~ALU_FLAGS;
    switch (op) {
    case ALU_ADD:
        r = add(a, b, 0, mask, sign, &f);
        break;
    case ALU_ADC:
        r = add(a, b, cf, mask, sign, &f);
        break;
    case ALU_SUB:
    case ALU_CMP:
        r = sub(a, b, 0, mask, sign, &f);
        break;
    case ALU_SBB:
        r = sub(a, b, cf, mask, sign, &f);
        break;
    case ALU_NEG:
        r = sub(0, a, 0, mask, sign, &f);
        break;
    case ALU_INC:
        r = add(a, 1, 0, mask, sign, &f);
        f = (f & ~RFLAGS_CF) | cf;
        break;
    case ALU_DEC:
        r = sub(a, 1, 0, mask, sign, &f);
        f = (f & ~RFLAGS_CF) | cf;
        break;
    case ALU_AND:
    case ALU_TEST:
        r = a & b;
        f = szp(r, sign); /* CF = OF = 0; AF undefined: 0 */
        break;
    case ALU_OR:
        r = a | b;
        f = szp(r, sign);
        break;
    case ALU_XOR:
        r = a ^ b;
        f = szp(r, sign);
        break;
    case ALU_NOT:
    default:
        return ~a & mask; /* no flags */
    }
    *rflags = keep | f;
    return r;
}

u64 alu_undefined_flags(enum alu_op op)
{
    switch (op) {
    case ALU_AND:
    case ALU_TEST:
    case ALU_OR:
    case ALU_XOR:
        return RFLAGS_AF;
    default:
        return 0;
    }
}
