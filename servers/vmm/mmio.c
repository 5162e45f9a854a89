#include "mmio.h"
#include "devices.h"
#include "insn.h"
#include "regs.h"

static u64 sign_extend(u64 v, u32 from_bytes)
{
    u32 bits = from_bytes * 8;
    return bits >= 64 ? v : (u64)((s64)(v << (64 - bits)) >> (64 - bits));
}

void mmio_exit(struct exit_ctx *x)
{
    struct vireo_vcpu_state *s = x->s;
    u64 memf = s->info[0];
    if (memf & VIREO_BIT(VIREO_MEMF, PRESENT)) {
        vm_stop(x->vm, VM_END_ERROR, VM_STATUS_ERROR,
                "guest access to %#llx at rip %#llx breaks its mapping's permissions",
                (unsigned long long)s->gpa, (unsigned long long)s->rip);
        return;
    }
    struct insn in;
    if (!insn_decode(x, &in))
        return;
    const ZydisDecodedOperand *mem = NULL, *other = NULL;
    for (u32 i = 0; i < in.zi.operand_count_visible; i++) {
        if (in.ops[i].type == ZYDIS_OPERAND_TYPE_MEMORY)
            mem = &in.ops[i];
        else
            other = &in.ops[i];
    }
    ZydisMnemonic m = in.zi.mnemonic;
    bool is_move = m == ZYDIS_MNEMONIC_MOV || m == ZYDIS_MNEMONIC_MOVZX ||
                   m == ZYDIS_MNEMONIC_MOVSX || m == ZYDIS_MNEMONIC_MOVSXD;
    if (!is_move || !mem || !other) {
        vm_stop(x->vm, VM_END_ERROR, VM_STATUS_ERROR,
                "MMIO at %#llx by an instruction the VMM cannot emulate yet (rip %#llx, %u bytes: "
                "%02x %02x %02x)",
                (unsigned long long)s->gpa, (unsigned long long)s->rip, in.zi.length, in.bytes[0],
                in.bytes[1], in.bytes[2]);
        return;
    }
    u32 size = mem->size / 8;
    u64 value = 0;
    if (mem == &in.ops[0]) { /* a store */
        if (other->type == ZYDIS_OPERAND_TYPE_IMMEDIATE)
            value = other->imm.is_signed ? (u64)other->imm.value.s : other->imm.value.u;
        else if (!regs_get(x, other->reg.value, &value))
            goto unsupported;
        if (!dev_access(x->vm, VIREO_DEV_OP_MMIO_WRITE, size, s->gpa, &value))
            return;
    } else { /* a load */
        if (other->type != ZYDIS_OPERAND_TYPE_REGISTER)
            goto unsupported;
        if (!dev_access(x->vm, VIREO_DEV_OP_MMIO_READ, size, s->gpa, &value))
            return;
        if (m == ZYDIS_MNEMONIC_MOVSX || m == ZYDIS_MNEMONIC_MOVSXD)
            value = sign_extend(value, size);
        if (!regs_set(x, other->reg.value, value))
            goto unsupported;
    }
    exit_finish_insn(x, in.zi.length);
    return;
unsupported:
    vm_stop(x->vm, VM_END_ERROR, VM_STATUS_ERROR, "MMIO at %#llx: operand not emulated (rip %#llx)",
            (unsigned long long)s->gpa, (unsigned long long)s->rip);
}
