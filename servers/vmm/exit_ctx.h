/*
 * One exit being handled: the message (a copy of the UTCB's, since the
 * handler's own calls reuse the UTCB), the items the reply changes, and
 * the steps every handler shares (docs/VMEXIT.md, "What the VMM must do").
 */
#ifndef VIREO_VMM_EXIT_CTX_H
#define VIREO_VMM_EXIT_CTX_H

#include "vm.h"
#include <vireo/x86/cr.h>

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

/* REP string instructions (INS/OUTS in io.c; MOVS/STOS/LODS in
 * emul_string.c) do at most exit_string_chunk() elements per exit, one
 * with RFLAGS.TF set (every iteration single-steps); the guest runs the
 * instruction again for the rest. */
#define EXIT_STRING_CHUNK 4096u
static inline u32 exit_string_chunk(const struct vireo_vcpu_state *s)
{
    return (s->rflags & RFLAGS_TF) ? 1u : EXIT_STRING_CHUNK;
}
/* An index or count register after a string step (amask: the address
 * size's mask): 16-bit updates keep bits 63:16, 32-bit ones zero-extend
 * as every 32-bit register write does (SDM vol. 1 3.4.1.1), 64-bit ones
 * take it all. */
static inline u64 exit_string_update(u64 reg, u64 value, u64 amask)
{
    if (amask == 0xffff)
        return (reg & ~0xffffull) | (value & 0xffff);
    return value & amask;
}
/* A REP string instruction stopped between elements, RIP still at it: RF
 * set, so an instruction breakpoint on it does not fire again when it
 * resumes (SDM 17.3.1.1), and with TF the single-step trap of this
 * iteration. */
void exit_string_suspend(struct exit_ctx *x);

/* Injects a hardware exception instead of completing the instruction. */
void exit_inject_exception(struct exit_ctx *x, u32 vector, bool has_error, u32 error);
/* Injects any event (type: enum vmx_event_type; no instruction length:
 * not for software events) in the next entry. */
void exit_inject_event(struct exit_ctx *x, u32 vector, u32 type, bool has_error, u32 error);
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
