/* RDMSR/WRMSR exits: the MSRs the VMM emulates, with their reserved-bit
 * checks; every other index raises #GP, as on a CPU without it
 * (docs/VMM.md, "MSRs"). */
#ifndef VIREO_VMM_MSR_H
#define VIREO_VMM_MSR_H

#include "exit_ctx.h"

/* What the handlers need beyond the class defaults. */
#define MSR_EXIT_MTD (VIREO_MTD(FS_GS) | VIREO_MTD(PAT_DEBUGCTL) | VIREO_MTD(CR0_CR4))

/* The emulated MSRs' values that live in the VMM, not in the vCPU. */
struct msr_state {
    u64 apic_base;
    u64 misc_enable;
    u64 tsc_aux;
    u64 mtrr_def_type;
    u64 mtrr_var[16]; /* IA32_MTRR_PHYSBASE0/PHYSMASK0 .. 7 */
    u64 mtrr_fixed[11];
};

void msr_init(struct msr_state *m);
void msr_read_exit(struct exit_ctx *x, struct msr_state *m);
void msr_write_exit(struct exit_ctx *x, struct msr_state *m);

#endif
