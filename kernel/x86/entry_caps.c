/* What the CPU offers the VM-entry checks (kernel/vcpu/entry_check.h):
 * CPUID, and on VMX the capability MSRs. Runs once, on the boot CPU, after
 * the back end enabled VMX or SVM (so the VMX MSRs exist). */
#include "xsave.h"
#include "../vcpu/entry_check.h"
#include <vireo/x86/cr.h>
#include <vireo/x86/msr.h>
#include <vireo/x86/vmcs.h>
#include <x86/cpu.h>

/* CPUID feature bits only this file reads (the shared ones are in cpu.h). */
#define EC_CPUID_1_EDX_VME      (1u << 1) /* VME and PVI */
#define EC_CPUID_1_EDX_DE       (1u << 2)
#define EC_CPUID_1_EDX_PSE      (1u << 3)
#define EC_CPUID_1_EDX_TSC      (1u << 4)
#define EC_CPUID_1_EDX_PAE      (1u << 6)
#define EC_CPUID_1_EDX_MCE      (1u << 7)
#define EC_CPUID_1_EDX_PGE      (1u << 13)
#define EC_CPUID_1_EDX_FXSR     (1u << 24)
#define EC_CPUID_1_EDX_SSE      (1u << 25)
#define EC_CPUID_1_ECX_PCID     (1u << 17)
#define EC_CPUID_7_EBX_FSGSBASE (1u << 0)
#define EC_CPUID_7_EBX_RTM      (1u << 11)
#define EC_CPUID_7_ECX_UMIP     (1u << 2)
#define EC_CPUID_7_ECX_PKU      (1u << 3)
#define EC_CPUID_81_EDX_SYSCALL (1u << 11)
#define EC_CPUID_81_EDX_FFXSR   (1u << 25)
#define EC_CPUID_81_EDX_LM      (1u << 29)
#define EC_EFER_FFXSR           (1ull << 14)
#define EC_VMX_MISC_INJECT_LEN0 (1ull << 30)

static struct cpuid_regs cpuid_if(u32 max, u32 leaf)
{
    struct cpuid_regs none = {0, 0, 0, 0};
    return leaf <= max ? cpuid(leaf, 0) : none;
}

void entry_caps_probe(struct entry_caps *caps, enum vireo_vcpu_arch arch)
{
    u32 max = cpuid(0, 0).eax, max_ext = cpuid(0x80000000, 0).eax;
    struct cpuid_regs l1 = cpuid_if(max, 1), l7 = cpuid_if(max, 7);
    struct cpuid_regs e1 = cpuid_if(max_ext, 0x80000001);
    bool vmx = arch == VIREO_ARCH_VMX;

    /* CR4: what the feature bits say exists. PCE (RDPMC outside ring 0)
     * is on every CPU with VMX or SVM; LA57 is left out (the checks know
     * 48-bit canonical addresses only), VMXE and SMXE are never the guest's. */
    u64 cr4 = CR4_PCE;
    if (l1.edx & EC_CPUID_1_EDX_VME)
        cr4 |= CR4_VME | CR4_PVI;
    if (l1.edx & EC_CPUID_1_EDX_TSC)
        cr4 |= CR4_TSD;
    if (l1.edx & EC_CPUID_1_EDX_DE)
        cr4 |= CR4_DE;
    if (l1.edx & EC_CPUID_1_EDX_PSE)
        cr4 |= CR4_PSE;
    if (l1.edx & EC_CPUID_1_EDX_PAE)
        cr4 |= CR4_PAE;
    if (l1.edx & EC_CPUID_1_EDX_MCE)
        cr4 |= CR4_MCE;
    if (l1.edx & EC_CPUID_1_EDX_PGE)
        cr4 |= CR4_PGE;
    if (l1.edx & EC_CPUID_1_EDX_FXSR)
        cr4 |= CR4_OSFXSR;
    if (l1.edx & EC_CPUID_1_EDX_SSE)
        cr4 |= CR4_OSXMMEXCPT;
    if (l1.ecx & EC_CPUID_1_ECX_PCID)
        cr4 |= CR4_PCIDE;
    if (l1.ecx & CPUID_1_ECX_XSAVE)
        cr4 |= CR4_OSXSAVE;
    if (l7.ebx & EC_CPUID_7_EBX_FSGSBASE)
        cr4 |= CR4_FSGSBASE;
    if (l7.ebx & CPUID_7_EBX_SMEP)
        cr4 |= CR4_SMEP;
    if (l7.ebx & CPUID_7_EBX_SMAP)
        cr4 |= CR4_SMAP;
    if (l7.ecx & EC_CPUID_7_ECX_UMIP)
        cr4 |= CR4_UMIP;
    if (l7.ecx & EC_CPUID_7_ECX_PKU)
        cr4 |= CR4_PKE;
    /* VMX: only bits IA32_VMX_CR4_FIXED1 allows in VMX operation. */
    if (vmx)
        cr4 &= rdmsr(MSR_VMX_CR4_FIXED1);
    caps->cr4_valid = cr4 & ~(CR4_VMXE | CR4_SMXE | CR4_LA57);

    /* EFER: never SVME (the SVM back end's own). */
    u64 efer = 0;
    if (e1.edx & EC_CPUID_81_EDX_SYSCALL)
        efer |= EFER_SCE;
    if (e1.edx & EC_CPUID_81_EDX_LM)
        efer |= EFER_LME | EFER_LMA;
    if (e1.edx & CPUID_80000001_EDX_NX)
        efer |= EFER_NXE;
    if (!vmx && (e1.edx & EC_CPUID_81_EDX_FFXSR))
        efer |= EC_EFER_FFXSR;
    caps->efer_valid = efer;

    /* XCR0: the components the kernel switches for guests (XCR0_X87
     * alone without XSAVE: the value every vCPU starts with). */
    caps->xcr0_valid = xsave_vcpu_mask();

    caps->phys_bits = max_ext >= 0x80000008 ? cpuid(0x80000008, 0).eax & 0xff : 36;

    /* Only the active state is ever entered: a VMM halts its vCPU in
     * software (HLT exits). A guest entered halted (or in shutdown, or
     * waiting for a SIPI) waits in the CPU for an event only an interrupt
     * exit brings, and Bochs 2.7 does not wake a halted VMX guest whose IF
     * is clear for an external-interrupt exit: the host would hang (found
     * by the VMM's reply fuzzer). */
    caps->activity_valid = 1u << VMX_ACTIVITY_ACTIVE;
    caps->flags = 0;
    if (vmx) {
        /* IA32_VMX_MISC bit 30: software events may be injected with
         * instruction length 0. */
        u64 misc = rdmsr(MSR_VMX_MISC);
        if (misc & EC_VMX_MISC_INJECT_LEN0)
            caps->flags |= ENTRY_CAP_INJECT_LEN0;
        /* The allowed-1 half of the processor-based controls (the same in
         * the TRUE MSR): the monitor trap flag makes "other event" injectable. */
        u64 proc = rdmsr(MSR_VMX_PROCBASED_CTLS) >> VMX_CTLS_ALLOWED1_SHIFT;
        if (proc & VIREO_BIT(VMX_PROC, MONITOR_TRAP_FLAG))
            caps->flags |= ENTRY_CAP_INJECT_MTF;
        if (l7.ebx & EC_CPUID_7_EBX_RTM)
            caps->flags |= ENTRY_CAP_RTM;
    } else {
        /* SVM has no activity states. inj_len 0 means "no length"
         * (docs/VMEXIT.md). */
        caps->flags |= ENTRY_CAP_INJECT_LEN0;
    }
}
