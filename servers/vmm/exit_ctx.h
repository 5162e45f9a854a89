/*
 * One exit being handled: the message (a copy of the UTCB's, since the
 * handler's own calls reuse the UTCB), the items the reply changes, and
 * the steps every handler shares (docs/VMEXIT.md, "What the VMM must do").
 */
#ifndef VIREO_VMM_EXIT_CTX_H
#define VIREO_VMM_EXIT_CTX_H

#include "vm.h"

struct lapic;

struct exit_ctx {
    struct vm *vm;
    struct vireo_vcpu_state *s;
    u64 changed;         /* the reply's MTD */
    struct lapic *lapic; /* the vCPU's local APIC (NULL in host tests that need none) */
    u64 tsc_offset;      /* guest TSC = host TSC + tsc_offset */
};

/* The instruction at RIP (len bytes) was emulated: RIP moves past it,
 * STI and MOV-SS blocking end, and with RFLAGS.TF set (and DEBUGCTL.BTF
 * clear: it is no branch) its single-step trap is left pending, so the #DB
 * comes at the next instruction boundary as the CPU would deliver it. */
void exit_finish_insn(struct exit_ctx *x, u64 len);

/* Injects a hardware exception instead of completing the instruction. */
void exit_inject_exception(struct exit_ctx *x, u32 vector, bool has_error, u32 error);
#define EXC_DB 1
#define EXC_UD 6
#define EXC_DF 8
#define EXC_SS 12
#define EXC_GP 13
#define EXC_PF 14
#define EXC_AC 17
static inline void exit_gp(struct exit_ctx *x)
{
    exit_inject_exception(x, EXC_GP, true, 0);
}
static inline void exit_ud(struct exit_ctx *x)
{
    exit_inject_exception(x, EXC_UD, false, 0);
}

/* An event whose delivery the exit interrupted (IDT_VECT) goes in again. */
void exit_reinject_vectoring(struct exit_ctx *x);

/* The guest's privilege level (SS.DPL; 0 in real mode). */
u32 exit_cpl(const struct vireo_vcpu_state *s);

#endif
