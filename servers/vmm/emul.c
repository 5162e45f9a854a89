/* The emulator's dispatch (emul.h): moves, arithmetic, XCHG and the bit
 * tests here; string instructions in emul_string.c. */
#include "emul_alu.h"
#include "emul_ctx.h"
#include "guest_access.h"
#include <vireo/x86/cr.h>

enum extend { EXT_NONE, EXT_ZERO, EXT_SIGN };

/* MOV, MOVNTI, MOVZX, MOVSX, MOVSXD: destination first. */
static bool move(struct emul *e, enum extend ext)
{
    const ZydisDecodedOperand *ops = e->in->ops;
    struct emul_op dst, src;
    u64 v;
    if (!emul_op_prepare(e, &ops[1], 0, &src) || !emul_op_prepare(e, &ops[0], 0, &dst) ||
        !emul_op_read(e, &src, &v))
        return false;
    if (ext == EXT_SIGN)
        v = alu_sign_extend(v, src.size);
    return emul_op_write(e, &dst, v) && emul_finish(e);
}

/* Two operands, dst op src: the destination written unless CMP or TEST. */
static bool arith2(struct emul *e, enum alu_op op)
{
    const ZydisDecodedOperand *ops = e->in->ops;
    struct emul_op dst, src;
    u64 d, v, f = e->s->rflags;
    if (!emul_op_prepare(e, &ops[0], 0, &dst) || !emul_op_prepare(e, &ops[1], 0, &src) ||
        !emul_op_read(e, &dst, &d) || !emul_op_read(e, &src, &v))
        return false;
    u64 r = alu(op, dst.size, d, v, &f);
    if (alu_writes(op) && !emul_op_write(e, &dst, r))
        return false;
    emul_set_flags(e, f);
    return emul_finish(e);
}

/* NOT, NEG, INC, DEC. */
static bool arith1(struct emul *e, enum alu_op op)
{
    struct emul_op dst;
    u64 d, f = e->s->rflags;
    if (!emul_op_prepare(e, &e->in->ops[0], 0, &dst) || !emul_op_read(e, &dst, &d))
        return false;
    u64 r = alu(op, dst.size, d, 0, &f);
    if (!emul_op_write(e, &dst, r))
        return false;
    if (op != ALU_NOT)
        emul_set_flags(e, f);
    return emul_finish(e);
}

/* XCHG with memory: locked whatever the prefix; the memory operand is
 * written first (a register write cannot fail). */
static bool xchg(struct emul *e)
{
    const ZydisDecodedOperand *ops = e->in->ops;
    struct emul_op a, b;
    u64 va, vb;
    if (!emul_op_prepare(e, &ops[0], 0, &a) || !emul_op_prepare(e, &ops[1], 0, &b) ||
        !emul_op_read(e, &a, &va) || !emul_op_read(e, &b, &vb))
        return false;
    bool a_mem = ops[0].type == ZYDIS_OPERAND_TYPE_MEMORY;
    const struct emul_op *mem = a_mem ? &a : &b, *reg = a_mem ? &b : &a;
    return emul_op_write(e, mem, a_mem ? vb : va) && emul_op_write(e, reg, a_mem ? va : vb) &&
           emul_finish(e);
}

/* BT, BTS, BTR, BTC on memory. A register bit offset is signed and
 * reaches outside the operand: the operand-sized word at EA + (offset >>
 * log2(bits)) * size holds bit offset % bits (SDM vol. 2, BT); an
 * immediate is taken modulo the operand size. CF gets the bit; the other
 * flags are left as they were (their values are undefined). */
static bool bit_test(struct emul *e, ZydisMnemonic m)
{
    const ZydisDecodedOperand *ops = e->in->ops;
    struct emul_op base, off;
    u64 ov, v;
    if (!emul_op_prepare(e, &ops[1], 0, &off) || !emul_op_read(e, &off, &ov))
        return false;
    u32 size = ops[0].size / 8, log2 = size == 2 ? 4 : size == 4 ? 5 : 6;
    s64 extra = 0;
    u32 bit = (u32)(ov & (size * 8 - 1));
    if (ops[1].type == ZYDIS_OPERAND_TYPE_REGISTER)
        extra = ((s64)alu_sign_extend(ov, size) >> log2) * (s64)size;
    if (!emul_op_prepare(e, &ops[0], extra, &base) || !emul_op_read(e, &base, &v))
        return false;
    u64 mask = 1ull << bit, was = v & mask;
    if (m == ZYDIS_MNEMONIC_BTS)
        v |= mask;
    else if (m == ZYDIS_MNEMONIC_BTR)
        v &= ~mask;
    else if (m == ZYDIS_MNEMONIC_BTC)
        v ^= mask;
    if (m != ZYDIS_MNEMONIC_BT && !emul_op_write(e, &base, v))
        return false;
    emul_set_flags(e, (e->s->rflags & ~RFLAGS_CF) | (was ? RFLAGS_CF : 0));
    return emul_finish(e);
}

static bool arith_op(ZydisMnemonic m, enum alu_op *op)
{
    static const struct {
        ZydisMnemonic m;
        enum alu_op op;
    } table[] = {
        {ZYDIS_MNEMONIC_ADD, ALU_ADD},   {ZYDIS_MNEMONIC_OR, ALU_OR},
        {ZYDIS_MNEMONIC_ADC, ALU_ADC},   {ZYDIS_MNEMONIC_SBB, ALU_SBB},
        {ZYDIS_MNEMONIC_AND, ALU_AND},   {ZYDIS_MNEMONIC_SUB, ALU_SUB},
        {ZYDIS_MNEMONIC_XOR, ALU_XOR},   {ZYDIS_MNEMONIC_CMP, ALU_CMP},
        {ZYDIS_MNEMONIC_TEST, ALU_TEST}, {ZYDIS_MNEMONIC_NOT, ALU_NOT},
        {ZYDIS_MNEMONIC_NEG, ALU_NEG},   {ZYDIS_MNEMONIC_INC, ALU_INC},
        {ZYDIS_MNEMONIC_DEC, ALU_DEC},
    };
    for (u32 i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        if (table[i].m == m) {
            *op = table[i].op;
            return true;
        }
    }
    return false;
}

/* Runs the form's handler. */
static enum emul_status run(struct emul *e)
{
    const struct insn *in = e->in;
    ZydisMnemonic m = in->zi.mnemonic;
    bool has_mem, ok;
    if (in->zi.meta.category == ZYDIS_CATEGORY_STRINGOP) {
        if (!emul_string_form(m))
            return EMUL_UNSUPPORTED;
        ok = emul_string(e);
    } else {
        if (!emul_operands_ok(e, &has_mem) || !has_mem)
            return EMUL_UNSUPPORTED;
        enum alu_op op;
        switch (m) {
        case ZYDIS_MNEMONIC_MOV:
        case ZYDIS_MNEMONIC_MOVNTI:
            ok = move(e, EXT_NONE);
            break;
        case ZYDIS_MNEMONIC_MOVZX:
            ok = move(e, EXT_ZERO);
            break;
        case ZYDIS_MNEMONIC_MOVSX:
        case ZYDIS_MNEMONIC_MOVSXD:
            ok = move(e, EXT_SIGN);
            break;
        case ZYDIS_MNEMONIC_XCHG:
            ok = xchg(e);
            break;
        case ZYDIS_MNEMONIC_BT:
        case ZYDIS_MNEMONIC_BTS:
        case ZYDIS_MNEMONIC_BTR:
        case ZYDIS_MNEMONIC_BTC:
            ok = bit_test(e, m);
            break;
        default:
            if (!arith_op(m, &op))
                return EMUL_UNSUPPORTED;
            ok = in->zi.operand_count_visible == 1 ? arith1(e, op) : arith2(e, op);
            break;
        }
    }
    if (ok)
        return EMUL_DONE;
    return e->x->vm->end != VM_RUNNING ? EMUL_STOPPED : EMUL_EXCEPTION;
}

enum emul_status emul_insn(struct exit_ctx *x, const struct insn *in)
{
    u32 aw = in->zi.address_width;
    struct emul e = {
        .x = x,
        .s = x->s,
        .in = in,
        .long64 = ga_long_mode(x->s),
        .addr_mask = aw == 64   ? ~0ull
                     : aw == 32 ? 0xffffffffull
                                : 0xffffull,
    };
    return run(&e);
}

static void hex(char *p, u8 b)
{
    static const char digits[] = "0123456789abcdef";
    p[0] = digits[b >> 4];
    p[1] = digits[b & 15];
}

void emul_describe(const struct insn *in, char *buf, u32 size)
{
    const char *name = ZydisMnemonicGetString(in->zi.mnemonic);
    u32 n = 0;
    for (; name && *name && n + 1 < size; name++)
        buf[n++] = *name;
    const char *open = " (";
    for (; *open && n + 1 < size; open++)
        buf[n++] = *open;
    u32 len = in->zi.length ? in->zi.length : 1;
    for (u32 i = 0; i < len && i < sizeof(in->bytes) && n + 4 < size; i++) {
        if (i)
            buf[n++] = ' ';
        hex(buf + n, in->bytes[i]);
        n += 2;
    }
    if (n + 1 < size)
        buf[n++] = ')';
    buf[n < size ? n : size - 1] = 0;
}
