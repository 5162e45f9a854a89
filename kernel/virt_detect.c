#include "virt_detect.h"
#include <vireo/format.h>
#include <vireo/x86/msr.h>
#include <vireo/x86/vmcs.h>
#include <x86/cpu.h> /* CPUID bit names only */

static bool allowed1(u64 ctls, u64 bit)
{
    return (ctls >> VMX_CTLS_ALLOWED1_SHIFT) & bit;
}

bool vmx_has_secondary_controls(u64 procbased)
{
    return allowed1(procbased, VIREO_BIT(VMX_PROC, SECONDARY_CTLS));
}

bool vmx_has_ept_or_vpid(u64 procbased2)
{
    return allowed1(procbased2, VIREO_BIT(VMX_PROC2, EPT)) ||
           allowed1(procbased2, VIREO_BIT(VMX_PROC2, VPID));
}

static bool vmx_proc2(const struct vmx_probe *v, u64 bit)
{
    return vmx_has_secondary_controls(v->procbased) && allowed1(v->procbased2, bit);
}

static bool ept_cap(const struct vmx_probe *v, u64 bit)
{
    return vmx_has_secondary_controls(v->procbased) && vmx_has_ept_or_vpid(v->procbased2) &&
           (v->ept_vpid_cap & bit);
}

/* Appends ", name" (or "name" first) to a list being built in buf. */
static void list_add(char *buf, size_t size, size_t *len, const char *name)
{
    if (*len >= size)
        return;
    *len += snformat(buf + *len, size - *len, "%s%s", *len ? ", " : "", name);
}

/* Returns true when VT-x is usable; otherwise writes why. */
static bool vmx_usable(const struct vmx_probe *v, struct virt_result *r, char *why, size_t size)
{
    u64 fc = v->feature_control;
    if (fc & FEATURE_CONTROL_LOCK) {
        if (!(fc & FEATURE_CONTROL_VMX_OUTSIDE_SMX)) {
            snformat(why, size, "VT-x disabled by firmware");
            return false;
        }
    } else {
        r->write_feature_control = true;
        r->feature_control_value = fc | FEATURE_CONTROL_LOCK | FEATURE_CONTROL_VMX_OUTSIDE_SMX;
    }
    if (!vmx_has_secondary_controls(v->procbased)) {
        snformat(why, size,
                 "VT-x lacks secondary processor-based controls (EPT, VPID, "
                 "unrestricted guest)");
        return false;
    }
    char missing[96] = "";
    size_t len = 0;
    if (!vmx_proc2(v, VIREO_BIT(VMX_PROC2, EPT)))
        list_add(missing, sizeof(missing), &len, "EPT");
    if (!vmx_proc2(v, VIREO_BIT(VMX_PROC2, VPID)))
        list_add(missing, sizeof(missing), &len, "VPID");
    if (!vmx_proc2(v, VIREO_BIT(VMX_PROC2, UNRESTRICTED_GUEST)))
        list_add(missing, sizeof(missing), &len, "unrestricted guest");
    if (len) {
        snformat(why, size, "VT-x lacks %s", missing);
        return false;
    }
    if (!ept_cap(v, VMX_EPT_CAP_WALK_4))
        list_add(missing, sizeof(missing), &len, "4-level walks");
    if (!ept_cap(v, VMX_EPT_CAP_WB))
        list_add(missing, sizeof(missing), &len, "write-back paging structures");
    if (!ept_cap(v, VMX_EPT_CAP_INVEPT))
        list_add(missing, sizeof(missing), &len, "INVEPT");
    if (!ept_cap(v, VMX_EPT_CAP_INVVPID))
        list_add(missing, sizeof(missing), &len, "INVVPID");
    if (len) {
        snformat(why, size, "VT-x EPT/VPID lacks %s", missing);
        return false;
    }
    return true;
}

static bool svm_usable(const struct svm_probe *s, char *why, size_t size)
{
    if (s->vm_cr & VM_CR_SVMDIS) {
        snformat(why, size, "AMD-V disabled by firmware");
        return false;
    }
    if (!(s->features & CPUID_8000000A_EDX_NPT)) {
        snformat(why, size, "AMD-V lacks NPT");
        return false;
    }
    return true;
}

void virt_decide(const struct virt_probe *p, struct virt_result *r)
{
    char vmx_why[96] = "", svm_why[64] = "";
    r->kind = VIREO_VIRT_NONE;
    r->write_feature_control = false;
    r->feature_control_value = 0;
    r->reason[0] = '\0';

    if (p->vmx.cpuid_vmx && vmx_usable(&p->vmx, r, vmx_why, sizeof(vmx_why))) {
        r->kind = VIREO_VIRT_VMX;
        return;
    }
    r->write_feature_control = false; /* nothing to enable if VT-x is unusable */
    if (p->svm.cpuid_svm && svm_usable(&p->svm, svm_why, sizeof(svm_why))) {
        r->kind = VIREO_VIRT_SVM;
        return;
    }
    if (p->vmx.cpuid_vmx && p->svm.cpuid_svm)
        snformat(r->reason, sizeof(r->reason), "%s; %s", vmx_why, svm_why);
    else if (p->vmx.cpuid_vmx)
        snformat(r->reason, sizeof(r->reason), "%s", vmx_why);
    else if (p->svm.cpuid_svm)
        snformat(r->reason, sizeof(r->reason), "%s", svm_why);
    else
        snformat(r->reason, sizeof(r->reason), "CPU has neither VT-x nor AMD-V");
}

void virt_format_summary(const struct virt_probe *p, const struct virt_result *r, char *buf,
                         size_t size)
{
    (void)p;
    switch (r->kind) {
    case VIREO_VIRT_VMX:
        snformat(buf, size, "VT-x with EPT, VPID, unrestricted guest");
        break;
    case VIREO_VIRT_SVM:
        snformat(buf, size, "AMD-V with NPT");
        break;
    default:
        snformat(buf, size, "no usable virtualization: %s; " VIRT_REQUIREMENT, r->reason);
        break;
    }
}

static const char *yes_no(bool b)
{
    return b ? "yes" : "no";
}

void virt_format_details(const struct virt_probe *p, const struct virt_result *r, char *buf,
                         size_t size)
{
    const struct vmx_probe *v = &p->vmx;
    const struct svm_probe *s = &p->svm;
    switch (r->kind) {
    case VIREO_VIRT_VMX:
        snformat(buf, size,
                 "VT-x details: VMCS revision 0x%x, EPT 4-level walk %s, EPT write-back %s, "
                 "EPT 2M pages %s, EPT 1G pages %s, EPT A/D flags %s, INVEPT %s, INVVPID %s, "
                 "preemption timer %s",
                 (unsigned)(v->basic & 0x7fffffff), yes_no(ept_cap(v, VMX_EPT_CAP_WALK_4)),
                 yes_no(ept_cap(v, VMX_EPT_CAP_WB)), yes_no(ept_cap(v, VMX_EPT_CAP_2M)),
                 yes_no(ept_cap(v, VMX_EPT_CAP_1G)), yes_no(ept_cap(v, VMX_EPT_CAP_AD)),
                 yes_no(ept_cap(v, VMX_EPT_CAP_INVEPT)), yes_no(ept_cap(v, VMX_EPT_CAP_INVVPID)),
                 yes_no(allowed1(v->pinbased, VIREO_BIT(VMX_PIN, PREEMPTION_TIMER))));
        break;
    case VIREO_VIRT_SVM:
        snformat(buf, size,
                 "AMD-V details: revision %u, %u ASIDs, next-RIP save %s, flush-by-ASID %s, "
                 "decode assists %s",
                 s->revision & 0xff, s->asid_count, yes_no(s->features & CPUID_8000000A_EDX_NRIPS),
                 yes_no(s->features & CPUID_8000000A_EDX_FLUSH_BY_ASID),
                 yes_no(s->features & CPUID_8000000A_EDX_DECODE_ASSISTS));
        break;
    default:
        if (size)
            buf[0] = '\0';
        break;
    }
}
