/* The exit message's items on AMD-V: read from and written to the VMCB
 * (and the registers VMRUN does not switch), and what only SVM rules out. */
#include "svm.h"
#include "vcpu_dr.h"
#include <vireo/vmexit_map.h>
#include <vireo/x86/cr.h>
#include <vireo/x86/msr.h>
#include <x86/cpu.h>

#define HAS(item) (mtd & VIREO_MTD(item))

/* Data segments and LDTR with P clear read as unusable, as on VMX. */
static void seg_read(struct vireo_seg *out, const struct vmcb_seg *in, bool may_be_unusable)
{
    out->sel = in->sel;
    out->ar = in->attr & 0xfffu;
    if (may_be_unusable && !VIREO_GET(SVM_ATTR, P, in->attr))
        out->ar |= VIREO_SEG_AR_UNUSABLE;
    /* Loading a code or data segment sets its accessed bit (QEMU TCG's
     * VMCB leaves it clear): report it as the CPU holds it. */
    else if (VIREO_GET(SVM_ATTR, S, in->attr))
        out->ar |= 1u;
    out->limit = in->limit;
    out->base = in->base;
}

static void seg_write(struct vmcb_seg *out, const struct vireo_seg *in)
{
    out->sel = in->sel;
    out->attr = in->ar & 0xfffu;
    out->limit = in->limit;
    out->base = in->base;
}

/* Does exception vector v push an error code? */
static bool exception_has_error(u32 vector)
{
    return vector == 8 || (vector >= 10 && vector <= 14) || vector == 17 || vector == 21 ||
           vector == 29 || vector == 30;
}

/* info[] for the exit's class (docs/VMEXIT.md). */
static void exit_info(struct vcpu *v, u32 cls, struct vireo_vcpu_state *s)
{
    const struct vmcb *vmcb = v->hw;
    u64 code = vmcb->control.exitcode, info1 = vmcb->control.exitinfo1;
    u64 info2 = vmcb->control.exitinfo2;
    s->raw_qual[0] = info1;
    s->raw_qual[1] = info2;
    switch (cls) {
    case VIREO_EXIT_EXCEPTION: {
        u32 vector = (u32)(code - SVM_EXIT_EXCP_BASE);
        bool err = exception_has_error(vector);
        s->info[0] = VIREO_PUT(VMX_INTR_INFO, VECTOR, vector) |
                     VIREO_PUT(VMX_INTR_INFO, TYPE, VMX_EVENT_HW_EXCEPTION) |
                     VIREO_PUT(VMX_INTR_INFO, HAS_ERROR, err) | VIREO_PUT(VMX_INTR_INFO, VALID, 1);
        s->info[1] = err ? (u32)info1 : 0;
        if (vector == 14)
            s->info[2] = info2;
        else if (vector == 1)
            s->info[2] = vmcb->save.dr6 & 0x600fu; /* B0-B3, BD, BS */
        break;
    }
    case VIREO_EXIT_IO:
        s->info[0] = vireo_ioq_from_svm(info1, svm_has(SVM_FEATURE_DECODE_ASSISTS));
        break;
    case VIREO_EXIT_CR_ACCESS:
        s->info[0] = vireo_crq_from_svm(code, info1);
        break;
    case VIREO_EXIT_DR_ACCESS: {
        bool decoded = svm_has(SVM_FEATURE_DECODE_ASSISTS);
        s->info[0] =
            VIREO_PUT(VIREO_DRQ, DR, code & 7) |
            VIREO_PUT(VIREO_DRQ, READ, code < SVM_EXIT_DR_READ_BASE + 16) |
            (decoded ? VIREO_PUT(VIREO_DRQ, GPR, info1 & 0xf) | VIREO_PUT(VIREO_DRQ, DECODED, 1)
                     : 0);
        break;
    }
    case VIREO_EXIT_DESC_TABLE: {
        /* Codes IDTR, GDTR, LDTR, TR reads, then the same writes. */
        static const u8 table[4] = {1, 0, 2, 3};
        u64 n = code - SVM_EXIT_IDTR_READ;
        s->info[0] =
            VIREO_PUT(VIREO_DTQ, TABLE, table[n & 3]) | VIREO_PUT(VIREO_DTQ, WRITE, n >= 4);
        break;
    }
    case VIREO_EXIT_MSR_READ:
    case VIREO_EXIT_MSR_WRITE:
        s->info[0] = (u32)v->gpr.rcx;
        break;
    case VIREO_EXIT_MEM_FAULT:
        s->info[0] = vireo_memf_from_svm_npf(info1);
        break;
    case VIREO_EXIT_INVLPG:
        s->info[0] = svm_has(SVM_FEATURE_DECODE_ASSISTS);
        break;
    case VIREO_EXIT_TASK_SWITCH:
        s->info[0] = VIREO_PUT(VIREO_TSQ, SELECTOR, info1 & 0xffff);
        break;
    default:
        break;
    }
}

void svm_read(struct vcpu *v, u64 mtd, struct vireo_vcpu_state *s)
{
    const struct vmcb *vmcb = v->hw;
    const struct vmcb_save *g = &vmcb->save;
    const struct vmcb_control *c = &vmcb->control;
    struct svm_vcpu *sv = svm_vcpu(v);
    if (v->exit_by_hw) {
        s->raw_reason = c->exitcode;
        if (HAS(QUAL))
            exit_info(v, v->exit_class, s);
        if (HAS(ADDR)) {
            if (v->exit_class == VIREO_EXIT_MEM_FAULT)
                s->gpa = c->exitinfo2;
            else if (v->exit_class == VIREO_EXIT_INVLPG && svm_has(SVM_FEATURE_DECODE_ASSISTS))
                s->gla = c->exitinfo1;
        }
        if (HAS(IDT_VECT))
            s->vect_info = vireo_event_from_svm(c->exitintinfo, &s->vect_error);
    }
    if (HAS(GPR_ACDB)) {
        s->rax = v->gpr.rax, s->rcx = v->gpr.rcx, s->rdx = v->gpr.rdx, s->rbx = v->gpr.rbx;
    }
    if (HAS(GPR_BSD)) {
        s->rbp = v->gpr.rbp, s->rsi = v->gpr.rsi, s->rdi = v->gpr.rdi;
    }
    if (HAS(GPR_R8_R15)) {
        s->r8 = v->gpr.r8, s->r9 = v->gpr.r9, s->r10 = v->gpr.r10, s->r11 = v->gpr.r11;
        s->r12 = v->gpr.r12, s->r13 = v->gpr.r13, s->r14 = v->gpr.r14, s->r15 = v->gpr.r15;
    }
    if (HAS(RSP))
        s->rsp = g->rsp;
    if (HAS(RIP_LEN)) {
        s->rip = g->rip;
        /* Without next-RIP save (QEMU TCG) the VMM decodes: 0. */
        s->insn_len = v->exit_by_hw && svm_has(SVM_FEATURE_NRIPS) && c->next_rip > g->rip &&
                              c->next_rip - g->rip <= 15
                          ? c->next_rip - g->rip
                          : 0;
    }
    if (HAS(RFLAGS))
        s->rflags = g->rflags;
    if (HAS(DS_ES)) {
        seg_read(&s->ds, &g->ds, true);
        seg_read(&s->es, &g->es, true);
    }
    if (HAS(FS_GS)) {
        seg_read(&s->fs, &g->fs, true);
        seg_read(&s->gs, &g->gs, true);
    }
    if (HAS(CS_SS)) {
        seg_read(&s->cs, &g->cs, false);
        seg_read(&s->ss, &g->ss, true);
    }
    if (HAS(TR)) {
        seg_read(&s->tr, &g->tr, false);
        /* LTR marks the TSS busy; QEMU TCG's VMCB keeps the type it read. */
        s->tr.ar |= 2u;
    }
    if (HAS(LDTR))
        seg_read(&s->ldtr, &g->ldtr, true);
    if (HAS(GDTR))
        seg_read(&s->gdtr, &g->gdtr, false), s->gdtr.ar = 0, s->gdtr.sel = 0;
    if (HAS(IDTR))
        seg_read(&s->idtr, &g->idtr, false), s->idtr.ar = 0, s->idtr.sel = 0;
    if (HAS(CR0_CR4))
        s->cr0 = g->cr0, s->cr4 = g->cr4;
    if (HAS(CR2))
        s->cr2 = g->cr2;
    if (HAS(CR3))
        s->cr3 = g->cr3; /* NPT walks PAE tables itself: pdpte[] stays 0 */
    if (HAS(CR8))
        s->cr8 = VIREO_GET(SVM_INT_CTL, V_TPR, c->int_ctl) & 0xf;
    if (HAS(EFER))
        s->efer = g->efer & ~EFER_SVME;
    if (HAS(XCR0))
        s->xcr0 = v->xcr0;
    if (HAS(DR7))
        s->dr7 = g->dr7, s->dr6 = g->dr6;
    if (HAS(DR0_3)) {
        for (unsigned i = 0; i < 4; i++)
            s->dr[i] = vcpu_dr_get(v, i);
    }
    if (HAS(SYSENTER))
        s->sysenter_cs = g->sysenter_cs, s->sysenter_esp = g->sysenter_esp,
        s->sysenter_eip = g->sysenter_eip;
    if (HAS(SYSCALL))
        s->star = g->star, s->lstar = g->lstar, s->cstar = g->cstar, s->sfmask = g->sfmask,
        s->kernel_gs_base = g->kernel_gs_base;
    if (HAS(PAT_DEBUGCTL))
        s->pat = g->g_pat, s->debugctl = g->dbgctl;
    if (HAS(INTR_STATE)) {
        s->intr_state =
            (VIREO_FLAG(SVM_INT_STATE, SHADOW, c->int_state) ? VIREO_BIT(VMX_INTR_STATE, BLOCK_STI)
                                                             : 0) |
            (sv->nmi_blocked ? VIREO_BIT(VMX_INTR_STATE, BLOCK_NMI) : 0);
        s->actv_state = VMX_ACTIVITY_ACTIVE; /* HLT always exits on SVM */
    }
    if (HAS(PENDING_DBG))
        s->pending_dbg = 0;
    if (HAS(INJECT)) {
        s->inj_info = vireo_event_from_svm(c->eventinj, &s->inj_error);
        s->inj_len = 0;
    }
    if (HAS(TSC))
        s->tsc_offset = c->tsc_offset;
    if (HAS(CTRL))
        s->ctrl = sv->ctrl;
}

u32 svm_check(struct vcpu *v, const struct vireo_vcpu_state *next, u64 mtd, u64 *detail, u32 *item)
{
    (void)v;
    if (HAS(CTRL)) {
        /* No monitor trap flag and no TPR shadow on SVM. */
        u64 missing = next->ctrl.flags &
                      (VIREO_BIT(VIREO_CTRL, SINGLE_STEP) | VIREO_BIT(VIREO_CTRL, TPR_THRESHOLD));
        if (missing) {
            *detail = missing;
            *item = VIREO_MTD_CTRL_BIT;
            return VIREO_CHECK_CTRL_UNSUPPORTED;
        }
    }
    if (HAS(INTR_STATE) && next->actv_state != VMX_ACTIVITY_ACTIVE) {
        *detail = next->actv_state;
        *item = VIREO_MTD_INTR_STATE_BIT;
        return VIREO_CHECK_ACTIVITY_INVALID;
    }
    if (HAS(PENDING_DBG) && next->pending_dbg) {
        /* Only a pending single step can be given, as an injected #DB;
         * it cannot share the entry with another event. */
        bool bs_only = next->pending_dbg == VIREO_BIT(VMX_PENDING_DBG, BS);
        if (!bs_only || VIREO_GET(VMX_INTR_INFO, VALID, next->inj_info)) {
            *detail = next->pending_dbg;
            *item = VIREO_MTD_PENDING_DBG_BIT;
            return VIREO_CHECK_PENDING_DBG_INVALID;
        }
    }
    return VIREO_CHECK_NONE;
}

void svm_write(struct vcpu *v, u64 mtd, const struct vireo_vcpu_state *s)
{
    struct vmcb *vmcb = v->hw;
    struct vmcb_save *g = &vmcb->save;
    struct vmcb_control *c = &vmcb->control;
    struct svm_vcpu *sv = svm_vcpu(v);
    if (HAS(GPR_ACDB)) {
        v->gpr.rax = s->rax, v->gpr.rcx = s->rcx, v->gpr.rdx = s->rdx, v->gpr.rbx = s->rbx;
    }
    if (HAS(GPR_BSD)) {
        v->gpr.rbp = s->rbp, v->gpr.rsi = s->rsi, v->gpr.rdi = s->rdi;
    }
    if (HAS(GPR_R8_R15)) {
        v->gpr.r8 = s->r8, v->gpr.r9 = s->r9, v->gpr.r10 = s->r10, v->gpr.r11 = s->r11;
        v->gpr.r12 = s->r12, v->gpr.r13 = s->r13, v->gpr.r14 = s->r14, v->gpr.r15 = s->r15;
    }
    if (HAS(RSP))
        g->rsp = s->rsp;
    if (HAS(RIP_LEN))
        g->rip = s->rip;
    if (HAS(RFLAGS))
        g->rflags = s->rflags;
    if (HAS(DS_ES)) {
        seg_write(&g->ds, &s->ds);
        seg_write(&g->es, &s->es);
    }
    if (HAS(FS_GS)) {
        seg_write(&g->fs, &s->fs);
        seg_write(&g->gs, &s->gs);
    }
    if (HAS(CS_SS)) {
        seg_write(&g->cs, &s->cs);
        seg_write(&g->ss, &s->ss);
        g->cpl = (u8)VIREO_GET(SVM_ATTR, DPL, s->ss.ar);
    }
    if (HAS(TR))
        seg_write(&g->tr, &s->tr);
    if (HAS(LDTR))
        seg_write(&g->ldtr, &s->ldtr);
    if (HAS(GDTR))
        g->gdtr.base = s->gdtr.base, g->gdtr.limit = s->gdtr.limit;
    if (HAS(IDTR))
        g->idtr.base = s->idtr.base, g->idtr.limit = s->idtr.limit;
    if (HAS(CR0_CR4))
        g->cr0 = s->cr0, g->cr4 = s->cr4;
    if (HAS(CR2))
        g->cr2 = s->cr2;
    if (HAS(CR3))
        g->cr3 = s->cr3;
    if (HAS(CR8))
        c->int_ctl = VIREO_SET(SVM_INT_CTL, V_TPR, c->int_ctl, s->cr8 & 0xf);
    if (HAS(EFER))
        g->efer = s->efer | EFER_SVME;
    if (HAS(XCR0))
        v->xcr0 = s->xcr0; /* XSETBV before the next entry (ec_context.c) */
    if (HAS(DR7))
        g->dr7 = s->dr7, g->dr6 = s->dr6;
    if (HAS(DR0_3)) {
        for (unsigned i = 0; i < 4; i++)
            vcpu_dr_set(v, i, s->dr[i]);
    }
    if (HAS(SYSENTER))
        g->sysenter_cs = s->sysenter_cs, g->sysenter_esp = s->sysenter_esp,
        g->sysenter_eip = s->sysenter_eip;
    if (HAS(SYSCALL))
        g->star = s->star, g->lstar = s->lstar, g->cstar = s->cstar, g->sfmask = s->sfmask,
        g->kernel_gs_base = s->kernel_gs_base;
    if (HAS(PAT_DEBUGCTL))
        g->g_pat = s->pat, g->dbgctl = s->debugctl;
    if (HAS(TSC))
        c->tsc_offset = s->tsc_offset;
    if (HAS(INTR_STATE)) {
        bool shadow = s->intr_state & (VIREO_BIT(VMX_INTR_STATE, BLOCK_STI) |
                                       VIREO_BIT(VMX_INTR_STATE, BLOCK_MOV_SS));
        c->int_state = shadow ? VIREO_BIT(SVM_INT_STATE, SHADOW) : 0;
        sv->nmi_blocked = (s->intr_state & VIREO_BIT(VMX_INTR_STATE, BLOCK_NMI)) != 0;
    }
    if (HAS(PENDING_DBG) && (s->pending_dbg & VIREO_BIT(VMX_PENDING_DBG, BS))) {
        /* The single-step trap of an emulated instruction, as the CPU
         * would have delivered it. */
        g->dr6 |= 1u << 14;
        c->eventinj =
            vireo_event_to_svm(VIREO_PUT(VMX_INTR_INFO, VECTOR, 1) |
                                   VIREO_PUT(VMX_INTR_INFO, TYPE, VMX_EVENT_HW_EXCEPTION) |
                                   VIREO_PUT(VMX_INTR_INFO, VALID, 1),
                               0);
    }
    if (HAS(INJECT) && VIREO_GET(VMX_INTR_INFO, VALID, s->inj_info)) {
        u32 type = (u32)VIREO_GET(VMX_INTR_INFO, TYPE, s->inj_info);
        c->eventinj = vireo_event_to_svm(s->inj_info, s->inj_error);
        if (type == VMX_EVENT_NMI)
            sv->nmi_blocked = 1;
        if (type == VMX_EVENT_SW_INTR || type == VMX_EVENT_SW_EXCEPTION ||
            type == VMX_EVENT_PRIV_SW_EXCEPTION)
            c->next_rip = g->rip + s->inj_len; /* where the handler returns */
    } else if (HAS(INJECT) && !(HAS(PENDING_DBG) && s->pending_dbg)) {
        c->eventinj = 0;
    }
    if (HAS(CTRL)) {
        sv->ctrl = s->ctrl;
        if ((s->ctrl.flags & VIREO_BIT(VIREO_CTRL, NMI_WINDOW)) && !sv->nmi_blocked)
            v->pending = VIREO_EXIT_NMI_WINDOW; /* open now */
    }
    if (HAS(CTRL) || HAS(INTR_STATE) || HAS(INJECT))
        svm_apply_intercepts(v);
}
