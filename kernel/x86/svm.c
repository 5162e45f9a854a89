/* The AMD-V back end (vcpu.h): enabling SVM, the VMCB's controls, entering
 * the guest and classifying its exits. The exit message's items are read
 * and written in svm_state.c. */
#include "svm.h"
#include "kernel_map.h"
#include "vcpu_dr.h"
#include "xsave.h"
#include "../kernel_memory.h"
#include "../log.h"
#include "../memory.h"
#include <string.h>
#include <vireo/vmexit_map.h>
#include <vireo/x86/cr.h>
#include <vireo/x86/msr.h>
#include <vireo/x86/pte.h>
#include <x86/cpu.h>

struct svm_cpu svm_cpu;

#define DR7_RESET       0x400ull /* no breakpoint enabled */
#define DR7_ENABLE_BITS 0xffull  /* L0-L3, G0-G3 */

void svm_enter(struct vcpu *v, u64 vmcb_pa, u64 host_pa);

/* A zeroed, physically contiguous run of pages, for good. */
static u64 take_pages(u64 pages, u8 fill)
{
    u64 phys = memory_take_run(pages);
    if (phys)
        memset(phys_to_virt(phys), fill, pages * PAGE_SIZE);
    return phys;
}

/* MSRs whose guest values VMLOAD/VMSAVE switch: the guest reads them
 * without exits. Writes still exit, so that the VMM checks them as the
 * architecture says (a non-canonical LSTAR raises #GP; QEMU TCG would take
 * it, and VMRUN then refuses the state). Every other MSR is intercepted
 * both ways. */
static const u32 passthrough_msrs[] = {
    MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE, MSR_STAR,         MSR_LSTAR,
    MSR_CSTAR,   MSR_SFMASK,  MSR_SYSENTER_CS,    MSR_SYSENTER_ESP, MSR_SYSENTER_EIP,
};

/* The MSR permission map: three 2 KiB ranges with two bits (read, write)
 * per MSR (APM vol. 2 15.11). */
static void msrpm_allow_read(u8 *map, u32 msr)
{
    u32 base;
    if (msr < 0x2000)
        base = 0;
    else if (msr - 0xc0000000u < 0x2000)
        base = 0x800, msr -= 0xc0000000u;
    else if (msr - 0xc0010000u < 0x2000)
        base = 0x1000, msr -= 0xc0010000u;
    else
        return;
    map[base + msr / 4] &= (u8) ~(1u << ((msr % 4) * 2));
}

static bool svm_cpu_init(void)
{
    struct cpuid_regs r = cpuid(0x8000000a, 0);
    svm_cpu.features = r.edx;
    svm_cpu.asids = r.ebx;
    if (!(svm_cpu.features & SVM_FEATURE_NPT)) {
        log_error("kernel: svm: no nested paging\n");
        return false;
    }
    u64 hsave = take_pages(1, 0);
    u64 host = take_pages(1, 0);
    u64 iopm = take_pages(SVM_IOPM_SIZE / PAGE_SIZE, 0xff);
    u64 msrpm = take_pages(SVM_MSRPM_SIZE / PAGE_SIZE, 0xff);
    if (!hsave || !host || !iopm || !msrpm) {
        log_error("kernel: svm: no memory for the host save area and permission maps\n");
        return false;
    }
    for (u32 i = 0; i < sizeof(passthrough_msrs) / sizeof(passthrough_msrs[0]); i++)
        msrpm_allow_read(phys_to_virt(msrpm), passthrough_msrs[i]);
    svm_cpu.hsave_pa = hsave;
    svm_cpu.host_pa = host;
    svm_cpu.iopm_pa = iopm;
    svm_cpu.msrpm_pa = msrpm;
    svm_cpu.flush_gen = 1;
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
    wrmsr(MSR_VM_HSAVE_PA, hsave);
    log_info("kernel: svm: %u ASIDs, next-RIP save %s, flush by ASID %s, decode assists %s\n",
             svm_cpu.asids, svm_has(SVM_FEATURE_NRIPS) ? "yes" : "no",
             svm_has(SVM_FEATURE_FLUSH_BY_ASID) ? "yes" : "no",
             svm_has(SVM_FEATURE_DECODE_ASSISTS) ? "yes" : "no");
    return true;
}

/* The intercepts every guest has; svm_state.c adds those the VMM's CTRL
 * item asks for. */
#define ICPT1_ALWAYS                                                                               \
    (VIREO_BIT(SVM_ICPT1, INTR) | VIREO_BIT(SVM_ICPT1, NMI) | VIREO_BIT(SVM_ICPT1, SMI) |          \
     VIREO_BIT(SVM_ICPT1, INIT) | VIREO_BIT(SVM_ICPT1, RDPMC) | VIREO_BIT(SVM_ICPT1, CPUID) |      \
     VIREO_BIT(SVM_ICPT1, RSM) | VIREO_BIT(SVM_ICPT1, INVD) | VIREO_BIT(SVM_ICPT1, HLT) |          \
     VIREO_BIT(SVM_ICPT1, INVLPGA) | VIREO_BIT(SVM_ICPT1, IOIO_PROT) |                             \
     VIREO_BIT(SVM_ICPT1, MSR_PROT) | VIREO_BIT(SVM_ICPT1, TASK_SWITCH) |                          \
     VIREO_BIT(SVM_ICPT1, FERR_FREEZE) | VIREO_BIT(SVM_ICPT1, SHUTDOWN))
#define ICPT2_ALWAYS                                                                               \
    (VIREO_BIT(SVM_ICPT2, VMRUN) | VIREO_BIT(SVM_ICPT2, VMMCALL) | VIREO_BIT(SVM_ICPT2, VMLOAD) |  \
     VIREO_BIT(SVM_ICPT2, VMSAVE) | VIREO_BIT(SVM_ICPT2, STGI) | VIREO_BIT(SVM_ICPT2, CLGI) |      \
     VIREO_BIT(SVM_ICPT2, SKINIT) | VIREO_BIT(SVM_ICPT2, WBINVD) | VIREO_BIT(SVM_ICPT2, MONITOR) | \
     VIREO_BIT(SVM_ICPT2, MWAIT) | VIREO_BIT(SVM_ICPT2, MWAIT_ARMED) |                             \
     VIREO_BIT(SVM_ICPT2, XSETBV) | VIREO_BIT(SVM_ICPT2, RDPRU))

void svm_apply_intercepts(struct vcpu *v)
{
    struct vmcb *vmcb = v->hw;
    struct svm_vcpu *s = svm_vcpu(v);
    const struct vireo_vcpu_ctrl *c = &s->ctrl;
    u32 *icpt = vmcb->control.intercept;
    u32 misc1 = ICPT1_ALWAYS, misc2 = ICPT2_ALWAYS;
    if (c->flags & VIREO_BIT(VIREO_CTRL, INTR_WINDOW))
        misc1 |= VIREO_BIT(SVM_ICPT1, VINTR);
    if (c->flags & VIREO_BIT(VIREO_CTRL, RDTSC_EXIT)) {
        misc1 |= VIREO_BIT(SVM_ICPT1, RDTSC);
        misc2 |= VIREO_BIT(SVM_ICPT2, RDTSCP);
    }
    if (c->flags & VIREO_BIT(VIREO_CTRL, INVLPG_EXIT))
        misc1 |= VIREO_BIT(SVM_ICPT1, INVLPG);
    if (c->flags & VIREO_BIT(VIREO_CTRL, PAUSE_EXIT))
        misc1 |= VIREO_BIT(SVM_ICPT1, PAUSE);
    if (c->flags & VIREO_BIT(VIREO_CTRL, DESC_TABLE_EXIT))
        misc1 |= VIREO_BIT(SVM_ICPT1, IDTR_READ) | VIREO_BIT(SVM_ICPT1, GDTR_READ) |
                 VIREO_BIT(SVM_ICPT1, LDTR_READ) | VIREO_BIT(SVM_ICPT1, TR_READ) |
                 VIREO_BIT(SVM_ICPT1, IDTR_WRITE) | VIREO_BIT(SVM_ICPT1, GDTR_WRITE) |
                 VIREO_BIT(SVM_ICPT1, LDTR_WRITE) | VIREO_BIT(SVM_ICPT1, TR_WRITE);
    /* NMI-window tracking: IRET ends NMI blocking. */
    if (s->nmi_blocked)
        misc1 |= VIREO_BIT(SVM_ICPT1, IRET);
    /* No read shadows on SVM: a CR the VMM owns bits of is intercepted
     * both ways, and the VMM emulates the access (docs/VMEXIT.md). */
    u32 cr = 0;
    if (c->cr0_mask)
        cr |= SVM_ICPT_CR_READ(0) | SVM_ICPT_CR_WRITE(0);
    if (c->cr4_mask)
        cr |= SVM_ICPT_CR_READ(4) | SVM_ICPT_CR_WRITE(4);
    u32 dr = (c->flags & VIREO_BIT(VIREO_CTRL, MOV_DR_EXIT)) ? 0xffffffffu : 0;
    icpt[VMCB_ICPT_CR] = cr;
    icpt[VMCB_ICPT_DR] = dr;
    icpt[VMCB_ICPT_EXC] = c->exc_bitmap;
    icpt[VMCB_ICPT_MISC1] = misc1;
    icpt[VMCB_ICPT_MISC2] = misc2;
    icpt[VMCB_ICPT_MISC3] = 0;
    /* The interrupt window: a virtual interrupt that the guest takes as
     * soon as it can, intercepted (VINTR) before it is delivered. */
    u64 intctl = vmcb->control.int_ctl &
                 ~(VIREO_MASK(SVM_INT_CTL, V_IRQ) | VIREO_MASK(SVM_INT_CTL, V_IGN_TPR));
    if (c->flags & VIREO_BIT(VIREO_CTRL, INTR_WINDOW))
        intctl |= VIREO_PUT(SVM_INT_CTL, V_IRQ, 1) | VIREO_PUT(SVM_INT_CTL, V_IGN_TPR, 1);
    vmcb->control.int_ctl = intctl;
}

static void seg_set(struct vmcb_seg *seg, u16 sel, u16 attr, u32 limit, u64 base)
{
    seg->sel = sel;
    seg->attr = attr;
    seg->limit = limit;
    seg->base = base;
}

/* The state of an x86 reset (APM vol. 2 14.1.3), as a VMCB. */
static void reset_state(struct vmcb_save *g)
{
    seg_set(&g->cs, 0xf000, 0x09b, 0xffff, 0xffff0000);
    seg_set(&g->ds, 0, 0x093, 0xffff, 0);
    g->es = g->ss = g->fs = g->gs = g->ds;
    seg_set(&g->gdtr, 0, 0, 0xffff, 0);
    g->idtr = g->gdtr;
    seg_set(&g->ldtr, 0, 0x082, 0xffff, 0);
    seg_set(&g->tr, 0, 0x08b, 0xffff, 0);
    g->cr0 = CR0_CD | CR0_NW | CR0_ET;
    g->rflags = RFLAGS_FIXED1;
    g->rip = 0xfff0;
    g->dr6 = 0xffff0ff0;
    g->dr7 = 0x400;
    g->efer = EFER_SVME; /* the guest sees 0 (svm_state.c) */
    g->g_pat = 0x0007040600070406ull;
}

static enum vireo_status svm_init(struct vcpu *v)
{
    struct vmcb *vmcb = v->hw;
    struct svm_vcpu *s = svm_vcpu(v);
    memset(s, 0, sizeof(*s));
    memset(v->dr, 0, sizeof(v->dr));
    s->flush_gen = 0; /* flush the ASID on the first VMRUN: it may be reused */
    vmcb->control.iopm_base_pa = svm_cpu.iopm_pa;
    vmcb->control.msrpm_base_pa = svm_cpu.msrpm_pa;
    u32 asids = svm_cpu.asids < SVM_MAX_ASIDS ? svm_cpu.asids : SVM_MAX_ASIDS;
    vmcb->control.asid = v->tag % (asids > 1 ? asids - 1 : 1) + 1;
    vmcb->control.nested_ctl = VIREO_BIT(SVM_NESTED_CTL, NP_ENABLE);
    vmcb->control.n_cr3 = v->ec->pd->arch_space;
    /* Physical interrupts stay the host's while the guest runs. */
    vmcb->control.int_ctl = VIREO_PUT(SVM_INT_CTL, V_INTR_MASKING, 1);
    reset_state(&vmcb->save);
    svm_apply_intercepts(v);
    return VIREO_OK;
}

static void svm_fini(struct vcpu *v)
{
    /* The VMCB is just memory; its ASID must not look owned by it. */
    const struct vmcb *vmcb = v->hw;
    if (svm_cpu.asid_owner[vmcb->control.asid] == v)
        svm_cpu.asid_owner[vmcb->control.asid] = NULL;
    vcpu_dr_forget(v);
}

static u64 svm_gpa_leaf_flags(u32 rights)
{
    return PTE_U | ((rights & VIREO_MEM_W) ? PTE_W : 0) | ((rights & VIREO_MEM_X) ? 0 : PTE_NX);
}

static void svm_gpa_flush(struct obj_pd *vm)
{
    (void)vm;
    /* Every vCPU flushes its ASID before it next runs (one CPU: none runs
     * now). Coarse, and cheap while VMs are few. */
    svm_cpu.flush_gen++;
}

/* An event whose delivery the exit interrupted goes in again, but for
 * INT n, INT3 and INTO: RIP is still at the instruction, which runs again
 * and delivers it once (injecting it would need next_rip set to its end).
 * INT1 (ICEBP) is reported as a plain #DB and cannot be told apart here:
 * its handler would see it twice if a host interrupt met its delivery. */
static void reinject_interrupted(struct vmcb *vmcb)
{
    u64 info = vmcb->control.exitintinfo;
    u64 type = VIREO_GET(SVM_EVENT, TYPE, info), vector = VIREO_GET(SVM_EVENT, VECTOR, info);
    if (!VIREO_GET(SVM_EVENT, VALID, info) || type == SVM_EVENT_SOFT_INT ||
        (type == SVM_EVENT_EXCEPTION && (vector == 3 || vector == 4)))
        return;
    vmcb->control.eventinj = info;
}

static u32 svm_run(struct vcpu *v)
{
    struct vmcb *vmcb = v->hw;
    struct svm_vcpu *s = svm_vcpu(v);
    const struct vcpu **owner = &svm_cpu.asid_owner[vmcb->control.asid];
    if (s->flush_gen != svm_cpu.flush_gen || *owner != v) {
        *owner = v;
        vmcb->control.tlb_control =
            svm_has(SVM_FEATURE_FLUSH_BY_ASID) ? SVM_TLB_FLUSH_ASID : SVM_TLB_FLUSH_ALL;
        s->flush_gen = svm_cpu.flush_gen;
    } else {
        vmcb->control.tlb_control = SVM_TLB_NOTHING;
    }
    vmcb->control.clean = 0; /* the kernel writes the VMCB freely */
    /* An open interrupt window stays open until the VMM closes it: the
     * virtual interrupt goes in again at every entry, since an exit the
     * kernel handles (a host interrupt) may have dropped it (Bochs' AMD-V
     * model does: the VINTR intercept then never came). */
    if (s->ctrl.flags & VIREO_BIT(VIREO_CTRL, INTR_WINDOW))
        vmcb->control.int_ctl |=
            VIREO_PUT(SVM_INT_CTL, V_IRQ, 1) | VIREO_PUT(SVM_INT_CTL, V_IGN_TPR, 1);
    /* VMRUN loads the guest's CR2 from the VMCB; Bochs' AMD-V model does
     * not, and its guests saw a stale CR2 in #PF handlers. With the
     * register holding it already, both agree. */
    if (read_cr2() != vmcb->save.cr2)
        write_cr2(vmcb->save.cr2);
    vcpu_dr_load(v, false); /* DR6 and DR7 are the VMCB's */
    vmcb->save.rax = v->gpr.rax;
    __asm__ volatile("clgi; sti" ::: "memory");
    svm_enter(v, v->hw_phys, svm_cpu.host_pa);
    /* #VMEXIT leaves the guest's DR7 in force (VMX loads 0x400): with its
     * breakpoints enabled, the kernel or a server touching the same linear
     * addresses would take the guest's #DB. The guest's DR0-3 may stay. */
    if (vmcb->save.dr7 & DR7_ENABLE_BITS)
        write_dr7(DR7_RESET);
    __asm__ volatile("cli; stgi" ::: "memory");
    v->xcr0 = xsave_guest_xcr0(v->xcr0);
    v->gpr.rax = vmcb->save.rax;
    v->launched = 1;
    vmcb->control.eventinj = 0; /* delivered, or back in exitintinfo */

    u64 code = vmcb->control.exitcode;
    if (code == 0xffffffffull)
        code = SVM_EXIT_INVALID; /* QEMU TCG stores VMEXIT_INVALID as 32 bits */
    u32 cls = vireo_svm_exit_class(code, vmcb->control.exitinfo1);
    if (s->iret_seen && cls != VIREO_EXIT_IRET) {
        /* The IRET that ended NMI blocking has completed by now. */
        s->iret_seen = 0;
        if (s->ctrl.flags & VIREO_BIT(VIREO_CTRL, NMI_WINDOW))
            v->pending = VIREO_EXIT_NMI_WINDOW;
    }
    switch (cls) {
    case VIREO_EXIT_HOST:
        reinject_interrupted(vmcb);
        if (code == SVM_EXIT_NMI && !s->nmi_logged) {
            log_warn("kernel: svm: NMI while a guest ran\n");
            s->nmi_logged = 1;
        }
        return VIREO_EXIT_HOST;
    case VIREO_EXIT_ENTRY_FAILURE:
        log_warn("kernel: svm: VMRUN refused the guest state (VMEXIT_INVALID)\n");
        v->fail_check = VIREO_CHECK_HW_SVM_INVALID;
        v->fail_detail = 0;
        v->fail_item = ~0ull;
        v->fail_raw = code;
        return VIREO_EXIT_ENTRY_FAILURE;
    case VIREO_EXIT_IRET:
        /* The intercept comes before the IRET executes; NMIs are unblocked
         * once it completes, so the NMI window is reported at the next
         * exit (at the latest the next host timer tick, 1 ms). */
        s->nmi_blocked = 0;
        s->iret_seen = 1;
        svm_apply_intercepts(v);
        return VIREO_EXIT_HOST;
    case VIREO_EXIT_INTR_WINDOW:
        /* The virtual interrupt served its purpose: it must not reach the
         * guest. The VMM clears the flag or asks again. */
        vmcb->control.int_ctl &= ~VIREO_MASK(SVM_INT_CTL, V_IRQ);
        return cls;
    default:
        return cls;
    }
}

const struct vcpu_backend svm_backend = {
    .arch = VIREO_ARCH_SVM,
    .name = "AMD-V",
    .cpu_init = svm_cpu_init,
    .init = svm_init,
    .fini = svm_fini,
    .gpa_leaf_flags = svm_gpa_leaf_flags,
    .gpa_flush = svm_gpa_flush,
    .run = svm_run,
    .read = svm_read,
    .check = svm_check,
    .write = svm_write,
};
