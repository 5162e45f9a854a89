/* An EC's user state on x86: the register frame of its last kernel entry
 * and its FXSAVE area, kept in the EC's arch area (kernel/obj/objects.h);
 * a vCPU's FPU/SSE/AVX state is in its struct vcpu (XSAVE, xsave.h). An
 * EC's FPU state goes into the registers when it resumes or enters, the
 * previous owner's saved first. The kernel keeps no stack for a
 * blocked EC: an EC resumes by copying its frame onto the per-CPU stack and
 * leaving through SYSRET or IRETQ. */
#ifndef KERNEL_X86_EC_CONTEXT_H
#define KERNEL_X86_EC_CONTEXT_H

#include "frame.h"
#include "../obj/objects.h"
#include <vireo/x86/xsave.h>

struct ec_arch {
    struct cpu_frame frame;
    u8 fxsave[XSAVE_LEGACY_BYTES] __attribute__((aligned(FXSAVE_ALIGN)));
};

static inline struct cpu_frame *ec_frame(struct obj_ec *ec)
{
    return &((struct ec_arch *)ec->arch_area)->frame;
}

/* A new thread's state: at ip with %rsp = sp, every other register 0,
 * interrupts on, FPU/SSE in their reset state. */
void ec_context_init(struct obj_ec *ec);
/* FPU/SSE/AVX state in its reset state (a new thread's; a vCPU's at
 * creation, with XCR0 = 1). */
void ec_context_fpu_reset(struct obj_ec *ec);
/* ec's FPU/SSE/AVX state into the registers, the previous owner's saved,
 * and XCR0 set for ec: a vCPU's own (called just before it enters; the
 * back ends never touch XCR0), a thread's the host's. */
void ec_context_fpu_load(struct obj_ec *ec);
/* Something (a VM exit) overwrote the FS base: reload it on the next
 * return to a thread. */
void ec_context_fs_lost(void);
/* Saves the frame of ec's kernel entry. */
void ec_context_save(struct obj_ec *ec, const struct cpu_frame *frame);
/* Loads ec's address space, FS base (its UTCB) and FPU state and returns
 * to it in ring 3. */
__attribute__((noreturn)) void ec_context_resume(struct obj_ec *ec);
/* ec is going away: its FPU state need not be saved. */
void ec_context_forget(struct obj_ec *ec);
/* Runs idle_loop() on a fresh per-CPU stack (nothing of the caller's is
 * kept). */
__attribute__((noreturn)) void ec_context_idle(void (*idle_loop)(void));

#endif
