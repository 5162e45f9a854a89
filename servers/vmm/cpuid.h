/* CPUID exits: the host's answers filtered through the VM's policy to
 * what Vireo emulates (docs/VMM.md, "CPUID"; the flags a guest may see:
 * abi/vireo/x86/cpuid.h). */
#ifndef VIREO_VMM_CPUID_H
#define VIREO_VMM_CPUID_H

#include "exit_ctx.h"
#include <vireo/server_info.h>
#include <vireo/x86/cpuid.h>

struct cpuid_result {
    u32 eax, ebx, ecx, edx;
};

/* What the VM's node says (abi/bindings.md, /vms): the paravirtualization
 * provider, the features removed, and the vCPU's initial APIC ID. */
struct cpuid_policy {
    u32 paravirt; /* enum vireo_vm_paravirt */
    u32 apic_id;
    u64 disable[VIREO_CPUID_SET_WORDS]; /* enum vireo_cpuid_feature bits */
};

/* The host's CPUID, replaceable for host tests. */
typedef struct cpuid_result (*cpuid_host_fn)(u32 leaf, u32 subleaf);

/* Sets the policy (host NULL: the CPUID instruction); every answer after
 * this follows it. */
void cpuid_configure(const struct cpuid_policy *p, cpuid_host_fn host);
/* cpuid_configure with the VM's node (paravirt, cpuid-disable), APIC ID 0. */
void cpuid_init_vm(const struct vireo_vm_info *cfg);
/* cpuid_configure with only a provider: nothing removed, APIC ID 0.
 * Until configured, the provider is "minimal". */
void cpuid_init(u32 paravirt);

/* The guest state a few answers follow: CR4.OSXSAVE (leaf 1 OSXSAVE),
 * XCR0 (leaf 0xd sizes), IA32_APIC_BASE.EN (leaf 1 APIC). */
struct cpuid_dynamic {
    u64 cr4, xcr0;
    bool apic_enabled;
};

/* What the guest sees for leaf/subleaf in that state. */
struct cpuid_result cpuid_answer(u32 leaf, u32 subleaf, const struct cpuid_dynamic *d);
/* The same with CR4.OSXSAVE clear, XCR0 = x87, the APIC enabled: for the
 * feature checks of the other handlers. */
struct cpuid_result cpuid_guest(u32 leaf, u32 subleaf);
/* Whether the guest is offered feature f. */
bool cpuid_has(enum vireo_cpuid_feature f);
/* The XCR0 bits the guest may set (0: XSAVE is not offered): the
 * xstate_guest_xcr0_mask() less what the policy removes (xsave, avx). */
u64 cpuid_xcr0_mask(void);
/* The KVM features the guest is offered (CPUID 0x40000001 EAX, bits
 * 1 << enum vireo_kvm_feature): every one of abi/vireo/x86/kvm_para.h's
 * table under the `kvm` provider, none under the others. */
u32 cpuid_kvm_features(void);
/* The host's vendor rules apply (AMD: leaves out of range read 0; Intel:
 * they read as the highest basic leaf). */
bool cpuid_vendor_amd(void);

/* The guest's physical-address width (CPUID 0x80000008 EAX[7:0]; 36
 * without the leaf), at most 48 (what EPT's 4-level walk maps). */
u32 cpuid_phys_bits(void);

/* The last CR4 and XCR0 the guest loaded, for CPUID exits whose message
 * lacks them (cr.c calls the first; the XSETBV handler the second). */
void cpuid_note_cr4(u64 cr4);
void cpuid_note_xcr0(u64 xcr0);

/* What the handler needs beyond the class defaults: leaf 0xd's sizes
 * follow the guest's XCR0 (an AMD-V guest on QEMU TCG sets it without an
 * XSETBV exit, so the exit must bring it). */
#define CPUID_EXIT_MTD VIREO_MTD(XCR0)

void cpuid_exit(struct exit_ctx *x);

#endif
