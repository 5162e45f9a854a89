/*
 * The exit message on VT-x: reading the MTD items of struct
 * vireo_vcpu_state from the VMCS and the vCPU, the checks only VMX knows,
 * and loading a checked reply (kernel/x86/vcpu.h: read, check, write).
 * Every VMREAD is for an item the MTD names: under Bochs each one costs.
 */
#include "vmx.h"
#include "vmx_bits.h"
#include "vcpu_dr.h"
#include "../vcpu/entry_check.h"
#include <vireo/vmexit_map.h>
#include <vireo/x86/cr.h>
#include <x86/cpu.h>

#define MTD(name)  VIREO_MTD(name)
#define ITEM(name) ((u32)VIREO_MTD_##name##_BIT)

/* ---- segments ---- */

struct seg_fields {
    u16 sel, base, limit, ar;
};
#define SEG_FIELDS_(n)                                                                             \
    {                                                                                              \
        VMCS_GUEST_##n##_SEL, VMCS_GUEST_##n##_BASE, VMCS_GUEST_##n##_LIMIT, VMCS_GUEST_##n##_AR   \
    }
/* enum vireo_seg_index order */
static const struct seg_fields seg_fields[] = {
    SEG_FIELDS_(ES), SEG_FIELDS_(CS), SEG_FIELDS_(SS),   SEG_FIELDS_(DS),
    SEG_FIELDS_(FS), SEG_FIELDS_(GS), SEG_FIELDS_(LDTR), SEG_FIELDS_(TR),
};

static void seg_read(enum vireo_seg_index i, struct vireo_seg *s)
{
    const struct seg_fields *f = &seg_fields[i];
    s->sel = (u16)vmcs_get(f->sel);
    s->base = vmcs_get(f->base);
    s->limit = (u32)vmcs_get(f->limit);
    s->ar = vireo_seg_ar_from_vmx((u32)vmcs_get(f->ar));
}

static void seg_write(enum vireo_seg_index i, const struct vireo_seg *s)
{
    const struct seg_fields *f = &seg_fields[i];
    u16 ar = s->ar;
    /* A segment with P clear is unusable, as the generic checks take it
     * (SVM reports null selectors so): VMX must be told, or it checks the
     * descriptor's other bits (the reply fuzzer found "ES not segment"). */
    if (i != VIREO_SEG_CS && i != VIREO_SEG_TR && !VIREO_GET(SVM_ATTR, P, ar))
        ar |= VIREO_SEG_AR_UNUSABLE;
    vmcs_put(f->sel, s->sel);
    vmcs_put(f->base, s->base);
    vmcs_put(f->limit, s->limit);
    vmcs_put(f->ar, vireo_seg_ar_to_vmx(ar));
}

/* ---- CR0 / CR4 and the controls (vmx.h) ---- */

void vmx_set_cr0(struct vcpu *v, u64 cr0)
{
    struct vmx_vcpu *be = vmx_of(v);
    u64 forced = vmx_cfg.cr0_forced;
    be->cr0_forced_val = cr0 & forced;
    vmcs_put(VMCS_GUEST_CR0, vmx_cr_real(cr0, forced));
    vmcs_put(VMCS_CR0_SHADOW, vmx_cr_shadow(be->ctrl.cr0_mask, be->ctrl.cr0_shadow, cr0, forced));
}

void vmx_set_cr4(struct vcpu *v, u64 cr4)
{
    struct vmx_vcpu *be = vmx_of(v);
    u64 forced = vmx_cfg.cr4_forced;
    be->cr4_forced_val = cr4 & forced;
    vmcs_put(VMCS_GUEST_CR4, vmx_cr_real(cr4, forced));
    vmcs_put(VMCS_CR4_SHADOW, vmx_cr_shadow(be->ctrl.cr4_mask, be->ctrl.cr4_shadow, cr4, forced));
}

void vmx_set_ctrl(struct vcpu *v, const struct vireo_vcpu_ctrl *ctrl)
{
    const struct vmx_config *c = &vmx_cfg;
    struct vmx_vcpu *be = vmx_of(v);
    be->ctrl = *ctrl;
    vmcs_put(VMCS_PROC_CTLS, vmx_ctl_update(c->proc_cap, c->proc, vmx_proc_dynamic(),
                                            vmx_proc_from_ctrl(ctrl->flags)));
    vmcs_put(VMCS_PROC_CTLS2, vmx_ctl_update(c->proc2_cap, c->proc2, vmx_proc2_dynamic(),
                                             vmx_proc2_from_ctrl(ctrl->flags)));
    vmcs_put(VMCS_EXCEPTION_BITMAP, ctrl->exc_bitmap);
    vmcs_put(VMCS_CR0_MASK, vmx_cr_mask(ctrl->cr0_mask, c->cr0_forced));
    vmcs_put(VMCS_CR0_SHADOW,
             vmx_cr_shadow(ctrl->cr0_mask, ctrl->cr0_shadow, be->cr0_forced_val, c->cr0_forced));
    vmcs_put(VMCS_CR4_MASK, vmx_cr_mask(ctrl->cr4_mask, c->cr4_forced));
    vmcs_put(VMCS_CR4_SHADOW,
             vmx_cr_shadow(ctrl->cr4_mask, ctrl->cr4_shadow, be->cr4_forced_val, c->cr4_forced));
}

/* ---- reading ---- */

static u32 vect_info_read(void)
{
    u32 vect = (u32)vmcs_get(VMCS_IDT_VECTORING_INFO);
    return VIREO_GET(VMX_INTR_INFO, VALID, vect) ? vect : 0;
}

/* The exiting instruction's length, 0 where the exit reports none. */
static u64 exit_insn_len(struct vcpu *v)
{
    struct vmx_vcpu *be = vmx_of(v);
    u32 basic = (u32)VIREO_GET(VMX_EXIT_REASON, BASIC, be->exit_reason);
    bool has;
    if (basic == VMX_EXIT_EXCEPTION_NMI)
        has = vmx_event_is_soft((u32)VIREO_GET(VMX_INTR_INFO, TYPE, be->exit_intr_info));
    else if (basic == VMX_EXIT_TASK_SWITCH)
        has = VIREO_GET(VMX_QUAL_TASK, SOURCE, vmcs_get(VMCS_EXIT_QUALIFICATION)) !=
              VMX_TASK_IDT_GATE;
    else
        has = vmx_exit_has_insn_len(basic);
    /* an exit during the delivery of a software event: that instruction */
    if (!has) {
        u32 vect = vect_info_read();
        has = vect && vmx_event_is_soft((u32)VIREO_GET(VMX_INTR_INFO, TYPE, vect));
    }
    return has ? vmcs_get(VMCS_EXIT_INSN_LEN) : 0;
}

/* QUAL, ADDR and IDT_VECT of the last exit (v->exit_by_hw). */
static void exit_items(struct vcpu *v, u64 mtd, struct vireo_vcpu_state *s)
{
    struct vmx_vcpu *be = vmx_of(v);
    u32 basic = (u32)VIREO_GET(VMX_EXIT_REASON, BASIC, be->exit_reason);
    u32 cls = v->exit_class;
    u64 qual = 0;
    u32 vect = 0;
    if (mtd & (MTD(QUAL) | MTD(ADDR)))
        qual = vmcs_get(VMCS_EXIT_QUALIFICATION);
    if ((mtd & MTD(IDT_VECT)) || ((mtd & MTD(QUAL)) && cls == VIREO_EXIT_TASK_SWITCH))
        vect = vect_info_read();
    if (mtd & MTD(IDT_VECT)) {
        s->vect_info = vect;
        s->vect_error =
            VIREO_GET(VMX_INTR_INFO, HAS_ERROR, vect) ? (u32)vmcs_get(VMCS_IDT_VECTORING_ERROR) : 0;
    }
    if (mtd & MTD(QUAL)) {
        u32 insn_info = (u32)vmcs_get(VMCS_EXIT_INSN_INFO);
        s->raw_qual[0] = qual;
        s->raw_qual[1] = insn_info;
        switch (cls) {
        case VIREO_EXIT_EXCEPTION: {
            u32 info = be->exit_intr_info;
            u32 vector = (u32)VIREO_GET(VMX_INTR_INFO, VECTOR, info);
            s->info[0] = info;
            s->info[1] =
                VIREO_GET(VMX_INTR_INFO, HAS_ERROR, info) ? vmcs_get(VMCS_EXIT_INTR_ERROR) : 0;
            s->info[2] = (vector == 14 || vector == 1) ? qual : 0; /* #PF address, #DB bits */
            break;
        }
        case VIREO_EXIT_IO:
            s->info[0] = vireo_ioq_from_vmx(qual, insn_info);
            break;
        case VIREO_EXIT_CR_ACCESS:
            s->info[0] = vireo_crq_from_vmx(qual);
            break;
        case VIREO_EXIT_DR_ACCESS:
            s->info[0] = vmx_drq(qual);
            break;
        case VIREO_EXIT_DESC_TABLE:
            s->info[0] = vmx_dtq(basic, insn_info);
            break;
        case VIREO_EXIT_MEM_FAULT:
            s->info[0] = basic == VMX_EXIT_EPT_VIOLATION ? vireo_memf_from_vmx_ept(qual)
                                                         : VIREO_BIT(VIREO_MEMF, MISCONFIG);
            break;
        case VIREO_EXIT_TASK_SWITCH:
            s->info[0] = vmx_tsq(qual, vect);
            s->info[1] =
                VIREO_GET(VMX_INTR_INFO, HAS_ERROR, vect) ? vmcs_get(VMCS_IDT_VECTORING_ERROR) : 0;
            break;
        case VIREO_EXIT_MSR_READ:
        case VIREO_EXIT_MSR_WRITE:
            s->info[0] = (u32)v->gpr.rcx;
            break;
        case VIREO_EXIT_SIPI:
            s->info[0] = qual & 0xff;
            break;
        case VIREO_EXIT_INVLPG:
            s->info[0] = 1; /* gla holds the address */
            break;
        default:
            break;
        }
    }
    if (mtd & MTD(ADDR)) {
        if (cls == VIREO_EXIT_MEM_FAULT) {
            s->gpa = vmcs_get(VMCS_GUEST_PHYS_ADDR);
            if (basic == VMX_EXIT_EPT_VIOLATION && (qual & VIREO_BIT(VMX_QUAL_EPT, GLA_VALID)))
                s->gla = vmcs_get(VMCS_GUEST_LINEAR_ADDR);
        } else if (cls == VIREO_EXIT_INVLPG) {
            s->gla = qual;
        }
    }
}

void vmx_read(struct vcpu *v, u64 mtd, struct vireo_vcpu_state *s)
{
    const struct vmx_config *c = &vmx_cfg;
    struct vmx_vcpu *be = vmx_of(v);
    if (!vmx_load(v))
        return; /* logged; the message keeps zeros */
    if (v->exit_by_hw)
        s->raw_reason = be->exit_reason;
    const struct vcpu_gprs *g = &v->gpr;
    if (mtd & MTD(GPR_ACDB)) {
        s->rax = g->rax, s->rcx = g->rcx, s->rdx = g->rdx, s->rbx = g->rbx;
    }
    if (mtd & MTD(GPR_BSD)) {
        s->rbp = g->rbp, s->rsi = g->rsi, s->rdi = g->rdi;
    }
    if (mtd & MTD(GPR_R8_R15)) {
        s->r8 = g->r8, s->r9 = g->r9, s->r10 = g->r10, s->r11 = g->r11;
        s->r12 = g->r12, s->r13 = g->r13, s->r14 = g->r14, s->r15 = g->r15;
    }
    if (mtd & MTD(RSP))
        s->rsp = vmcs_get(VMCS_GUEST_RSP);
    if (mtd & MTD(RIP_LEN)) {
        s->rip = vmcs_get(VMCS_GUEST_RIP);
        s->insn_len = v->exit_by_hw ? exit_insn_len(v) : 0;
    }
    if (mtd & MTD(RFLAGS))
        s->rflags = vmcs_get(VMCS_GUEST_RFLAGS);
    if (mtd & MTD(DS_ES)) {
        seg_read(VIREO_SEG_DS, &s->ds);
        seg_read(VIREO_SEG_ES, &s->es);
    }
    if (mtd & MTD(FS_GS)) {
        seg_read(VIREO_SEG_FS, &s->fs);
        seg_read(VIREO_SEG_GS, &s->gs);
    }
    if (mtd & MTD(CS_SS)) {
        seg_read(VIREO_SEG_CS, &s->cs);
        seg_read(VIREO_SEG_SS, &s->ss);
    }
    if (mtd & MTD(TR))
        seg_read(VIREO_SEG_TR, &s->tr);
    if (mtd & MTD(LDTR))
        seg_read(VIREO_SEG_LDTR, &s->ldtr);
    if (mtd & MTD(GDTR)) {
        s->gdtr.base = vmcs_get(VMCS_GUEST_GDTR_BASE);
        s->gdtr.limit = (u32)vmcs_get(VMCS_GUEST_GDTR_LIMIT);
    }
    if (mtd & MTD(IDTR)) {
        s->idtr.base = vmcs_get(VMCS_GUEST_IDTR_BASE);
        s->idtr.limit = (u32)vmcs_get(VMCS_GUEST_IDTR_LIMIT);
    }
    if (mtd & MTD(CR0_CR4)) {
        s->cr0 = vmx_cr_guest(vmcs_get(VMCS_GUEST_CR0), be->cr0_forced_val, c->cr0_forced);
        s->cr4 = vmx_cr_guest(vmcs_get(VMCS_GUEST_CR4), be->cr4_forced_val, c->cr4_forced);
    }
    if (mtd & MTD(CR2))
        s->cr2 = be->cr2;
    if (mtd & MTD(CR3)) {
        s->cr3 = vmcs_get(VMCS_GUEST_CR3);
        for (unsigned i = 0; i < 4; i++)
            s->pdpte[i] = vmcs_get(VMCS_GUEST_PDPTE0 + 2 * i);
    }
    if (mtd & MTD(CR8))
        s->cr8 = be->cr8;
    if (mtd & MTD(EFER))
        s->efer = vmcs_get(VMCS_GUEST_EFER);
    if (mtd & MTD(XCR0))
        s->xcr0 = v->xcr0;
    if (mtd & MTD(DR7)) {
        s->dr7 = vmcs_get(VMCS_GUEST_DR7);
        s->dr6 = vcpu_dr_get(v, 6);
    }
    if (mtd & MTD(DR0_3)) {
        for (unsigned i = 0; i < 4; i++)
            s->dr[i] = vcpu_dr_get(v, i);
    }
    if (mtd & MTD(SYSENTER)) {
        s->sysenter_cs = vmcs_get(VMCS_GUEST_SYSENTER_CS);
        s->sysenter_esp = vmcs_get(VMCS_GUEST_SYSENTER_ESP);
        s->sysenter_eip = vmcs_get(VMCS_GUEST_SYSENTER_EIP);
    }
    if (mtd & MTD(SYSCALL)) {
        s->star = be->msrs[VMX_AREA_STAR].value;
        s->lstar = be->msrs[VMX_AREA_LSTAR].value;
        s->cstar = be->msrs[VMX_AREA_CSTAR].value;
        s->sfmask = be->msrs[VMX_AREA_SFMASK].value;
        s->kernel_gs_base = be->msrs[VMX_AREA_KERNEL_GS_BASE].value;
    }
    if (mtd & MTD(PAT_DEBUGCTL)) {
        s->pat = vmcs_get(VMCS_GUEST_PAT);
        s->debugctl = vmcs_get(VMCS_GUEST_DEBUGCTL);
    }
    if (mtd & MTD(INTR_STATE)) {
        s->intr_state = (u32)vmcs_get(VMCS_GUEST_INTERRUPTIBILITY);
        s->actv_state = (u32)vmcs_get(VMCS_GUEST_ACTIVITY);
    }
    if (mtd & MTD(PENDING_DBG))
        s->pending_dbg = vmcs_get(VMCS_GUEST_PENDING_DBG);
    if (mtd & MTD(INJECT)) {
        s->inj_info = (u32)vmcs_get(VMCS_ENTRY_INTR_INFO);
        s->inj_error = (u32)vmcs_get(VMCS_ENTRY_EXCEPTION_ERROR);
        s->inj_len = vmcs_get(VMCS_ENTRY_INSN_LEN);
    }
    if (mtd & MTD(TSC))
        s->tsc_offset = vmcs_get(VMCS_TSC_OFFSET);
    if (mtd & MTD(CTRL))
        s->ctrl = be->ctrl;
    if (v->exit_by_hw && (mtd & VIREO_MTD_EXIT_ONLY))
        exit_items(v, mtd, s);
}

/* ---- checking ---- */

static bool canonical(u64 a)
{
    return (u64)((s64)(a << 16) >> 16) == a;
}

static bool pae_paging(const struct vireo_vcpu_state *n)
{
    return (n->cr0 & CR0_PG) && (n->cr4 & CR4_PAE) && !(n->efer & EFER_LMA);
}

/* What only the VMX back end knows; entry_check.c has checked the rest. */
u32 vmx_check(struct vcpu *v, const struct vireo_vcpu_state *n, u64 mtd, u64 *detail, u32 *item)
{
    const struct vmx_config *c = &vmx_cfg;
#define FAIL(check, d, bit)                                                                        \
    do {                                                                                           \
        *detail = (d);                                                                             \
        *item = (bit);                                                                             \
        return VIREO_CHECK_##check;                                                                \
    } while (0)
    if (!vmx_load(v))
        FAIL(HW_VMFAIL, 0, ~0u);
    /* IA32_VMX_CR0/CR4_FIXED1 with the bits VMX forces set */
    if (mtd & MTD(CR0_CR4)) {
        if (!vmx_cr0_valid(n->cr0, c->cr0_forced, c->cr0_fixed1))
            FAIL(CR0_INVALID, n->cr0, ITEM(CR0_CR4));
        if (!vmx_cr4_valid(n->cr4, c->cr4_forced, c->cr4_fixed1))
            FAIL(CR4_INVALID, n->cr4, ITEM(CR0_CR4));
    }
    /* controls this CPU lacks (MTF on Bochs' skylake), or never offered
     * (TPR threshold: no TPR shadow) */
    if ((mtd & MTD(CTRL)) && (n->ctrl.flags & ~c->ctrl_supported))
        FAIL(CTRL_UNSUPPORTED, n->ctrl.flags & ~c->ctrl_supported, ITEM(CTRL));
    /* Bochs 2.7 refuses non-conforming code (type 9/11) with CS.RPL !=
     * CS.DPL outside virtual-8086 mode, unrestricted guest or not; the SDM
     * lists no such check, but no protected-mode CPU state has it (a far
     * jump makes RPL the CPL), so the kernel refuses it too. Found by the
     * reply fuzzer (servers/vmm/fuzz.h). */
    if ((mtd & MTD(CS_SS)) && (n->cr0 & CR0_PE) && !(n->rflags & RFLAGS_VM)) {
        u32 type = (u32)VIREO_GET(SVM_ATTR, TYPE, n->cs.ar);
        if ((type == 9 || type == 11) && (n->cs.sel & 3) != VIREO_GET(SVM_ATTR, DPL, n->cs.ar))
            FAIL(SEG_INVALID, VIREO_SEG_CS, ITEM(CS_SS));
    }
    /* DR0-3 are loaded with MOV DR, which must not fault */
    if (mtd & MTD(DR0_3)) {
        for (unsigned i = 0; i < 4; i++) {
            if (!canonical(n->dr[i]))
                FAIL(DR7_INVALID, n->dr[i], ITEM(DR0_3));
        }
    }
    /* A reply that enters PAE paging without naming CR3: the CPU loads
     * the PDPTEs the VMCS holds, which must pass too. */
    if (!(mtd & MTD(CR3)) && (mtd & (MTD(CR0_CR4) | MTD(EFER))) && pae_paging(n)) {
        u64 pdpte[4];
        for (unsigned i = 0; i < 4; i++)
            pdpte[i] = vmcs_get(VMCS_GUEST_PDPTE0 + 2 * i);
        int bad = vmx_pdpte_invalid(pdpte, c->caps.phys_bits);
        if (bad >= 0)
            FAIL(PDPTE_INVALID, pdpte[bad], ITEM(CR3));
    }
    /* An event still pending in the VMCS (re-injected after a HOST exit,
     * or injected by an earlier reply) must suit the state the reply makes
     * even when the reply does not name INJECT. */
    if (!(mtd & MTD(INJECT)) && (mtd & (MTD(RFLAGS) | MTD(INTR_STATE) | MTD(CR0_CR4)))) {
        u32 inj = (u32)vmcs_get(VMCS_ENTRY_INTR_INFO);
        if (VIREO_GET(VMX_INTR_INFO, VALID, inj)) {
            struct vireo_vcpu_state with = *n;
            with.inj_info = inj;
            with.inj_error = (u32)vmcs_get(VMCS_ENTRY_EXCEPTION_ERROR);
            with.inj_len = vmcs_get(VMCS_ENTRY_INSN_LEN);
            u32 check = entry_check(&with, MTD(INJECT), &c->caps, detail, item);
            if (check != VIREO_CHECK_NONE)
                return check;
        }
    }
#undef FAIL
    return VIREO_CHECK_NONE;
}

/* ---- writing ---- */

void vmx_write(struct vcpu *v, u64 mtd, const struct vireo_vcpu_state *s)
{
    const struct vmx_config *c = &vmx_cfg;
    struct vmx_vcpu *be = vmx_of(v);
    if (!vmx_load(v))
        return; /* the next entry fails the same way and says so */
    struct vcpu_gprs *g = &v->gpr;
    if (mtd & MTD(GPR_ACDB)) {
        g->rax = s->rax, g->rcx = s->rcx, g->rdx = s->rdx, g->rbx = s->rbx;
    }
    if (mtd & MTD(GPR_BSD)) {
        g->rbp = s->rbp, g->rsi = s->rsi, g->rdi = s->rdi;
    }
    if (mtd & MTD(GPR_R8_R15)) {
        g->r8 = s->r8, g->r9 = s->r9, g->r10 = s->r10, g->r11 = s->r11;
        g->r12 = s->r12, g->r13 = s->r13, g->r14 = s->r14, g->r15 = s->r15;
    }
    if (mtd & MTD(RSP))
        vmcs_put(VMCS_GUEST_RSP, s->rsp);
    if (mtd & MTD(RIP_LEN))
        vmcs_put(VMCS_GUEST_RIP, s->rip);
    if (mtd & MTD(RFLAGS))
        vmcs_put(VMCS_GUEST_RFLAGS, s->rflags);
    if (mtd & MTD(DS_ES)) {
        seg_write(VIREO_SEG_DS, &s->ds);
        seg_write(VIREO_SEG_ES, &s->es);
    }
    if (mtd & MTD(FS_GS)) {
        seg_write(VIREO_SEG_FS, &s->fs);
        seg_write(VIREO_SEG_GS, &s->gs);
    }
    if (mtd & MTD(CS_SS)) {
        seg_write(VIREO_SEG_CS, &s->cs);
        seg_write(VIREO_SEG_SS, &s->ss);
    }
    if (mtd & MTD(TR))
        seg_write(VIREO_SEG_TR, &s->tr);
    if (mtd & MTD(LDTR))
        seg_write(VIREO_SEG_LDTR, &s->ldtr);
    if (mtd & MTD(GDTR)) {
        vmcs_put(VMCS_GUEST_GDTR_BASE, s->gdtr.base);
        vmcs_put(VMCS_GUEST_GDTR_LIMIT, s->gdtr.limit);
    }
    if (mtd & MTD(IDTR)) {
        vmcs_put(VMCS_GUEST_IDTR_BASE, s->idtr.base);
        vmcs_put(VMCS_GUEST_IDTR_LIMIT, s->idtr.limit);
    }
    /* CTRL before CR0_CR4: the shadows combine both, each recomputes them */
    if (mtd & MTD(CTRL))
        vmx_set_ctrl(v, &s->ctrl);
    if (mtd & MTD(CR0_CR4)) {
        vmx_set_cr0(v, s->cr0);
        vmx_set_cr4(v, s->cr4);
    }
    if (mtd & MTD(CR2))
        be->cr2 = s->cr2; /* into the register before the next entry */
    if (mtd & MTD(CR3)) {
        vmcs_put(VMCS_GUEST_CR3, s->cr3);
        for (unsigned i = 0; i < 4; i++)
            vmcs_put(VMCS_GUEST_PDPTE0 + 2 * i, s->pdpte[i]);
    }
    if (mtd & MTD(CR8))
        be->cr8 = s->cr8 & 0xf; /* bits 63:4 are reserved; MOV CR8 exits to the VMM */
    if (mtd & MTD(EFER)) {
        vmcs_put(VMCS_GUEST_EFER, s->efer);
        vmcs_put(VMCS_ENTRY_CTLS,
                 vmx_ctl_update(c->entry_cap, c->entry, VIREO_BIT(VMX_ENTRY_CTL, IA32E_GUEST),
                                (s->efer & EFER_LMA) ? VIREO_BIT(VMX_ENTRY_CTL, IA32E_GUEST) : 0));
    }
    if (mtd & MTD(XCR0))
        v->xcr0 = s->xcr0; /* XSETBV before the next entry (ec_context.c) */
    if (mtd & MTD(DR7)) {
        vmcs_put(VMCS_GUEST_DR7, s->dr7);
        vcpu_dr_set(v, 6, s->dr6);
    }
    if (mtd & MTD(DR0_3)) {
        for (unsigned i = 0; i < 4; i++)
            vcpu_dr_set(v, i, s->dr[i]);
    }
    if (mtd & MTD(SYSENTER)) {
        vmcs_put(VMCS_GUEST_SYSENTER_CS, s->sysenter_cs);
        vmcs_put(VMCS_GUEST_SYSENTER_ESP, s->sysenter_esp);
        vmcs_put(VMCS_GUEST_SYSENTER_EIP, s->sysenter_eip);
    }
    if (mtd & MTD(SYSCALL)) {
        be->msrs[VMX_AREA_STAR].value = s->star;
        be->msrs[VMX_AREA_LSTAR].value = s->lstar;
        be->msrs[VMX_AREA_CSTAR].value = s->cstar;
        be->msrs[VMX_AREA_SFMASK].value = s->sfmask;
        be->msrs[VMX_AREA_KERNEL_GS_BASE].value = s->kernel_gs_base;
    }
    if (mtd & MTD(PAT_DEBUGCTL)) {
        vmcs_put(VMCS_GUEST_PAT, s->pat);
        vmcs_put(VMCS_GUEST_DEBUGCTL, s->debugctl);
    }
    if (mtd & MTD(INTR_STATE)) {
        vmcs_put(VMCS_GUEST_INTERRUPTIBILITY, s->intr_state);
        vmcs_put(VMCS_GUEST_ACTIVITY, s->actv_state);
    }
    if (mtd & MTD(PENDING_DBG))
        vmcs_put(VMCS_GUEST_PENDING_DBG, s->pending_dbg);
    if (mtd & MTD(INJECT)) {
        vmcs_put(VMCS_ENTRY_INTR_INFO,
                 s->inj_info & ~(u32)VIREO_MASK(VMX_INTR_INFO, NMI_UNBLOCKED));
        vmcs_put(VMCS_ENTRY_EXCEPTION_ERROR, s->inj_error);
        vmcs_put(VMCS_ENTRY_INSN_LEN, s->inj_len);
    }
    if (mtd & MTD(TSC))
        vmcs_put(VMCS_TSC_OFFSET, s->tsc_offset);
}
