/*
 * The VM-entry rules every reply of a VMM is checked against before the
 * kernel loads it (docs/VMEXIT.md, "The reply"): the architecture's rules
 * for guest state (Intel SDM vol. 3 section 27.3.1 "Checks on the Guest
 * State Area" and 27.2/27.3 event injection; AMD APM vol. 2 section 15.5
 * "VMRUN" consistency checks), independent of the back end. The back ends
 * add what only they know (VMX fixed CR bits, unsupported controls) in
 * their own check().
 *
 * Pure: no hardware access, host-tested in tests/unit/vcpu.
 */
#ifndef KERNEL_VCPU_ENTRY_CHECK_H
#define KERNEL_VCPU_ENTRY_CHECK_H

#include <vireo/vmexit.h>

/* What the CPU offers, as far as the checks need it (entry_caps_probe
 * reads it; host tests fill it by hand). */
struct entry_caps {
    u64 cr4_valid;      /* CR4 bits this CPU supports (any other bit is reserved) */
    u64 efer_valid;     /* EFER bits this CPU supports */
    u64 xcr0_valid;     /* XCR0 components a guest may have (1 without XSAVE) */
    u32 phys_bits;      /* physical-address width (CPUID 0x80000008 EAX[7:0]) */
    u32 activity_valid; /* bit n: enum vmx_activity n may be entered */
    u32 flags;          /* ENTRY_CAP_* below */
};
/* entry_caps.flags */
/* A software event (SW_INTR, PRIV_SW_EXCEPTION, SW_EXCEPTION) may be
 * injected with inj_len 0: SVM (0 means "no length", docs/VMEXIT.md open
 * question 10); VMX only with IA32_VMX_MISC bit 30. */
#define ENTRY_CAP_INJECT_LEN0 (1u << 0)
/* VMX_EVENT_OTHER with vector 0 (a pending MTF VM exit) may be injected:
 * VMX with the monitor-trap-flag control; never on SVM. */
#define ENTRY_CAP_INJECT_MTF (1u << 1)
/* pending_dbg may have RTM set (VMX on a CPU with RTM, CPUID.7.0:EBX[11]). */
#define ENTRY_CAP_RTM (1u << 2)

/* Fills caps from CPUID (and the VMX capability MSRs for arch VMX). */
void entry_caps_probe(struct entry_caps *caps, enum vireo_vcpu_arch arch);

/* The items entry_check reads besides those the reply changes: with a
 * reply that changes any item in ENTRY_CHECK_MODE_ITEMS, every segment too
 * (a mode change must agree with all of them). */
#define ENTRY_CHECK_BASE_ITEMS                                                                     \
    (VIREO_MTD(CR0_CR4) | VIREO_MTD(EFER) | VIREO_MTD(RFLAGS) | VIREO_MTD(CS_SS) |                 \
     VIREO_MTD(INTR_STATE) | VIREO_MTD(PAT_DEBUGCTL))
#define ENTRY_CHECK_SEG_ITEMS                                                                      \
    (VIREO_MTD(CS_SS) | VIREO_MTD(DS_ES) | VIREO_MTD(FS_GS) | VIREO_MTD(TR) | VIREO_MTD(LDTR) |    \
     VIREO_MTD(GDTR) | VIREO_MTD(IDTR))
#define ENTRY_CHECK_MODE_ITEMS                                                                     \
    (VIREO_MTD(CR0_CR4) | VIREO_MTD(EFER) | VIREO_MTD(RFLAGS) | ENTRY_CHECK_SEG_ITEMS)
/* What entry_check needs present in *s for a reply that changes `changed`:
 * a mode change is checked against RIP and every segment, a paging change
 * against CR3 (and PAE's PDPTEs), and what decides a pending single step
 * against the pending debug exceptions. */
static inline u64 entry_check_items(u64 changed)
{
    u64 need = ENTRY_CHECK_BASE_ITEMS | changed;
    if (changed & ENTRY_CHECK_MODE_ITEMS)
        need |= ENTRY_CHECK_SEG_ITEMS | VIREO_MTD(RIP_LEN);
    if (changed & (VIREO_MTD(CR0_CR4) | VIREO_MTD(EFER)))
        need |= VIREO_MTD(CR3);
    if (changed & (VIREO_MTD(RFLAGS) | VIREO_MTD(INTR_STATE) | VIREO_MTD(PAT_DEBUGCTL)))
        need |= VIREO_MTD(PENDING_DBG);
    return need;
}

/* Checks *s, the complete state the vCPU would enter with (every item of
 * entry_check_items(changed) present), where `changed` are the items the
 * reply set. Checks every present item and the combinations between
 * them, in a fixed order, and stops at the first failure: returns enum vireo_entry_check
 * (VIREO_CHECK_NONE when all pass), *detail the offending value (or the
 * enum vireo_seg_index, the MSR, ...) as the check's text in vmexit.h
 * says, *item the MTD bit of the item at fault (~0u if none is).
 *
 * What the checks assume of the back ends: VMX runs guests with
 * "unrestricted guest", "IA-32e mode guest" = EFER.LMA, "virtual NMIs" and
 * the load-EFER/PAT/debug-controls entry controls, and marks segments with
 * P = 0 (other than CS and TR) unusable; SVM reports SS.DPL as the CPL and
 * TR as a busy TSS. A rule between a changed item and one that is not in
 * entry_check_items() (RIP against a new CS or EFER, PDPTEs against a new
 * CR4.PAE, pending_dbg.BS against a new RFLAGS.TF) is checked only when
 * the reply also names the other item. */
u32 entry_check(const struct vireo_vcpu_state *s, u64 changed, const struct entry_caps *caps,
                u64 *detail, u32 *item);

#endif
