/* Reads the CPU's virtualization capabilities (only MSRs that CPUID or the
 * control MSRs say exist), lets virt_detect.c decide, prints the result, and
 * stops the system when nothing usable is there. No VMXON/SVME yet. */
#include "virt_probe.h"
#include "msr_safe.h"
#include "../log.h"
#include "../stop.h"
#include "../virt_detect.h"
#include <x86/cpu.h>

static u64 read_or_zero(u32 msr)
{
    u64 value = 0;
    return rdmsr_safe(msr, &value) ? value : 0;
}

static void probe_vmx(struct vmx_probe *v)
{
    v->cpuid_vmx = cpuid(1, 0).ecx & CPUID_1_ECX_VMX;
    if (!v->cpuid_vmx)
        return;
    v->feature_control = read_or_zero(MSR_FEATURE_CONTROL);
    v->basic = read_or_zero(MSR_VMX_BASIC);
    bool true_ctls = v->basic & VMX_BASIC_TRUE_CTLS;
    v->pinbased = read_or_zero(true_ctls ? MSR_VMX_TRUE_PINBASED_CTLS : MSR_VMX_PINBASED_CTLS);
    v->procbased = read_or_zero(true_ctls ? MSR_VMX_TRUE_PROCBASED_CTLS : MSR_VMX_PROCBASED_CTLS);
    if (vmx_has_secondary_controls(v->procbased)) {
        v->procbased2 = read_or_zero(MSR_VMX_PROCBASED_CTLS2);
        if (vmx_has_ept_or_vpid(v->procbased2))
            v->ept_vpid_cap = read_or_zero(MSR_VMX_EPT_VPID_CAP);
    }
}

static void probe_svm(struct svm_probe *s)
{
    if (cpuid(0x80000000, 0).eax < 0x80000001)
        return;
    s->cpuid_svm = cpuid(0x80000001, 0).ecx & CPUID_80000001_ECX_SVM;
    if (!s->cpuid_svm)
        return;
    s->vm_cr = read_or_zero(MSR_VM_CR);
    if (cpuid(0x80000000, 0).eax >= 0x8000000a) {
        struct cpuid_regs r = cpuid(0x8000000a, 0);
        s->revision = r.eax;
        s->asid_count = r.ebx;
        s->features = r.edx;
    }
}

enum vireo_virt_kind virt_probe_and_report(void)
{
    struct virt_probe probe = {0};
    struct virt_result result;
    probe_vmx(&probe.vmx);
    probe_svm(&probe.svm);
    virt_decide(&probe, &result);

    if (result.write_feature_control) {
        /* Firmware left it unlocked: enable VMX outside SMX and lock it, as
         * firmware would have. */
        wrmsr(MSR_FEATURE_CONTROL, result.feature_control_value);
    }

    char line[256];
    virt_format_summary(&probe, &result, line, sizeof(line));
    if (result.kind == VIREO_VIRT_NONE) {
        log_error("kernel: virt: %s\n", line);
        system_stop(VIREO_STOP_NO_VIRT, "no usable virtualization");
    }
    log_info("kernel: virt: %s\n", line);
    virt_format_details(&probe, &result, line, sizeof(line));
    log_info("kernel: virt: %s\n", line);
    return result.kind;
}
