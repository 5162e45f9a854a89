#ifndef KERNEL_X86_CPU_SETUP_H
#define KERNEL_X86_CPU_SETUP_H

#include <vireo/types.h>

/* "kernel: cpu: <vendor> <brand string>" */
void cpu_print_identity(void);
/* NX, write protection, global pages, SMEP/SMAP when offered, and SSE for
 * ring 3 (FXSAVE-format state, unmasked SIMD exceptions as #XM). */
void cpu_features_init(void);
/* SMAP is on: user accesses must be bracketed with stac/clac. */
extern bool cpu_smap_enabled;
/* SYSCALL/SYSRET: STAR, LSTAR, SFMASK and EFER.SCE. */
void syscall_init(void);

#endif
