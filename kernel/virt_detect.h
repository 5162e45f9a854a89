/*
 * Deciding whether the CPU's virtualization is usable, from raw CPUID and
 * MSR values (pure: the probe in x86/virt_probe.c reads the hardware, host
 * tests feed values). Vireo needs VT-x with EPT (4-level walks, write-back
 * tables, INVEPT), VPID (INVVPID) and unrestricted guest, or AMD-V with NPT.
 */
#ifndef KERNEL_VIRT_DETECT_H
#define KERNEL_VIRT_DETECT_H

#include <vireo/init_info.h>
#include <vireo/types.h>
#include <stddef.h>

struct vmx_probe {
    bool cpuid_vmx;      /* CPUID.1:ECX.VMX */
    u64 feature_control; /* IA32_FEATURE_CONTROL */
    u64 basic;           /* IA32_VMX_BASIC */
    u64 pinbased;        /* (TRUE_)PINBASED_CTLS: allowed-1 in 63:32 */
    u64 procbased;       /* (TRUE_)PROCBASED_CTLS */
    u64 procbased2;      /* PROCBASED_CTLS2; 0 when secondary controls are absent */
    u64 ept_vpid_cap;    /* EPT_VPID_CAP; 0 when neither EPT nor VPID exists */
};

struct svm_probe {
    bool cpuid_svm; /* CPUID 0x80000001:ECX.SVM */
    u64 vm_cr;      /* VM_CR */
    u32 revision;   /* CPUID 0x8000000A:EAX */
    u32 asid_count; /* CPUID 0x8000000A:EBX */
    u32 features;   /* CPUID 0x8000000A:EDX */
};

struct virt_probe {
    struct vmx_probe vmx;
    struct svm_probe svm;
};

struct virt_result {
    enum vireo_virt_kind kind;
    /* VT-x: firmware left IA32_FEATURE_CONTROL unlocked; the kernel writes
     * feature_control_value (VMX outside SMX enabled, locked). */
    bool write_feature_control;
    u64 feature_control_value;
    char reason[160]; /* why nothing is usable (kind == VIREO_VIRT_NONE) */
};

/* Which optional MSRs the probe may read. */
bool vmx_has_secondary_controls(u64 procbased);
bool vmx_has_ept_or_vpid(u64 procbased2);

void virt_decide(const struct virt_probe *probe, struct virt_result *result);

/* The text after "kernel: virt: " on the first and second line. */
void virt_format_summary(const struct virt_probe *probe, const struct virt_result *result,
                         char *buf, size_t size);
void virt_format_details(const struct virt_probe *probe, const struct virt_result *result,
                         char *buf, size_t size);

#define VIRT_REQUIREMENT "Vireo needs VT-x with EPT, VPID and unrestricted guest, or AMD-V with NPT"

#endif
