/*
 * The VT-x back end's own shared state (vmx.c: CPU set-up, vCPU set-up,
 * entry and exits; vmx_state.c: the exit message items). docs/VMX.md
 * describes the design; kernel/x86/vcpu.h is the contract.
 */
#ifndef KERNEL_X86_VMX_H
#define KERNEL_X86_VMX_H

#include "vcpu.h"
#include "percpu.h"
#include "vmx_insn.h"
#include "../vcpu/entry_check.h"
#include <vireo/x86/msr.h>

/* One entry of a VM-entry/VM-exit MSR area (SDM vol. 3, 25.7.2). */
struct vmx_msr_entry {
    u32 index;
    u32 reserved;
    u64 value;
};

/* The MSRs that pass through the MSR bitmap without a VMCS field of their
 * own: their guest values live in the vCPU's MSR area (loaded at entry,
 * stored at exit), the host's in the shared host area (loaded at exit). */
#define VMX_AREA_MSRS(X)                                                                           \
    X(KERNEL_GS_BASE)                                                                              \
    X(STAR)                                                                                        \
    X(LSTAR)                                                                                       \
    X(CSTAR)                                                                                       \
    X(SFMASK)                                                                                      \
    X(TSC_AUX)
enum vmx_area_slot {
#define VMX_AREA_SLOT_(name) VMX_AREA_##name,
    VMX_AREA_MSRS(VMX_AREA_SLOT_)
#undef VMX_AREA_SLOT_
        VMX_AREA_COUNT
};

/* A vCPU's VMX state, in struct vcpu's backend bytes. */
struct vmx_vcpu {
    /* The guest MSR area: VM-entry MSR-load and VM-exit MSR-store area at
     * once (16-byte aligned: the backend bytes are 64-byte aligned). */
    struct vmx_msr_entry msrs[VMX_AREA_COUNT];
    /* The VMM's controls as it last set them (the CTRL item). */
    struct vireo_vcpu_ctrl ctrl;
    /* The guest's own values of the CR0/CR4 bits VMX forces to 1. */
    u64 cr0_forced_val, cr4_forced_val;
    u64 cr2; /* saved after every exit, loaded before entry */
    u64 cr8; /* the TPR: CR8 accesses exit (no TPR shadow), kept here */
    /* The last exit, as far as run() read it. */
    u32 exit_reason, exit_intr_info;
    /* A VMWRITE into this VMCS failed (a kernel bug): the VM-instruction
     * error (or ~0 when none could be read); the next entry fails with
     * HW_VMFAIL instead of running on a half-written VMCS. */
    u32 vmcs_bad;
    u32 reserved;
};
_Static_assert(sizeof(struct vmx_vcpu) <= VCPU_BACKEND_BYTES, "the VMX state fits the vCPU");
_Static_assert(__builtin_offsetof(struct vmx_vcpu, msrs) % 16 == 0, "MSR areas: 16-byte aligned");

static inline struct vmx_vcpu *vmx_of(struct vcpu *v)
{
    return (struct vmx_vcpu *)v->backend;
}

/* What cpu_init found and chose, the same on every CPU. */
struct vmx_config {
    u32 revision; /* VMCS revision identifier */
    /* Base control values (the CTRL flags switch the dynamic bits). */
    u32 pin, proc, proc2, exit, entry;
    u64 pin_cap, proc_cap, proc2_cap, exit_cap, entry_cap; /* capability MSRs */
    u64 ept_cap, misc;
    u64 cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
    u64 cr0_forced, cr4_forced; /* bits forced to 1 in a guest's real CR0/CR4 */
    u64 ctrl_supported;         /* VIREO_CTRL flags this CPU can provide */
    struct entry_caps caps;     /* what the generic VM-entry checks know */
    bool ept_ad;                /* EPT accessed/dirty flags in use */
    bool addr32;                /* VMX structures must lie below 4 GiB */
    bool preempt_timer;         /* the CPU has the preemption timer */
    /* Shared pages (physical addresses). */
    u64 msr_bitmap, io_bitmap_a, io_bitmap_b, host_msrs;
    bool host_msrs_read; /* host values in host_msrs (at the first vCPU) */
};
extern struct vmx_config vmx_cfg;

/* Per CPU. */
struct vmx_cpu {
    u64 vmxon_phys;
    struct vcpu *current; /* whose VMCS is current (VMPTRLD) */
    bool nmi_logged;
};
extern struct vmx_cpu vmx_cpus[CONFIG_MAX_CPUS];

static inline struct vmx_cpu *this_vmx(void)
{
    return &vmx_cpus[this_cpu()->index];
}

/* The MSR of each slot of the MSR areas. */
extern const u32 vmx_area_msrs[VMX_AREA_COUNT];

/* The preemption timer's value when armed (vmx_cpu.c: it is not). */
#define VMX_PREEMPT_TIMER_VALUE 0xffffffffu /* counts TSC >> IA32_VMX_MISC[4:0] */

/* vmx_cpu.c: VMXON on this CPU (the contract's cpu_init). */
bool vmx_cpu_init(void);

/* The VMCS that is current on this CPU is v's (VMPTRLD if needed).
 * false: VMPTRLD failed (logged). */
bool vmx_load(struct vcpu *v);

/* A VMREAD/VMWRITE failed: log it; a failed write marks the current
 * vCPU's VMCS bad (struct vmx_vcpu.vmcs_bad). */
void vmcs_failed(u32 field, bool write);

static inline u64 vmcs_get(u32 field)
{
    u64 value;
    if (__builtin_expect(!vmx_vmread(field, &value), 0)) {
        vmcs_failed(field, false);
        return 0;
    }
    return value;
}

static inline void vmcs_put(u32 field, u64 value)
{
    if (__builtin_expect(!vmx_vmwrite(field, value), 0))
        vmcs_failed(field, true);
}

/* vmx_state.c: the contract's read/check/write, and the CR0/CR4 set-up
 * both files use. */
void vmx_read(struct vcpu *v, u64 mtd, struct vireo_vcpu_state *s);
u32 vmx_check(struct vcpu *v, const struct vireo_vcpu_state *next, u64 mtd, u64 *detail, u32 *item);
void vmx_write(struct vcpu *v, u64 mtd, const struct vireo_vcpu_state *s);
/* Loads guest CR0/CR4 (architectural values), masks and shadows. */
void vmx_set_cr0(struct vcpu *v, u64 cr0);
void vmx_set_cr4(struct vcpu *v, u64 cr4);
/* Loads the VMM's controls (CTRL item) into the VMCS. */
void vmx_set_ctrl(struct vcpu *v, const struct vireo_vcpu_ctrl *ctrl);

#endif
