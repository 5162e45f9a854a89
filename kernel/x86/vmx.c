/*
 * The VT-x back end (kernel/x86/vcpu.h): a VMCS per vCPU, VM entry and
 * exit, the exit's class, HOST exits, entry failures, EPT. VMX operation
 * per CPU is in vmx_cpu.c, the exit message items in vmx_state.c, the pure
 * arithmetic in vmx_bits.c, the instruction wrappers in vmx_insn.h, the
 * entry stub in vmx_entry.S; docs/VMX.md explains the choices.
 */
#include "vmx.h"
#include "ec_context.h"
#include "kernel_map.h"
#include "vcpu_dr.h"
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

#define PIN(n)   ((u32)VIREO_BIT(VMX_PIN, n))
#define PROC2(n) ((u32)VIREO_BIT(VMX_PROC2, n))
#define ENTRY(n) ((u32)VIREO_BIT(VMX_ENTRY_CTL, n))

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
        log_warn("kernel: vmx: INVEPT 0x%llx failed: %s\n", (unsigned long long)eptp,
                 vmx_fail_text(f));
}

static void invvpid(u16 vpid)
{
    bool single = vmx_cfg.ept_cap & VMX_EPT_CAP_INVVPID_SINGLE;
    enum vmx_fail f = vmx_invvpid(single ? VMX_INVVPID_SINGLE : VMX_INVVPID_ALL, vpid, 0);
    if (f != VMX_OK)
        log_warn("kernel: vmx: INVVPID %u failed: %s\n", vpid, vmx_fail_text(f));
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
        vmcs_put(VMCS_PREEMPTION_TIMER, VMX_PREEMPT_TIMER_VALUE);
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
    for (unsigned i = 0; i < 4; i++)
        v->dr[i] = 0;
    v->dr6 = 0xffff0ff0; /* CR2, CR8 and the MSR area stay 0 */
}

static void vmx_fini(struct vcpu *v)
{
    struct vmx_cpu *cpu = this_vmx();
    enum vmx_fail f = vmx_vmclear(v->hw_phys);
    if (f != VMX_OK)
        log_warn("kernel: vmx: VMCLEAR 0x%llx failed: %s\n", (unsigned long long)v->hw_phys,
                 vmx_fail_text(f));
    if (cpu->current == v)
        cpu->current = NULL;
    vcpu_dr_forget(v);
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
        log_warn("kernel: vmx: VMCLEAR of a new VMCS failed: %s\n", vmx_fail_text(f));
        return VIREO_E_NO_MEMORY;
    }
    v->launched = 0;
    v->host_rsp = 0;
    if (!vmx_load(v))
        return VIREO_E_NO_MEMORY;
    for (unsigned i = 0; i < VMX_AREA_COUNT; i++)
        be->msrs[i] = (struct vmx_msr_entry){.index = vmx_area_msrs[i]};
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
    if (VIREO_GET(VMX_INTR_INFO, TYPE, vect) == VMX_EVENT_NMI) {
        /* An NMI whose delivery the exit cut short blocks nothing yet
         * (the SDM has the VMM clear the blocking before injecting it
         * again); entry would refuse the injection while blocked. */
        vmcs_put(VMCS_GUEST_INTERRUPTIBILITY,
                 vmcs_get(VMCS_GUEST_INTERRUPTIBILITY) & ~VIREO_BIT(VMX_INTR_STATE, BLOCK_NMI));
    }
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
    vcpu_dr_load(v, true); /* DR7 is the VMCS's; the host's is 0x400 after every exit */
    if (read_cr2() != be->cr2)
        write_cr2(be->cr2);

    enum vmx_fail f = vmx_enter(v, v->launched);

    be->cr2 = read_cr2();
    host_restore();
    if (f != VMX_OK) {
        u32 err = f == VMX_FAIL_VALID ? vmx_insn_error() : 0;
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
