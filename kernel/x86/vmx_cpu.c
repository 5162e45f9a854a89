/*
 * VT-x on each CPU (docs/VMX.md): the capability MSRs and the control
 * values chosen from them, CR0/CR4 for VMX operation, VMXON, the shared
 * bitmaps, and the per-CPU state: which VMCS is current, whose debug
 * registers are loaded.
 */
#include "vmx.h"
#include "vmx_bits.h"
#include "../log.h"
#include "../memory.h"
#include <string.h>
#include <vireo/x86/cr.h>
#include <vireo/x86/pte.h>
#include <x86/cpu.h>

/* The preemption timer is set up correctly but not armed: the kernel's
 * 1 kHz APIC timer already gives the scheduler its exits (docs/VMX.md).
 * Arming it means setting this: the pin control, the exit control that
 * saves the timer and the value (VMCS_PREEMPTION_TIMER) come with it, and
 * its exits (reason 52) are class PREEMPT. */
static const bool preempt_timer_armed = false;

struct vmx_config vmx_cfg;

struct vmx_cpu vmx_cpus[CONFIG_MAX_CPUS];
static bool configured;

/* ---- the VMCS accessors' failure path (vmx.h) ---- */

void vmcs_failed(u32 field, bool write)
{
    static unsigned logged;
    u32 err = vmx_insn_error();
    if (logged < 8) {
        logged++;
        const char *name = vmcs_field_name(field);
        log_warn("kernel: vmx: %s of %s (0x%x) failed: %s\n", write ? "VMWRITE" : "VMREAD",
                 name ? name : "?", field, err ? vmx_insn_error_text(err) : "no current VMCS");
    }
    struct vcpu *cur = this_vmx()->current;
    if (write && cur && !vmx_of(cur)->vmcs_bad)
        vmx_of(cur)->vmcs_bad = err ? err : ~0u;
}

bool vmx_load(struct vcpu *v)
{
    struct vmx_cpu *cpu = this_vmx();
    if (cpu->current == v)
        return true;
    enum vmx_fail f = vmx_vmptrld(v->hw_phys);
    if (f != VMX_OK) {
        /* the current VMCS, if any, stays current */
        u32 err = f == VMX_FAIL_VALID ? vmx_insn_error() : 0;
        log_warn("kernel: vmx: VMPTRLD 0x%llx failed: %s (%s)\n", (unsigned long long)v->hw_phys,
                 vmx_fail_text(f), err ? vmx_insn_error_text(err) : "-");
        return false;
    }
    cpu->current = v;
    return true;
}

/* ---- CPU set-up ---- */

static bool control(const char *what, u64 cap, u32 required, u32 optional, u32 *value)
{
    u32 missing;
    if (vmx_ctl_value(cap, required, optional, value, &missing))
        return true;
    log_error("kernel: vmx: the CPU cannot provide the %s controls 0x%x\n", what, missing);
    return false;
}

#define PIN(n)   ((u32)VIREO_BIT(VMX_PIN, n))
#define PROC(n)  ((u32)VIREO_BIT(VMX_PROC, n))
#define PROC2(n) ((u32)VIREO_BIT(VMX_PROC2, n))
#define EXIT(n)  ((u32)VIREO_BIT(VMX_EXIT_CTL, n))
#define ENTRY(n) ((u32)VIREO_BIT(VMX_ENTRY_CTL, n))

/* Reads the capability MSRs and chooses the control values (once: every
 * CPU of a system is the same). */
static bool configure(struct vmx_config *c)
{
    u64 basic = rdmsr(MSR_VMX_BASIC);
    c->revision = (u32)(basic & VMX_BASIC_REVISION_MASK);
    u64 size = (basic >> VMX_BASIC_SIZE_SHIFT) & VMX_BASIC_SIZE_MASK;
    u64 memtype = (basic >> VMX_BASIC_MEMTYPE_SHIFT) & VMX_BASIC_MEMTYPE_MASK;
    if (size > PAGE_SIZE || memtype != VMX_EPTP_MEMTYPE_WB) {
        log_error("kernel: vmx: VMCS regions of %llu bytes, memory type %llu: need at most a "
                  "page, write-back\n",
                  (unsigned long long)size, (unsigned long long)memtype);
        return false;
    }
    c->addr32 = basic & VMX_BASIC_ADDR32;
    bool true_ctls = basic & VMX_BASIC_TRUE_CTLS;
    c->pin_cap = rdmsr(true_ctls ? MSR_VMX_TRUE_PINBASED_CTLS : MSR_VMX_PINBASED_CTLS);
    c->proc_cap = rdmsr(true_ctls ? MSR_VMX_TRUE_PROCBASED_CTLS : MSR_VMX_PROCBASED_CTLS);
    c->exit_cap = rdmsr(true_ctls ? MSR_VMX_TRUE_EXIT_CTLS : MSR_VMX_EXIT_CTLS);
    c->entry_cap = rdmsr(true_ctls ? MSR_VMX_TRUE_ENTRY_CTLS : MSR_VMX_ENTRY_CTLS);
    /* virt_detect.c accepted the CPU: secondary controls, EPT and VPID exist */
    c->proc2_cap = rdmsr(MSR_VMX_PROCBASED_CTLS2);
    c->ept_cap = rdmsr(MSR_VMX_EPT_VPID_CAP);
    c->misc = rdmsr(MSR_VMX_MISC);
    c->cr0_fixed0 = rdmsr(MSR_VMX_CR0_FIXED0);
    c->cr0_fixed1 = rdmsr(MSR_VMX_CR0_FIXED1);
    c->cr4_fixed0 = rdmsr(MSR_VMX_CR4_FIXED0);
    c->cr4_fixed1 = rdmsr(MSR_VMX_CR4_FIXED1);

    c->preempt_timer = vmx_ctl_may1(c->pin_cap) & PIN(PREEMPTION_TIMER);
    bool timer = preempt_timer_armed && c->preempt_timer;
    u32 pin_req = PIN(EXTINT_EXITING) | PIN(NMI_EXITING) | PIN(VIRTUAL_NMIS) |
                  (timer ? PIN(PREEMPTION_TIMER) : 0);
    /* CR8 exits: without a TPR shadow a guest's MOV CR8 would reach the
     * host's APIC TPR. */
    u32 proc_req = PROC(HLT_EXITING) | PROC(MWAIT_EXITING) | PROC(MONITOR_EXITING) |
                   PROC(RDPMC_EXITING) | PROC(IO_BITMAPS) | PROC(MSR_BITMAPS) |
                   PROC(SECONDARY_CTLS) | PROC(TSC_OFFSETTING) | PROC(CR8_LOAD_EXITING) |
                   PROC(CR8_STORE_EXITING);
    u32 proc2_req = PROC2(EPT) | PROC2(VPID) | PROC2(UNRESTRICTED_GUEST);
    /* what CPUID may advertise to a guest must not #UD; WBINVD exits */
    u32 proc2_opt = PROC2(RDTSCP) | PROC2(INVPCID) | PROC2(XSAVES) | PROC2(WBINVD_EXITING);
    u32 exit_req = EXIT(HOST_ADDR_SPACE_SIZE) | EXIT(SAVE_DEBUG_CTLS) | EXIT(SAVE_EFER) |
                   EXIT(LOAD_EFER) | EXIT(SAVE_PAT) | EXIT(LOAD_PAT) |
                   (timer ? EXIT(SAVE_PREEMPTION_TIMER) : 0);
    u32 entry_req = ENTRY(LOAD_DEBUG_CTLS) | ENTRY(LOAD_EFER) | ENTRY(LOAD_PAT);
    if (!control("pin-based", c->pin_cap, pin_req, 0, &c->pin) ||
        !control("processor-based", c->proc_cap, proc_req, 0, &c->proc) ||
        !control("secondary", c->proc2_cap, proc2_req, proc2_opt, &c->proc2) ||
        !control("VM-exit", c->exit_cap, exit_req, 0, &c->exit) ||
        !control("VM-entry", c->entry_cap, entry_req, 0, &c->entry))
        return false;
    if (!(vmx_ctl_may1(c->entry_cap) & ENTRY(IA32E_GUEST))) {
        log_error("kernel: vmx: the CPU cannot enter IA-32e mode guests\n");
        return false;
    }
    if (!(c->ept_cap & (VMX_EPT_CAP_INVEPT_SINGLE | VMX_EPT_CAP_INVEPT_ALL)) ||
        !(c->ept_cap & (VMX_EPT_CAP_INVVPID_SINGLE | VMX_EPT_CAP_INVVPID_ALL))) {
        log_error("kernel: vmx: INVEPT/INVVPID offer neither single- nor all-context flushes\n");
        return false;
    }
    c->ept_ad = c->ept_cap & VMX_EPT_CAP_AD;
    c->cr0_forced = vmx_cr0_forced(c->cr0_fixed0);
    c->cr4_forced = vmx_cr4_forced(c->cr4_fixed0);
    c->ctrl_supported = vmx_ctrl_supported(c->pin_cap, c->proc_cap, c->proc2_cap);
    entry_caps_probe(&c->caps, VIREO_ARCH_VMX);
    return true;
}

/* A page for the VMX structures (below 4 GiB where the CPU needs it). */
static u64 vmx_page(void)
{
    u64 page = frame_alloc();
    if (page && vmx_cfg.addr32 && (page >> 32)) {
        frame_free(page);
        page = 0;
    }
    return page;
}

/* Clears both the read and the write intercept of msr. */
static void msr_pass(u8 *bitmap, u32 msr)
{
    u32 base = msr >= 0xc0000000u ? 1024 : 0, n = msr & 0x1fff;
    bitmap[base + n / 8] &= (u8) ~(1u << (n % 8));
    bitmap[2048 + base + n / 8] &= (u8) ~(1u << (n % 8));
}

const u32 vmx_area_msrs[VMX_AREA_COUNT] = {
#define VMX_AREA_INDEX_(name) [VMX_AREA_##name] = MSR_##name,
    VMX_AREA_MSRS(VMX_AREA_INDEX_)
#undef VMX_AREA_INDEX_
};

/* The MSR bitmap, the I/O bitmaps and the host MSR area, shared by every
 * vCPU of every CPU. */
static bool shared_pages(struct vmx_config *c)
{
    c->msr_bitmap = vmx_page();
    c->io_bitmap_a = vmx_page();
    c->io_bitmap_b = vmx_page();
    c->host_msrs = vmx_page();
    if (!c->msr_bitmap || !c->io_bitmap_a || !c->io_bitmap_b || !c->host_msrs) {
        log_error("kernel: vmx: no memory for the MSR and I/O bitmaps\n");
        return false;
    }
    memset(phys_to_virt(c->io_bitmap_a), 0xff, PAGE_SIZE); /* every port exits */
    memset(phys_to_virt(c->io_bitmap_b), 0xff, PAGE_SIZE);
    u8 *bitmap = phys_to_virt(c->msr_bitmap);
    memset(bitmap, 0xff, PAGE_SIZE); /* every MSR exits, except: */
    static const u32 pass[] = {MSR_FS_BASE,      MSR_GS_BASE,      MSR_SYSENTER_CS,
                               MSR_SYSENTER_ESP, MSR_SYSENTER_EIP, MSR_KERNEL_GS_BASE,
                               MSR_STAR,         MSR_LSTAR,        MSR_CSTAR,
                               MSR_SFMASK,       MSR_TSC_AUX};
    for (unsigned i = 0; i < sizeof(pass) / sizeof(pass[0]); i++)
        msr_pass(bitmap, pass[i]);
    struct vmx_msr_entry *host = phys_to_virt(c->host_msrs);
    for (unsigned i = 0; i < VMX_AREA_COUNT; i++)
        host[i].index = vmx_area_msrs[i];
    return true;
}

/* CR0/CR4 as VMX operation needs them, then VMXON. */
static bool enter_vmx(struct vmx_cpu *cpu, const struct vmx_config *c)
{
    u64 cr0 = read_cr0(), cr4 = read_cr4() | CR4_VMXE;
    u64 cr0_missing = c->cr0_fixed0 & ~cr0;
    if ((cr0_missing & ~CR0_NE) || (cr0 & ~c->cr0_fixed1) || (c->cr4_fixed0 & ~cr4) ||
        (cr4 & ~c->cr4_fixed1)) {
        log_error("kernel: vmx: CR0 0x%llx / CR4 0x%llx do not meet IA32_VMX_CR0_FIXED0/1 "
                  "0x%llx/0x%llx, CR4_FIXED0/1 0x%llx/0x%llx\n",
                  (unsigned long long)cr0, (unsigned long long)cr4,
                  (unsigned long long)c->cr0_fixed0, (unsigned long long)c->cr0_fixed1,
                  (unsigned long long)c->cr4_fixed0, (unsigned long long)c->cr4_fixed1);
        return false;
    }
    if (cr0_missing & CR0_NE)
        write_cr0(cr0 | CR0_NE); /* native x87 error reporting */
    write_cr4(cr4);
    u64 page = vmx_page();
    if (!page) {
        log_error("kernel: vmx: no memory for the VMXON region\n");
        write_cr4(cr4 & ~CR4_VMXE);
        return false;
    }
    *(u32 *)phys_to_virt(page) = c->revision;
    enum vmx_fail f = vmx_vmxon(page);
    if (f != VMX_OK) {
        log_error("kernel: vmx: VMXON failed: %s\n", vmx_fail_text(f));
        frame_free(page);
        write_cr4(cr4 & ~CR4_VMXE);
        return false;
    }
    cpu->vmxon_phys = page;
    return true;
}

static const char *yes_no(bool b)
{
    return b ? "yes" : "no";
}

bool vmx_cpu_init(void)
{
    struct vmx_config *c = &vmx_cfg;
    if (!configured) {
        if (!configure(c))
            return false;
    }
    struct vmx_cpu *cpu = this_vmx();
    if (!enter_vmx(cpu, c))
        return false;
    if (!configured) {
        if (!shared_pages(c))
            return false; /* no vCPU can be created: VMX stays on, unused */
        configured = true;
    }
    log_info("kernel: vmx: VMXON on CPU %u: revision 0x%x, pin 0x%x, proc 0x%x, proc2 0x%x, "
             "exit 0x%x, entry 0x%x; EPT A/D %s, MTF %s, preemption timer %s\n",
             this_cpu()->index, c->revision, c->pin, c->proc, c->proc2, c->exit, c->entry,
             yes_no(c->ept_ad), yes_no(c->ctrl_supported & VIREO_BIT(VIREO_CTRL, SINGLE_STEP)),
             c->preempt_timer ? (preempt_timer_armed ? "armed" : "not armed") : "no");
    return true;
}
