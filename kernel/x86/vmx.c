/*
 * The VT-x back end (kernel/x86/vcpu.h): VMX operation on every CPU, a
 * VMCS per vCPU, VM entry and exit, the exit's class, EPT. The exit
 * message items are in vmx_state.c, the pure arithmetic in vmx_bits.c, the
 * instruction wrappers in vmx_insn.h, the entry stub in vmx_entry.S;
 * docs/VMX.md explains the choices.
 */
#include "vmx.h"
#include "ec_context.h"
#include "kernel_map.h"
#include "percpu.h"
#include "vmx_bits.h"
#include "../log.h"
#include "../memory.h"
#include "../rt/runtime.h"
#include <string.h>
#include <vireo/cap.h>
#include <vireo/vmexit_map.h>
#include <vireo/x86/cr.h>
#include <x86/cpu.h>

_Static_assert(VMCS_HOST_RSP == 0x6c14, "vmx_entry.S writes HOST_RSP by its number");

/* The preemption timer is set up correctly but not armed: the kernel's
 * 1 kHz APIC timer already gives the scheduler its exits (docs/VMX.md).
 * Arming it means setting this: the pin control, the exit control that
 * saves the timer and the value (VMCS_PREEMPTION_TIMER) come with it, and
 * its exits (reason 52) are class PREEMPT. */
static const bool preempt_timer_armed = false;
#define PREEMPT_TIMER_VALUE 0xffffffffu /* counts TSC >> (IA32_VMX_MISC & 0x1f) */

struct vmx_config vmx_cfg;

/* Per CPU. */
struct vmx_cpu {
    u64 vmxon_phys;
    struct vcpu *current;  /* whose VMCS is current (VMPTRLD) */
    struct vcpu *dr_owner; /* whose DR0-3/DR6 are in the registers */
    bool nmi_logged;
};
static struct vmx_cpu vmx_cpus[CONFIG_MAX_CPUS];
static bool configured;

static struct vmx_cpu *this_vmx(void)
{
    return &vmx_cpus[this_cpu()->index];
}

static const char *fail_text(enum vmx_fail f)
{
    return f == VMX_FAIL_INVALID ? "VMfailInvalid" : "VMfailValid";
}

/* The VM-instruction error of the current VMCS after a VMfailValid. */
static u32 insn_error(void)
{
    u64 err = 0;
    return vmx_vmread(VMCS_VM_INSN_ERROR, &err) ? (u32)err : 0;
}

/* ---- the VMCS accessors' failure path (vmx.h) ---- */

void vmcs_failed(u32 field, bool write)
{
    static unsigned logged;
    u32 err = insn_error();
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
        u32 err = f == VMX_FAIL_VALID ? insn_error() : 0;
        log_warn("kernel: vmx: VMPTRLD 0x%llx failed: %s (%s)\n", (unsigned long long)v->hw_phys,
                 fail_text(f), err ? vmx_insn_error_text(err) : "-");
        return false;
    }
    cpu->current = v;
    return true;
}

bool vmx_owns_drs(struct vcpu *v)
{
    return this_vmx()->dr_owner == v;
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

static const u32 area_msrs[VMX_AREA_COUNT] = {
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
        host[i].index = area_msrs[i];
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
        log_error("kernel: vmx: VMXON failed: %s\n", fail_text(f));
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

static bool vmx_cpu_init(void)
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

/* ---- EPT and VPID ---- */

static u64 eptp_of(const struct obj_pd *pd)
{
    return (pd->arch_space & PTE_ADDR_MASK) | VIREO_PUT(VMX_EPTP, MEMTYPE, VMX_EPTP_MEMTYPE_WB) |
           VIREO_PUT(VMX_EPTP, WALK_LEN_M1, 3) | VIREO_PUT(VMX_EPTP, AD, vmx_cfg.ept_ad);
}

static u64 vmx_gpa_leaf_flags(u32 rights)
{
    /* page_table.c sets bit 0 (R) itself as PTE_P */
    return VIREO_PUT(VMX_EPTE, READ, 1) | VIREO_PUT(VMX_EPTE, WRITE, (rights & VIREO_MEM_W) != 0) |
           VIREO_PUT(VMX_EPTE, EXEC, (rights & VIREO_MEM_X) != 0) |
           VIREO_PUT(VMX_EPTE, MEMTYPE, VMX_EPTP_MEMTYPE_WB);
}

static void invept(u64 eptp)
{
    bool single = vmx_cfg.ept_cap & VMX_EPT_CAP_INVEPT_SINGLE;
    enum vmx_fail f = vmx_invept(single ? VMX_INVEPT_SINGLE : VMX_INVEPT_ALL, eptp);
    if (f != VMX_OK)
        log_warn("kernel: vmx: INVEPT 0x%llx failed: %s\n", (unsigned long long)eptp, fail_text(f));
}

static void invvpid(u16 vpid)
{
    bool single = vmx_cfg.ept_cap & VMX_EPT_CAP_INVVPID_SINGLE;
    enum vmx_fail f = vmx_invvpid(single ? VMX_INVVPID_SINGLE : VMX_INVVPID_ALL, vpid, 0);
    if (f != VMX_OK)
        log_warn("kernel: vmx: INVVPID %u failed: %s\n", vpid, fail_text(f));
}

static void vmx_gpa_flush(struct obj_pd *vm)
{
    /* One CPU: its TLB is the only one that can hold the VM's
     * translations (SMP: every CPU that ran one of its vCPUs). */
    invept(eptp_of(vm));
}

/* ---- vCPU set-up ---- */

/* The host MSR area: the host's values of the pass-through MSRs without
 * VMCS fields. Read at the first vCPU, when syscall_init has set STAR and
 * friends; the kernel never changes them afterwards. */
static void host_msrs_read(struct vmx_config *c)
{
    struct vmx_msr_entry *host = phys_to_virt(c->host_msrs);
    for (unsigned i = 0; i < VMX_AREA_COUNT; i++)
        host[i].value = rdmsr(host[i].index);
    c->host_msrs_read = true;
}

static void setup_controls(struct vcpu *v)
{
    const struct vmx_config *c = &vmx_cfg;
    struct vmx_vcpu *be = vmx_of(v);
    vmcs_put(VMCS_PIN_CTLS, c->pin);
    vmcs_put(VMCS_EXIT_CTLS, c->exit);
    vmcs_put(VMCS_ENTRY_CTLS, vmx_ctl_update(c->entry_cap, c->entry, ENTRY(IA32E_GUEST), 0));
    if (c->pin & PIN(PREEMPTION_TIMER))
        vmcs_put(VMCS_PREEMPTION_TIMER, PREEMPT_TIMER_VALUE);
    vmcs_put(VMCS_PF_ERROR_MASK, 0);
    vmcs_put(VMCS_PF_ERROR_MATCH, 0);
    vmcs_put(VMCS_CR3_TARGET_COUNT, 0);
    vmcs_put(VMCS_IO_BITMAP_A, c->io_bitmap_a);
    vmcs_put(VMCS_IO_BITMAP_B, c->io_bitmap_b);
    vmcs_put(VMCS_MSR_BITMAP, c->msr_bitmap);
    u64 area = virt_to_phys(be->msrs);
    vmcs_put(VMCS_ENTRY_MSR_LOAD_ADDR, area);
    vmcs_put(VMCS_ENTRY_MSR_LOAD_COUNT, VMX_AREA_COUNT);
    vmcs_put(VMCS_EXIT_MSR_STORE_ADDR, area);
    vmcs_put(VMCS_EXIT_MSR_STORE_COUNT, VMX_AREA_COUNT);
    vmcs_put(VMCS_EXIT_MSR_LOAD_ADDR, c->host_msrs);
    vmcs_put(VMCS_EXIT_MSR_LOAD_COUNT, VMX_AREA_COUNT);
    vmcs_put(VMCS_VPID, v->tag);
    vmcs_put(VMCS_EPTP, eptp_of(v->ec->pd));
    vmcs_put(VMCS_TSC_OFFSET, 0);
    vmcs_put(VMCS_VMCS_LINK_PTR, ~0ull);
    if (c->proc2 & PROC2(XSAVES))
        vmcs_put(VMCS_XSS_EXIT_BITMAP, 0);
    vmcs_put(VMCS_ENTRY_INTR_INFO, 0);
    vmcs_put(VMCS_ENTRY_EXCEPTION_ERROR, 0);
    vmcs_put(VMCS_ENTRY_INSN_LEN, 0);
    struct vireo_vcpu_ctrl ctrl;
    memset(&ctrl, 0, sizeof(ctrl));
    vmx_set_ctrl(v, &ctrl); /* processor-based controls, exception bitmap, CR masks */
}

static void sidt(struct descriptor_pointer *p)
{
    __asm__ volatile("sidt %0" : "=m"(*p));
}

static void setup_host(void)
{
    struct percpu *cpu = this_cpu();
    struct descriptor_pointer idtr;
    sidt(&idtr);
    vmcs_put(VMCS_HOST_CR0, read_cr0());
    vmcs_put(VMCS_HOST_CR3, kernel_pml4()); /* a thread's return reloads its PD's CR3 */
    vmcs_put(VMCS_HOST_CR4, read_cr4());
    vmcs_put(VMCS_HOST_CS_SEL, GDT_KERNEL_CODE);
    vmcs_put(VMCS_HOST_SS_SEL, GDT_KERNEL_DATA);
    vmcs_put(VMCS_HOST_DS_SEL, GDT_KERNEL_DATA);
    vmcs_put(VMCS_HOST_ES_SEL, GDT_KERNEL_DATA);
    vmcs_put(VMCS_HOST_FS_SEL, 0);
    vmcs_put(VMCS_HOST_GS_SEL, 0);
    vmcs_put(VMCS_HOST_TR_SEL, GDT_TSS);
    vmcs_put(VMCS_HOST_FS_BASE, 0); /* the thread's comes back on its return */
    vmcs_put(VMCS_HOST_GS_BASE, (u64)cpu);
    vmcs_put(VMCS_HOST_TR_BASE, (u64)&cpu->tss);
    vmcs_put(VMCS_HOST_GDTR_BASE, (u64)cpu->gdt);
    vmcs_put(VMCS_HOST_IDTR_BASE, idtr.base);
    vmcs_put(VMCS_HOST_SYSENTER_CS, 0);
    vmcs_put(VMCS_HOST_SYSENTER_ESP, 0);
    vmcs_put(VMCS_HOST_SYSENTER_EIP, 0);
    vmcs_put(VMCS_HOST_EFER, rdmsr(MSR_EFER));
    vmcs_put(VMCS_HOST_PAT, rdmsr(MSR_PAT));
    vmcs_put(VMCS_HOST_RIP, (u64)vmx_exit_entry);
}

/* The state of an x86 reset (SDM vol. 3, 10.1.1): real mode at f000:fff0. */
static void setup_guest_reset(struct vcpu *v)
{
    static const struct {
        u32 sel, base, limit, ar;
    } segs[] = {
        {VMCS_GUEST_ES_SEL, VMCS_GUEST_ES_BASE, VMCS_GUEST_ES_LIMIT, VMCS_GUEST_ES_AR},
        {VMCS_GUEST_CS_SEL, VMCS_GUEST_CS_BASE, VMCS_GUEST_CS_LIMIT, VMCS_GUEST_CS_AR},
        {VMCS_GUEST_SS_SEL, VMCS_GUEST_SS_BASE, VMCS_GUEST_SS_LIMIT, VMCS_GUEST_SS_AR},
        {VMCS_GUEST_DS_SEL, VMCS_GUEST_DS_BASE, VMCS_GUEST_DS_LIMIT, VMCS_GUEST_DS_AR},
        {VMCS_GUEST_FS_SEL, VMCS_GUEST_FS_BASE, VMCS_GUEST_FS_LIMIT, VMCS_GUEST_FS_AR},
        {VMCS_GUEST_GS_SEL, VMCS_GUEST_GS_BASE, VMCS_GUEST_GS_LIMIT, VMCS_GUEST_GS_AR},
    };
    for (unsigned i = 0; i < sizeof(segs) / sizeof(segs[0]); i++) {
        bool cs = segs[i].sel == VMCS_GUEST_CS_SEL;
        vmcs_put(segs[i].sel, cs ? 0xf000 : 0);
        vmcs_put(segs[i].base, cs ? 0xffff0000 : 0);
        vmcs_put(segs[i].limit, 0xffff);
        vmcs_put(segs[i].ar, cs ? 0x9b : 0x93); /* code RX / data RW, accessed */
    }
    vmcs_put(VMCS_GUEST_LDTR_SEL, 0);
    vmcs_put(VMCS_GUEST_LDTR_BASE, 0);
    vmcs_put(VMCS_GUEST_LDTR_LIMIT, 0xffff);
    vmcs_put(VMCS_GUEST_LDTR_AR, 0x82);
    vmcs_put(VMCS_GUEST_TR_SEL, 0);
    vmcs_put(VMCS_GUEST_TR_BASE, 0);
    vmcs_put(VMCS_GUEST_TR_LIMIT, 0xffff);
    vmcs_put(VMCS_GUEST_TR_AR, 0x8b); /* busy TSS */
    vmcs_put(VMCS_GUEST_GDTR_BASE, 0);
    vmcs_put(VMCS_GUEST_GDTR_LIMIT, 0xffff);
    vmcs_put(VMCS_GUEST_IDTR_BASE, 0);
    vmcs_put(VMCS_GUEST_IDTR_LIMIT, 0xffff);
    vmx_set_cr0(v, CR0_CD | CR0_NW | CR0_ET);
    vmx_set_cr4(v, 0);
    vmcs_put(VMCS_GUEST_CR3, 0);
    for (unsigned i = 0; i < 4; i++)
        vmcs_put(VMCS_GUEST_PDPTE0 + 2 * i, 0);
    vmcs_put(VMCS_GUEST_DR7, 0x400);
    vmcs_put(VMCS_GUEST_RSP, 0);
    vmcs_put(VMCS_GUEST_RIP, 0xfff0);
    vmcs_put(VMCS_GUEST_RFLAGS, RFLAGS_FIXED1);
    vmcs_put(VMCS_GUEST_EFER, 0);
    vmcs_put(VMCS_GUEST_PAT, 0x0007040600070406ull);
    vmcs_put(VMCS_GUEST_DEBUGCTL, 0);
    vmcs_put(VMCS_GUEST_SYSENTER_CS, 0);
    vmcs_put(VMCS_GUEST_SYSENTER_ESP, 0);
    vmcs_put(VMCS_GUEST_SYSENTER_EIP, 0);
    vmcs_put(VMCS_GUEST_INTERRUPTIBILITY, 0);
    vmcs_put(VMCS_GUEST_ACTIVITY, VMX_ACTIVITY_ACTIVE);
    vmcs_put(VMCS_GUEST_PENDING_DBG, 0);
    struct vmx_vcpu *be = vmx_of(v);
    be->dr6 = 0xffff0ff0; /* DR0-3, CR2, CR8 and the MSR area stay 0 */
}

static void vmx_fini(struct vcpu *v)
{
    struct vmx_cpu *cpu = this_vmx();
    enum vmx_fail f = vmx_vmclear(v->hw_phys);
    if (f != VMX_OK)
        log_warn("kernel: vmx: VMCLEAR 0x%llx failed: %s\n", (unsigned long long)v->hw_phys,
                 fail_text(f));
    if (cpu->current == v)
        cpu->current = NULL;
    if (cpu->dr_owner == v)
        cpu->dr_owner = NULL;
}

static enum vireo_status vmx_init(struct vcpu *v)
{
    struct vmx_config *c = &vmx_cfg;
    struct vmx_vcpu *be = vmx_of(v);
    if (c->addr32 && ((v->hw_phys | virt_to_phys(v)) >> 32)) {
        log_warn("kernel: vmx: vCPU pages above 4 GiB, which this CPU cannot use\n");
        return VIREO_E_NO_MEMORY;
    }
    if (!c->host_msrs_read)
        host_msrs_read(c);
    *(u32 *)v->hw = c->revision;
    enum vmx_fail f = vmx_vmclear(v->hw_phys); /* launch state "clear" */
    if (f != VMX_OK) {
        log_warn("kernel: vmx: VMCLEAR of a new VMCS failed: %s\n", fail_text(f));
        return VIREO_E_NO_MEMORY;
    }
    v->launched = 0;
    v->host_rsp = 0;
    if (!vmx_load(v))
        return VIREO_E_NO_MEMORY;
    for (unsigned i = 0; i < VMX_AREA_COUNT; i++)
        be->msrs[i] = (struct vmx_msr_entry){.index = area_msrs[i]};
    be->vmcs_bad = 0;
    setup_controls(v);
    setup_host();
    setup_guest_reset(v);
    if (be->vmcs_bad) {
        log_warn("kernel: vmx: setting up a VMCS failed: %s\n", vmx_insn_error_text(be->vmcs_bad));
        vmx_fini(v);
        return VIREO_E_NO_MEMORY;
    }
    return VIREO_OK;
}

/* ---- running ---- */

/* A failed entry: the HW_* check for the message, one log line (by the
 * ABI's promise every such failure is a kernel bug). */
static u32 entry_failed(struct vcpu *v, u32 check, u64 detail, u64 raw, const char *why)
{
    char name[24];
    v->fail_check = check;
    v->fail_detail = detail;
    v->fail_item = ~0u;
    v->fail_raw = raw;
    log_warn("kernel: %s: vCPU %u: VM entry failed: %s (%s, detail 0x%llx)\n",
             rt_pd_name(v->ec->pd, name), v->ec->id, vireo_entry_check_name(check), why,
             (unsigned long long)detail);
    return VIREO_EXIT_ENTRY_FAILURE;
}

/* The exit reason said the entry failed (bit 31). */
static u32 entry_failed_reason(struct vcpu *v, u32 reason)
{
    u32 basic = (u32)VIREO_GET(VMX_EXIT_REASON, BASIC, reason);
    u64 qual = vmcs_get(VMCS_EXIT_QUALIFICATION);
    const char *name = vmx_exit_reason_name(basic);
    switch (basic) {
    case VMX_EXIT_ENTRY_FAIL_MSR_LOAD:
        return entry_failed(v, VIREO_CHECK_HW_MSR_LOAD, qual, reason, name);
    case VMX_EXIT_ENTRY_FAIL_MCE:
        return entry_failed(v, VIREO_CHECK_HW_MACHINE_CHECK, qual, reason, name);
    default: /* 33: invalid guest state */
        return entry_failed(v, VIREO_CHECK_HW_GUEST_STATE, qual, reason,
                            name ? name : "unknown entry failure");
    }
}

/* DR0-3 and DR6 of v into the registers (the kernel never uses them;
 * DR7 is in the VMCS and the host's is 0x400 after every exit). */
static void drs_load(struct vmx_cpu *cpu, struct vcpu *v)
{
    if (cpu->dr_owner == v)
        return;
    if (cpu->dr_owner) {
        struct vmx_vcpu *o = vmx_of(cpu->dr_owner);
        o->dr[0] = read_dr0();
        o->dr[1] = read_dr1();
        o->dr[2] = read_dr2();
        o->dr[3] = read_dr3();
        o->dr6 = read_dr6();
    }
    struct vmx_vcpu *be = vmx_of(v);
    write_dr0(be->dr[0]);
    write_dr1(be->dr[1]);
    write_dr2(be->dr[2]);
    write_dr3(be->dr[3]);
    write_dr6(be->dr6);
    cpu->dr_owner = v;
}

/* A HOST exit (interrupt, NMI): the guest goes on, so an event whose
 * delivery the exit interrupted is injected again at the next entry. */
static void host_exit(struct vmx_cpu *cpu, u32 basic, u32 intr_info)
{
    if (basic == VMX_EXIT_EXCEPTION_NMI) {
        /* Nothing in the system sends NMIs; say so once, end the NMI
         * blocking the exit left, and go on. */
        if (!cpu->nmi_logged) {
            cpu->nmi_logged = true;
            log_warn("kernel: vmx: NMI while a guest ran (no host NMI source; logged once)\n");
        }
        if (VIREO_GET(VMX_INTR_INFO, NMI_UNBLOCKED, intr_info) &&
            VIREO_GET(VMX_INTR_INFO, VECTOR, intr_info) != 8) {
            /* the guest's IRET had unblocked NMIs: it is re-executed */
            vmcs_put(VMCS_GUEST_INTERRUPTIBILITY,
                     vmcs_get(VMCS_GUEST_INTERRUPTIBILITY) | VIREO_BIT(VMX_INTR_STATE, BLOCK_NMI));
        }
        vmx_nmi_unblock();
    }
    u32 vect = (u32)vmcs_get(VMCS_IDT_VECTORING_INFO);
    if (!VIREO_GET(VMX_INTR_INFO, VALID, vect))
        return;
    vmcs_put(VMCS_ENTRY_INTR_INFO, vect & ~(u32)VIREO_MASK(VMX_INTR_INFO, NMI_UNBLOCKED));
    if (VIREO_GET(VMX_INTR_INFO, HAS_ERROR, vect))
        vmcs_put(VMCS_ENTRY_EXCEPTION_ERROR, vmcs_get(VMCS_IDT_VECTORING_ERROR));
    if (vmx_event_is_soft((u32)VIREO_GET(VMX_INTR_INFO, TYPE, vect)))
        vmcs_put(VMCS_ENTRY_INSN_LEN, vmcs_get(VMCS_EXIT_INSN_LEN));
}

/* What the host needs back after every exit that VMX does not restore. */
static void host_restore(void)
{
    /* VM exits leave the GDTR limit at 0xffff: with the real one, a
     * selector beyond the GDT faults instead of reading the kernel memory
     * behind it (LAR/LSL/segment loads from ring 3). The IDTR limit is
     * 0xffff too, harmless: all 256 gates are present. */
    struct percpu *cpu = this_cpu();
    struct descriptor_pointer gdtr = {sizeof(cpu->gdt) - 1, (u64)cpu->gdt};
    lgdt(&gdtr);
    ec_context_fs_lost(); /* FS base is 0 now */
}

static u32 vmx_run(struct vcpu *v)
{
    struct vmx_cpu *cpu = this_vmx();
    struct vmx_vcpu *be = vmx_of(v);
    if (!vmx_load(v))
        return entry_failed(v, VIREO_CHECK_HW_VMFAIL, 0, 0, "VMPTRLD failed");
    if (be->vmcs_bad) {
        u32 err = be->vmcs_bad;
        be->vmcs_bad = 0;
        return entry_failed(v, VIREO_CHECK_HW_VMFAIL, err, 0,
                            err == ~0u ? "a VMWRITE failed" : vmx_insn_error_text(err));
    }
    if (!v->launched) {
        /* VPIDs are reused, and an EPT root may be a freed VM's: no
         * translation from before may survive. */
        invvpid((u16)v->tag);
        invept(eptp_of(v->ec->pd));
    }
    drs_load(cpu, v);
    if (read_cr2() != be->cr2)
        write_cr2(be->cr2);

    enum vmx_fail f = vmx_enter(v, v->launched);

    be->cr2 = read_cr2();
    host_restore();
    if (f != VMX_OK) {
        u32 err = f == VMX_FAIL_VALID ? insn_error() : 0;
        v->host_rsp = 0; /* write it again next time */
        return entry_failed(v, VIREO_CHECK_HW_VMFAIL, err, 0,
                            err ? vmx_insn_error_text(err) : "VMfailInvalid");
    }
    u32 reason = (u32)vmcs_get(VMCS_EXIT_REASON);
    be->exit_reason = reason;
    be->exit_intr_info = 0;
    if (VIREO_GET(VMX_EXIT_REASON, ENTRY_FAILURE, reason))
        return entry_failed_reason(v, reason); /* the VMCS stays unlaunched */
    v->launched = 1;
    u32 basic = (u32)VIREO_GET(VMX_EXIT_REASON, BASIC, reason);
    if (basic == VMX_EXIT_EXCEPTION_NMI)
        be->exit_intr_info = (u32)vmcs_get(VMCS_EXIT_INTR_INFO);
    u32 cls = vireo_vmx_exit_class(reason, be->exit_intr_info);
    if (cls == VIREO_EXIT_HOST)
        host_exit(cpu, basic, be->exit_intr_info);
    return cls;
}

const struct vcpu_backend vmx_backend = {
    .arch = VIREO_ARCH_VMX,
    .name = "VT-x",
    .cpu_init = vmx_cpu_init,
    .init = vmx_init,
    .fini = vmx_fini,
    .gpa_leaf_flags = vmx_gpa_leaf_flags,
    .gpa_flush = vmx_gpa_flush,
    .run = vmx_run,
    .read = vmx_read,
    .check = vmx_check,
    .write = vmx_write,
};
