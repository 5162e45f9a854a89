#include "io.h"
#include "devices.h"
#include "guest_access.h"
#include "insn.h"
#include "irqchip.h"
#include <vireo/x86/cr.h>

static u64 size_mask(u32 bytes)
{
    return bytes >= 8 ? ~0ull : (1ull << (bytes * 8)) - 1;
}

/* RAX after an IN of size bytes: AL/AX merge, EAX zero-extends. */
static u64 merge_in(u64 rax, u64 value, u32 size)
{
    if (size == 4)
        return value & 0xffffffffull;
    return (rax & ~size_mask(size)) | (value & size_mask(size));
}

static const u32 zydis_seg[] = {
    [ZYDIS_REGISTER_ES] = VIREO_SEG_ES, [ZYDIS_REGISTER_CS] = VIREO_SEG_CS,
    [ZYDIS_REGISTER_SS] = VIREO_SEG_SS, [ZYDIS_REGISTER_DS] = VIREO_SEG_DS,
    [ZYDIS_REGISTER_FS] = VIREO_SEG_FS, [ZYDIS_REGISTER_GS] = VIREO_SEG_GS,
};

/* The address size (0 = 16, 1 = 32, 2 = 64 bit) and the segment of a
 * string instruction's memory operand: from the exit where it says
 * (VMX, SVM with decode assists), else from the instruction. QEMU TCG
 * gives neither reliably, so without an exit length the VMM decodes. */
static bool string_operand(struct exit_ctx *x, u64 q, u32 *asz, u32 *seg)
{
    *asz = (u32)VIREO_GET(VIREO_IOQ, ADDR_SIZE, q);
    *seg = VIREO_GET(VIREO_IOQ, IN, q) ? VIREO_SEG_ES : VIREO_SEG_DS;
    if (VIREO_GET(VIREO_IOQ, SEG_VALID, q) && x->s->insn_len) {
        *seg = (u32)VIREO_GET(VIREO_IOQ, SEG, q);
        return true;
    }
    struct insn in;
    if (!insn_decode(x, &in))
        return false;
    *asz = in.zi.address_width == 64 ? 2 : in.zi.address_width == 32 ? 1 : 0;
    for (u32 i = 0; i < in.zi.operand_count; i++) {
        const ZydisDecodedOperand *op = &in.ops[i];
        ZydisRegister r = op->mem.segment;
        if (op->type == ZYDIS_OPERAND_TYPE_MEMORY && r >= ZYDIS_REGISTER_ES &&
            r <= ZYDIS_REGISTER_GS && (op->actions & ZYDIS_OPERAND_ACTION_MASK_READ))
            *seg = zydis_seg[r]; /* OUTS reads DS (or an override); INS writes ES */
    }
    return true;
}

/* INS: the element's destination is checked for a write before the port
 * is read, so a #PF on it loses no data (the guest repeats the element
 * after handling the fault). The pages of both its ends are translated. */
static enum ga_result ins_probe(struct exit_ctx *x, u64 linear, u32 size)
{
    u64 gpa;
    enum ga_result r = ga_translate(x, linear, GPT_WRITE, &gpa);
    if (r == GA_OK && ((linear ^ (linear + size - 1)) & ~0xfffull))
        r = ga_translate(x, linear + size - 1, GPT_WRITE, &gpa);
    return r;
}

/* One port access: the interrupt controllers' ports here, the rest at the
 * device server. false: the VM was stopped. */
static bool port_access(struct exit_ctx *x, bool write, u32 size, u32 port, u64 *value)
{
    if (x->vm->irqchip && irqchip_io(x->vm->irqchip, (u16)port, size, write, value))
        return true;
    return dev_access(x->vm, write ? VIREO_DEV_OP_IO_WRITE : VIREO_DEV_OP_IO_READ, size, port,
                      value);
}

static void string_io(struct exit_ctx *x, u64 q, u64 len)
{
    struct vireo_vcpu_state *s = x->s;
    u32 port = (u32)VIREO_GET(VIREO_IOQ, PORT, q);
    u32 size = (u32)VIREO_GET(VIREO_IOQ, SIZE, q);
    bool in = VIREO_GET(VIREO_IOQ, IN, q), rep = VIREO_GET(VIREO_IOQ, REP, q);
    u32 asz, seg;
    if (!string_operand(x, q, &asz, &seg))
        return;
    u64 amask = asz == 2 ? ~0ull : asz == 1 ? 0xffffffffull : 0xffffull;
    u64 *index = in ? &s->rdi : &s->rsi;
    s64 step = (s->rflags & RFLAGS_DF) ? -(s64)size : (s64)size;
    u64 count = rep ? (s->rcx & amask) : 1;
    for (u32 done = 0; count && done < exit_string_chunk(s); done++) {
        u64 linear, value = 0;
        if (!ga_linear_for(x, seg, *index & amask, size, in ? GPT_WRITE : 0, &linear))
            return;
        if (in) {
            enum ga_result r = ins_probe(x, linear, size);
            if (r == GA_OK && !port_access(x, false, size, port, &value))
                return;
            if (r == GA_OK)
                r = ga_write(x, linear, &value, size);
            if (r == GA_NOT_RAM)
                vm_stop(x->vm, VM_END_ERROR, VM_STATUS_ERROR, "INS into non-RAM at %#llx",
                        (unsigned long long)linear);
            if (r != GA_OK)
                return;
        } else {
            enum ga_result r = ga_read(x, linear, &value, size, 0);
            if (r == GA_NOT_RAM)
                vm_stop(x->vm, VM_END_ERROR, VM_STATUS_ERROR, "OUTS from non-RAM at %#llx",
                        (unsigned long long)linear);
            if (r != GA_OK || !port_access(x, true, size, port, &value))
                return;
        }
        /* The index moves within its address size. */
        *index = exit_string_update(*index, *index + (u64)step, amask);
        count--;
        if (rep)
            s->rcx = exit_string_update(s->rcx, count, amask);
        x->changed |= VIREO_MTD(GPR_BSD) | VIREO_MTD(GPR_ACDB);
    }
    if (count == 0) {
        exit_finish_insn(x, len);
    } else {
        exit_string_suspend(x);
    }
}

void io_exit(struct exit_ctx *x)
{
    struct vireo_vcpu_state *s = x->s;
    u64 q = s->info[0];
    u64 len = insn_length(x);
    if (!len)
        return;
    if (VIREO_GET(VIREO_IOQ, STRING, q)) {
        string_io(x, q, len);
        return;
    }
    u32 port = (u32)VIREO_GET(VIREO_IOQ, PORT, q);
    u32 size = (u32)VIREO_GET(VIREO_IOQ, SIZE, q);
    u64 value = s->rax;
    if (VIREO_GET(VIREO_IOQ, IN, q)) {
        if (!port_access(x, false, size, port, &value))
            return;
        s->rax = merge_in(s->rax, value, size);
        x->changed |= VIREO_MTD(GPR_ACDB);
    } else if (!port_access(x, true, size, port, &value)) {
        return;
    }
    exit_finish_insn(x, len);
}
