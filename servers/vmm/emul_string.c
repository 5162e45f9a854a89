/*
 * MOVS, STOS and LODS (SDM vol. 2): the source DS:rSI (any segment by
 * override), the destination ES:rDI (no override), the element size of the
 * mnemonic, rSI/rDI stepped by it down with RFLAGS.DF, within the address
 * size. With REP (F3, and F2, which these instructions take as REP) rCX
 * elements; at most exit_string_chunk() per exit, the guest re-executing the
 * instruction for the rest (suspended between elements with RF set, as
 * after an interrupt). With RFLAGS.TF one element per exit, with the
 * single-step trap pending after each (the CPU traps after every
 * iteration). A fault on an element leaves the registers saying how many
 * were done, as on the CPU.
 */
#include "emul_ctx.h"
#include "gpt.h"
#include "regs.h"
#include <vireo/x86/cr.h>

enum kind { MOVS, STOS, LODS };

/* The kind of a string mnemonic; false: not one of these. */
static bool kind_of(ZydisMnemonic m, enum kind *k)
{
    static const struct {
        ZydisMnemonic m;
        enum kind k;
    } table[] = {
        {ZYDIS_MNEMONIC_MOVSB, MOVS}, {ZYDIS_MNEMONIC_MOVSW, MOVS}, {ZYDIS_MNEMONIC_MOVSD, MOVS},
        {ZYDIS_MNEMONIC_MOVSQ, MOVS}, {ZYDIS_MNEMONIC_STOSB, STOS}, {ZYDIS_MNEMONIC_STOSW, STOS},
        {ZYDIS_MNEMONIC_STOSD, STOS}, {ZYDIS_MNEMONIC_STOSQ, STOS}, {ZYDIS_MNEMONIC_LODSB, LODS},
        {ZYDIS_MNEMONIC_LODSW, LODS}, {ZYDIS_MNEMONIC_LODSD, LODS}, {ZYDIS_MNEMONIC_LODSQ, LODS},
    };
    for (u32 i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        if (table[i].m == m) {
            *k = table[i].k;
            return true;
        }
    }
    return false;
}

/* The accumulator of the element size, for STOS's source and LODS's
 * destination. */
static ZydisRegister accumulator(u32 size)
{
    return size == 1   ? ZYDIS_REGISTER_AL
           : size == 2 ? ZYDIS_REGISTER_AX
           : size == 4 ? ZYDIS_REGISTER_EAX
                       : ZYDIS_REGISTER_RAX;
}

/* The source's segment: the memory operand based on rSI. */
static u32 source_segment(const struct emul *e)
{
    const struct insn *in = e->in;
    for (u32 i = 0; i < in->zi.operand_count; i++) {
        const ZydisDecodedOperand *zo = &in->ops[i];
        if (zo->type == ZYDIS_OPERAND_TYPE_MEMORY &&
            ZydisRegisterGetLargestEnclosing(ZYDIS_MACHINE_MODE_LONG_64, zo->mem.base) ==
                ZYDIS_REGISTER_RSI)
            return emul_segment(e, zo);
    }
    return VIREO_SEG_DS;
}

static bool repeated(const struct insn *in)
{
    if (in->zi.attributes & (ZYDIS_ATTRIB_HAS_REP | ZYDIS_ATTRIB_HAS_REPE | ZYDIS_ATTRIB_HAS_REPNE))
        return true;
    for (u32 i = 0; i < in->zi.raw.prefix_count; i++) {
        const u8 p = in->zi.raw.prefixes[i].value;
        if ((p == 0xf2 || p == 0xf3) && in->zi.raw.prefixes[i].type == ZYDIS_PREFIX_TYPE_EFFECTIVE)
            return true;
    }
    return false;
}

/* One element: both ends checked and translated before either is
 * accessed, so a fault on the destination loses no MMIO read. */
static bool element(struct emul *e, enum kind k, u32 size, u32 src_seg)
{
    struct vireo_vcpu_state *s = e->s;
    struct emul_span src, dst;
    u64 v = 0;
    if (k != STOS && !emul_span(e, src_seg, s->rsi & e->addr_mask, size, 0, &src))
        return false;
    if (k != LODS && !emul_span(e, VIREO_SEG_ES, s->rdi & e->addr_mask, size, GPT_WRITE, &dst))
        return false;
    if (k == STOS)
        regs_get(e->x, accumulator(size), &v);
    else if (!emul_span_read(e, &src, &v))
        return false;
    if (k == LODS)
        regs_set(e->x, accumulator(size), v);
    else if (!emul_span_write(e, &dst, v))
        return false;
    u64 step = (s->rflags & RFLAGS_DF) ? -(u64)size : size;
    if (k != STOS)
        s->rsi = exit_string_update(s->rsi, s->rsi + step, e->addr_mask);
    if (k != LODS)
        s->rdi = exit_string_update(s->rdi, s->rdi + step, e->addr_mask);
    e->x->changed |= VIREO_MTD(GPR_BSD);
    return true;
}

bool emul_string_form(ZydisMnemonic m)
{
    enum kind k;
    return kind_of(m, &k);
}

bool emul_string(struct emul *e)
{
    struct vireo_vcpu_state *s = e->s;
    const struct insn *in = e->in;
    enum kind k = MOVS;
    kind_of(in->zi.mnemonic, &k);
    u32 size = in->zi.operand_width / 8, src_seg = source_segment(e);
    bool rep = repeated(in);
    u64 count = rep ? s->rcx & e->addr_mask : 1;
    for (u32 done = 0; count && done < exit_string_chunk(s); done++) {
        if (!element(e, k, size, src_seg))
            return false;
        count--;
        if (rep) {
            s->rcx = exit_string_update(s->rcx, count, e->addr_mask);
            e->x->changed |= VIREO_MTD(GPR_ACDB);
        }
    }
    if (!count)
        return emul_finish(e);
    exit_string_suspend(e->x);
    return true;
}
