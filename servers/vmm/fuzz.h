/*
 * The reply fuzzer (VMM `arg` bit 2, VMM_ARG_REPLY_FUZZ): after handling an
 * exit, the VMM damages its reply at random (a bit of one to three
 * state items flipped), so that the kernel's VM-entry checks meet states
 * no honest VMM sends. Every reply must either pass the kernel's checks or
 * come back as an ENTRY_FAILURE naming one of them; a hardware failure
 * (HW_* checks: the CPU refused what the kernel let through) is a gap in
 * the kernel's checks, counted and described. A guest that the damage
 * kills (a triple fault, an exit the VMM cannot handle) is booted again.
 * After VMM_FUZZ_REPLIES damaged replies the VM ends and the VMM prints
 *   NAME: reply fuzz: N damaged replies, R refused, A accepted, H hardware failures, B reboots
 */
#ifndef VIREO_VMM_FUZZ_H
#define VIREO_VMM_FUZZ_H

#include "exit_ctx.h"

#define VMM_FUZZ_REPLIES 3000u
/* RECALL exits in a row (the main thread recalls every 2 ms) after which a
 * guest counts as hung: booted again. */
#define VMM_FUZZ_QUIET_RECALLS 50u

struct fuzz {
    u64 seed;
    u32 limit; /* damaged replies to send */
    u32 damaged, refused, hardware, reboots;
    u32 last_damaged;              /* the previous reply was damaged */
    u32 quiet;                     /* RECALL exits in a row */
    u32 checks[VIREO_CHECK_COUNT]; /* refusals per check */
};

void fuzz_init(struct fuzz *f, u64 seed, u32 limit);
/* The fuzzer's next random number. */
u64 fuzz_next(struct fuzz *f);
/* Damages the reply about to go out (x->s, x->changed). */
void fuzz_reply(struct fuzz *f, struct exit_ctx *x);
/* An ENTRY_FAILURE exit: counts it; true if it came from the hardware. */
bool fuzz_entry_failure(struct fuzz *f, const struct vireo_vcpu_state *s);
/* The summary line. */
void fuzz_report(const struct fuzz *f, const char *vm_name);

#endif
