/* CPUID exits: the host's answers, filtered to what Vireo's guests get
 * (docs/VMM.md, "CPUID"). */
#ifndef VIREO_VMM_CPUID_H
#define VIREO_VMM_CPUID_H

#include "exit_ctx.h"
#include <vireo/server_info.h>

struct cpuid_result {
    u32 eax, ebx, ecx, edx;
};

/* The provider of the VM (enum vireo_vm_paravirt); "minimal" until set. */
void cpuid_init(u32 paravirt);

/* What the guest sees for leaf/subleaf. */
struct cpuid_result cpuid_guest(u32 leaf, u32 subleaf);

/* The guest's physical-address width (CPUID 0x80000008 EAX[7:0]; 36
 * without the leaf), at most 52. */
u32 cpuid_phys_bits(void);

void cpuid_exit(struct exit_ctx *x);

#endif
