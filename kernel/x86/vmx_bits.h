/*
 * The pure arithmetic of the VT-x back end: control values from the
 * capability MSRs, the CR0/CR4 bits VMX forces and how they combine with
 * the VMM's guest/host masks and read shadows, the CTRL flags <-> execution
 * controls, which exits report an instruction length, PAE PDPTE checks.
 * No hardware access: vmx.c and vmx_state.c use it, tests/unit/vmx/
 * test_vmx_bits.c checks it.
 */
#ifndef KERNEL_X86_VMX_BITS_H
#define KERNEL_X86_VMX_BITS_H

#include <vireo/x86/vmcs.h>

/*
 * ---- control values ----
 * A capability MSR (IA32_VMX_[TRUE_]*_CTLS, IA32_VMX_PROCBASED_CTLS2)
 * holds in bits 31:0 the allowed-0 settings (a 1 there: the control must
 * be 1) and in bits 63:32 the allowed-1 settings (a 0 there: it must be 0).
 */
static inline u32 vmx_ctl_must1(u64 cap)
{
    return (u32)cap;
}
static inline u32 vmx_ctl_may1(u64 cap)
{
    return (u32)(cap >> 32);
}

/* The value with every `required` bit, each `optional` bit the CPU allows,
 * and whatever the CPU forces. false when a required bit cannot be 1 (then
 * *missing names them) or the MSR contradicts itself (a bit that must be 1
 * but may not be: *missing names those). */
bool vmx_ctl_value(u64 cap, u32 required, u32 optional, u32 *value, u32 *missing);

/* A control word changed at run time: base with the `dynamic` bits
 * replaced by `on` (the caller checked that the CPU allows each bit of
 * `on`); the bits the CPU forces stay set. */
static inline u32 vmx_ctl_update(u64 cap, u32 base, u32 dynamic, u32 on)
{
    return (base & ~dynamic) | (on & dynamic) | vmx_ctl_must1(cap);
}

/*
 * ---- CR0 / CR4 ----
 * IA32_VMX_CR0/CR4_FIXED0 name the bits that must be 1 in VMX operation
 * (and in a guest's real register), FIXED1 those that may be 1. With
 * unrestricted guest, CR0.PE and CR0.PG are free in the guest. The back
 * end sets the forced bits in the real guest register, owns them (guest/
 * host mask) and keeps the guest's own value of them, which the read
 * shadow and the exit message show.
 */
u64 vmx_cr0_forced(u64 fixed0);
u64 vmx_cr4_forced(u64 fixed0);

/* May the guest run with this architectural CR0 / CR4 once the forced bits
 * are set (FIXED1, NW without CD, PG without PE)? */
bool vmx_cr0_valid(u64 cr0, u64 forced, u64 fixed1);
bool vmx_cr4_valid(u64 cr4, u64 forced, u64 fixed1);

/* The register the guest really runs with. */
static inline u64 vmx_cr_real(u64 guest, u64 forced)
{
    return guest | forced;
}
/* The guest/host mask: the VMM's bits and the forced ones. */
static inline u64 vmx_cr_mask(u64 vmm_mask, u64 forced)
{
    return vmm_mask | forced;
}
/* The read shadow: the VMM's shadow for its bits, the guest's own value
 * for forced bits the VMM does not own; 0 elsewhere (not in the mask). */
static inline u64 vmx_cr_shadow(u64 vmm_mask, u64 vmm_shadow, u64 guest, u64 forced)
{
    return (vmm_shadow & vmm_mask) | (guest & forced & ~vmm_mask);
}
/* The guest's architectural value from the real register and the guest's
 * own values of the forced bits. */
static inline u64 vmx_cr_guest(u64 real, u64 guest_forced, u64 forced)
{
    return (real & ~forced) | (guest_forced & forced);
}

/*
 * ---- CTRL flags (struct vireo_vcpu_ctrl) <-> execution controls ----
 */
/* Processor-based controls the CTRL flags switch, and those of flags. */
u32 vmx_proc_dynamic(void);
u32 vmx_proc_from_ctrl(u64 flags);
/* Secondary controls the CTRL flags switch, and those of flags. */
u32 vmx_proc2_dynamic(void);
u32 vmx_proc2_from_ctrl(u64 flags);
/* The VIREO_CTRL flags a CPU with these capability MSRs can provide
 * (TPR_THRESHOLD never: no TPR shadow; NMI_WINDOW needs virtual NMIs). */
u64 vmx_ctrl_supported(u64 pin_cap, u64 proc_cap, u64 proc2_cap);

/*
 * ---- exits ----
 */
/* Does an exit of this basic reason report the instruction's length in
 * VMCS_EXIT_INSN_LEN (SDM vol. 3, 28.2.5)? Exceptions: only for
 * software exceptions and interrupts (decided by the caller from the
 * interruption type), as for any exit during the delivery of one. */
bool vmx_exit_has_insn_len(u32 basic);
/* Is an event of this VMX interruption type (enum vmx_event_type) a
 * software event, whose injection needs an instruction length? */
static inline bool vmx_event_is_soft(u32 type)
{
    return type == VMX_EVENT_SW_INTR || type == VMX_EVENT_PRIV_SW_EXCEPTION ||
           type == VMX_EVENT_SW_EXCEPTION;
}

/* Normalized DESC_TABLE information (VIREO_DTQ) of exit reason 46/47
 * from the instruction information. */
u64 vmx_dtq(u32 basic, u32 insn_info);
/* Normalized DR_ACCESS information (VIREO_DRQ) from the qualification. */
u64 vmx_drq(u64 qual);
/* Normalized TASK_SWITCH information (VIREO_TSQ) from the qualification
 * and the IDT-vectoring information (an error code pushed by the switch). */
u64 vmx_tsq(u64 qual, u32 vect_info);

/* PAE paging without long mode: the index (0..3) of the first present
 * PDPTE with a reserved bit set (bits 2:1, 8:5, or at and above the
 * physical-address width), or -1. */
int vmx_pdpte_invalid(const u64 pdpte[4], u32 phys_bits);

#endif
