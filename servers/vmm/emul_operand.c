/* Operands of emulated instructions (emul_ctx.h): registers by Zydis name,
 * immediates, and memory operands' effective addresses (ModRM, SIB,
 * displacement, RIP-relative, 16-bit addressing) and segments. */
#include "emul_alu.h"
#include "emul_ctx.h"
#include "gpt.h"
#include "regs.h"

static bool gpr(const struct emul *e, ZydisRegister r)
{
    u32 bytes, shift;
    u64 mtd;
    return regs_gpr(e->s, r, &bytes, &shift, &mtd) != NULL;
}

static bool memory_ok(const struct emul *e, const ZydisDecodedOperand *zo)
{
    ZydisRegister b = zo->mem.base, i = zo->mem.index;
    bool base_ok =
        b == ZYDIS_REGISTER_NONE || b == ZYDIS_REGISTER_RIP || b == ZYDIS_REGISTER_EIP || gpr(e, b);
    return zo->mem.type == ZYDIS_MEMOP_TYPE_MEM && base_ok &&
           (i == ZYDIS_REGISTER_NONE || gpr(e, i));
}

bool emul_operands_ok(const struct emul *e, bool *has_mem)
{
    const struct insn *in = e->in;
    *has_mem = false;
    for (u32 i = 0; i < in->zi.operand_count_visible; i++) {
        const ZydisDecodedOperand *zo = &in->ops[i];
        switch (zo->type) {
        case ZYDIS_OPERAND_TYPE_REGISTER:
            if (!gpr(e, zo->reg.value))
                return false;
            break;
        case ZYDIS_OPERAND_TYPE_MEMORY:
            if (!memory_ok(e, zo))
                return false;
            *has_mem = true;
            break;
        case ZYDIS_OPERAND_TYPE_IMMEDIATE:
            break;
        default:
            return false;
        }
    }
    return true;
}

static u64 reg_value(struct emul *e, ZydisRegister r)
{
    u64 v = 0;
    if (r == ZYDIS_REGISTER_RIP || r == ZYDIS_REGISTER_EIP)
        return e->s->rip + e->in->zi.length; /* relative to the next instruction */
    regs_get(e->x, r, &v);
    return v;
}

/* Zydis 4.0 takes SIB base 101 with mod 00 under 32-bit addressing and
 * REX.B for [r13d] with no displacement; it is no base and a disp32 (SDM
 * vol. 2 table 2-3: REX.B does not change that case), which Zydis did
 * read into raw.disp. */
static bool sib_disp32_only(const struct insn *in)
{
    const ZydisDecodedInstruction *zi = &in->zi;
    return zi->address_width == 32 && (zi->attributes & ZYDIS_ATTRIB_HAS_SIB) &&
           zi->raw.modrm.mod == 0 && zi->raw.sib.base == 5;
}

/* The offset in the segment, in the address size (SDM vol. 2 2.1.5). */
static u64 effective_address(struct emul *e, const ZydisDecodedOperand *zo)
{
    u64 ea = zo->mem.disp.has_displacement ? (u64)zo->mem.disp.value : 0;
    if (sib_disp32_only(e->in))
        ea = (u64)(s64)(s32)e->in->zi.raw.disp.value;
    else if (zo->mem.base != ZYDIS_REGISTER_NONE)
        ea += reg_value(e, zo->mem.base);
    if (zo->mem.index != ZYDIS_REGISTER_NONE)
        ea += reg_value(e, zo->mem.index) * zo->mem.scale;
    return ea & e->addr_mask;
}

static const u32 zydis_segments[] = {
    [ZYDIS_REGISTER_ES] = VIREO_SEG_ES, [ZYDIS_REGISTER_CS] = VIREO_SEG_CS,
    [ZYDIS_REGISTER_SS] = VIREO_SEG_SS, [ZYDIS_REGISTER_DS] = VIREO_SEG_DS,
    [ZYDIS_REGISTER_FS] = VIREO_SEG_FS, [ZYDIS_REGISTER_GS] = VIREO_SEG_GS,
};

u32 emul_segment(const struct emul *e, const ZydisDecodedOperand *zo)
{
    ZydisRegister seg = zo->mem.segment;
    if (e->long64 && seg != ZYDIS_REGISTER_FS && seg != ZYDIS_REGISTER_GS) {
        /* The default then: SS for an RSP or RBP base, whatever the
         * prefix said (it matters for #SS against #GP). */
        ZydisRegister b =
            ZydisRegisterGetLargestEnclosing(ZYDIS_MACHINE_MODE_LONG_64, zo->mem.base);
        return b == ZYDIS_REGISTER_RSP || b == ZYDIS_REGISTER_RBP ? VIREO_SEG_SS : VIREO_SEG_DS;
    }
    if (seg < ZYDIS_REGISTER_ES || seg > ZYDIS_REGISTER_GS)
        return VIREO_SEG_DS;
    return zydis_segments[seg];
}

bool emul_op_prepare(struct emul *e, const ZydisDecodedOperand *zo, s64 extra, struct emul_op *o)
{
    o->zo = zo;
    o->size = zo->size / 8;
    if (zo->type != ZYDIS_OPERAND_TYPE_MEMORY)
        return true;
    u64 offset = (effective_address(e, zo) + (u64)extra) & e->addr_mask;
    u32 access = (zo->actions & ZYDIS_OPERAND_ACTION_MASK_WRITE) ? GPT_WRITE : 0;
    return emul_span(e, emul_segment(e, zo), offset, o->size, access, &o->span);
}

bool emul_op_read(struct emul *e, const struct emul_op *o, u64 *value)
{
    const ZydisDecodedOperand *zo = o->zo;
    switch (zo->type) {
    case ZYDIS_OPERAND_TYPE_REGISTER:
        return regs_get(e->x, zo->reg.value, value);
    case ZYDIS_OPERAND_TYPE_IMMEDIATE:
        *value = zo->imm.is_signed ? (u64)zo->imm.value.s : zo->imm.value.u;
        return true;
    default:
        return emul_span_read(e, &o->span, value);
    }
}

bool emul_op_write(struct emul *e, const struct emul_op *o, u64 value)
{
    value &= alu_mask(o->size);
    if (o->zo->type == ZYDIS_OPERAND_TYPE_REGISTER)
        return regs_set(e->x, o->zo->reg.value, value);
    return emul_span_write(e, &o->span, value);
}

void emul_set_flags(struct emul *e, u64 rflags)
{
    e->s->rflags = rflags;
    e->x->changed |= VIREO_MTD(RFLAGS);
}

bool emul_finish(struct emul *e)
{
    exit_finish_insn(e->x, e->in->zi.length);
    return true;
}
