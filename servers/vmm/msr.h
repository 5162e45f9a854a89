/* RDMSR/WRMSR exits: the MSRs the VMM emulates (msr.c's table), each with
 * its reserved-bit checks and present only where the guest's CPUID says;
 * every other index raises #GP, as on a CPU without it (docs/VMM.md,
 * "MSRs"). IA32_APIC_BASE, IA32_TSC_DEADLINE and the x2APIC MSRs go to the
 * exit's local APIC (exit_ctx.lapic, lapic.h); under the `kvm` provider
 * kvmclock's MSRs write their structures into guest RAM (pvclock.h). */
#ifndef VIREO_VMM_MSR_H
#define VIREO_VMM_MSR_H

#include "exit_ctx.h"

/* What the handlers need beyond the class defaults. */
#define MSR_EXIT_MTD (VIREO_MTD(FS_GS) | VIREO_MTD(PAT_DEBUGCTL) | VIREO_MTD(CR0_CR4))

/* The microcode revision IA32_BIOS_SIGN_ID (AMD: PATCH_LEVEL) reports. */
#define MSR_UCODE_REV 1u

/* The emulated MSRs' values that live in the VMM, not in the vCPU. */
struct msr_state {
    u64 apic_base; /* used only without a local APIC model (exit_ctx.lapic NULL) */
    u64 misc_enable;
    u64 tsc_adjust;
    u64 tsc_aux;
    u64 mcg_status;
    u64 mtrr_def_type;
    u64 mtrr_var[16];   /* IA32_MTRR_PHYSBASE0/PHYSMASK0 .. 7 */
    u64 mtrr_fixed[11]; /* FIX64K_00000, FIX16K_80000/A0000, FIX4K_C0000 .. F8000 */
    /* kvmclock (docs/VMM.md, "Paravirtual clock"): the last values of the
     * wall-clock and system-time MSRs (the old indices alias the new). */
    u64 kvm_wall_clock;
    u64 kvm_system_time;
};

/* The state of a reset. */
void msr_init(struct msr_state *m);
void msr_read_exit(struct exit_ctx *x, struct msr_state *m);
void msr_write_exit(struct exit_ctx *x, struct msr_state *m);

#endif
