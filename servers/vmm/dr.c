/*
 * MOV DR (dr.h). The architecture takes any DR0-DR3 value, the kernel
 * only canonical ones (it loads them with MOV DR on VMX and checks every
 * reply): a breakpoint at a non-canonical address can never match, so the
 * VMM keeps the guest's DR0-DR3 and DR7 itself, gives the CPU a canonical
 * address for such a breakpoint and clears its enable bits in the DR7 the
 * CPU uses. Every MOV DR exits, so nothing else reads those registers; a
 * message that differs from what the VMM last gave (a new start, a DR7.GD
 * the CPU cleared itself) is taken as the guest's state.
 */
#include "dr.h"
#include "guest_access.h"
#include "insn.h"
#include "regs.h"
#include <string.h>
#include <vireo/x86/cr.h>
#include <vireo/x86/dr.h>

static struct {
    bool valid;
    u64 addr[4], dr7;             /* the guest's */
    u64 given_addr[4], given_dr7; /* what the CPU got */
} held;

void dr_reset(void)
{
    held.valid = false;
}

static bool canonical(u64 a)
{
    return (u64)((s64)(a << 16) >> 16) == a;
}

static void take_message(const struct vireo_vcpu_state *s)
{
    if (held.valid && held.given_dr7 == s->dr7 &&
        memcmp(held.given_addr, s->dr, sizeof(held.given_addr)) == 0)
        return;
    memcpy(held.addr, s->dr, sizeof(held.addr));
    memcpy(held.given_addr, s->dr, sizeof(held.given_addr));
    held.dr7 = held.given_dr7 = s->dr7;
    held.valid = true;
}

/* The CPU's DR0-3 and DR7 from the guest's. */
static void give(struct exit_ctx *x)
{
    struct vireo_vcpu_state *s = x->s;
    u64 dr7 = held.dr7;
    for (u32 i = 0; i < 4; i++) {
        u64 a = held.addr[i];
        if (!canonical(a)) {
            a = (u64)((s64)(a << 16) >> 16);
            dr7 &= ~DR7_ENABLES(i);
        }
        held.given_addr[i] = s->dr[i] = a;
    }
    held.given_dr7 = s->dr7 = dr7;
    x->changed |= VIREO_MTD(DR0_3) | VIREO_MTD(DR7);
}

struct dr_access {
    u32 dr;
    bool read;
    int reg; /* a Zydis register */
};

/* The access as the exit says, or decoded (SVM without decode assists). */
static bool decode(struct exit_ctx *x, struct dr_access *a)
{
    u64 q = x->s->info[0];
    if (VIREO_GET(VIREO_DRQ, DECODED, q)) {
        a->dr = (u32)VIREO_GET(VIREO_DRQ, DR, q);
        a->read = VIREO_GET(VIREO_DRQ, READ, q);
        a->reg = ZYDIS_REGISTER_RAX + (int)VIREO_GET(VIREO_DRQ, GPR, q);
        return true;
    }
    struct insn in;
    if (!insn_decode(x, &in))
        return false;
    const ZydisDecodedOperand *o = in.ops;
    if (in.zi.mnemonic == ZYDIS_MNEMONIC_MOV && in.zi.operand_count_visible == 2 &&
        o[0].type == ZYDIS_OPERAND_TYPE_REGISTER && o[1].type == ZYDIS_OPERAND_TYPE_REGISTER) {
        bool to = o[0].reg.value >= ZYDIS_REGISTER_DR0 && o[0].reg.value <= ZYDIS_REGISTER_DR15;
        bool from = o[1].reg.value >= ZYDIS_REGISTER_DR0 && o[1].reg.value <= ZYDIS_REGISTER_DR15;
        if (to != from) {
            a->read = from;
            a->dr = (u32)((to ? o[0] : o[1]).reg.value - ZYDIS_REGISTER_DR0);
            a->reg = (to ? o[1] : o[0]).reg.value;
            return true;
        }
    }
    vm_stop(x->vm, VM_END_ERROR, VM_STATUS_ERROR, "DR access at rip %#llx: cannot emulate it",
            (unsigned long long)x->s->rip);
    return false;
}

/* #DB for an access under DR7.GD: a fault (RIP at the MOV), DR6.BD set,
 * GD cleared as the CPU clears it to let the handler in. */
static void general_detect(struct exit_ctx *x)
{
    held.dr7 &= ~DR7_GD;
    x->s->dr6 |= DR6_BD;
    give(x);
    exit_inject_exception(x, EXC_DB, false, 0);
}

static u64 dr6_read(const struct vireo_vcpu_state *s)
{
    return (s->dr6 & DR6_VOLATILE) | DR6_FIXED1;
}

static bool write(struct exit_ctx *x, u32 dr, u64 v)
{
    struct vireo_vcpu_state *s = x->s;
    if (dr >= 6 && ga_long_mode(s) && (v >> 32))
        return false;
    if (dr < 4) {
        held.addr[dr] = v;
    } else if (dr == 6) {
        s->dr6 = (v & DR6_VOLATILE) | DR6_FIXED1;
    } else {
        held.dr7 = (v & DR7_VOLATILE) | DR7_FIXED1;
    }
    give(x);
    return true;
}

void dr_exit(struct exit_ctx *x)
{
    struct vireo_vcpu_state *s = x->s;
    struct dr_access a;
    u64 len = insn_length(x);
    if (!len || !decode(x, &a))
        return;
    take_message(s);
    if (a.dr >= 8 || ((a.dr == 4 || a.dr == 5) && (s->cr4 & CR4_DE))) {
        exit_ud(x);
        return;
    }
    if (exit_cpl(s) > 0) {
        exit_gp(x);
        return;
    }
    if (held.dr7 & DR7_GD) {
        general_detect(x);
        return;
    }
    u32 dr = a.dr == 4 || a.dr == 5 ? a.dr + 2 : a.dr; /* DE clear: aliases */
    bool long_mode = ga_long_mode(s);
    if (a.read) {
        u64 v = dr < 4 ? held.addr[dr] : dr == 6 ? dr6_read(s) : held.dr7;
        /* Outside 64-bit mode the operand is 32 bits. */
        if (!regs_set(x, a.reg, long_mode ? v : (u32)v)) {
            exit_ud(x);
            return;
        }
    } else {
        u64 v;
        if (!regs_get(x, a.reg, &v)) {
            exit_ud(x);
            return;
        }
        if (!write(x, dr, long_mode ? v : (u32)v)) {
            exit_gp(x);
            return;
        }
    }
    exit_finish_insn(x, len);
}
