#include "exit_ctx.h"
#include <vireo/x86/cr.h>
#include <vireo/x86/msr.h>
#include <vireo/x86/vmcb.h>

#define DEBUGCTL_BTF (1ull << 1)
#define PENDING_BS   VIREO_BIT(VMX_PENDING_DBG, BS)

void exit_finish_insn(struct exit_ctx *x, u64 len)
{
    struct vireo_vcpu_state *s = x->s;
    s->rip += len;
    /* Outside 64-bit code RIP wraps at 32 bits (16-bit code: IP at 16,
     * but the CS limit check keeps real code below that). */
    if (!(s->efer & EFER_LMA && (s->cs.ar & (1u << 9))))
        s->rip &= 0xffffffffull;
    s->intr_state &=
        ~(u32)(VIREO_BIT(VMX_INTR_STATE, BLOCK_STI) | VIREO_BIT(VMX_INTR_STATE, BLOCK_MOV_SS));
    if ((s->rflags & RFLAGS_TF) && !(s->debugctl & DEBUGCTL_BTF))
        s->pending_dbg |= PENDING_BS;
    x->changed |= VIREO_MTD(RIP_LEN) | VIREO_MTD(INTR_STATE) | VIREO_MTD(PENDING_DBG);
    /* The CPU clears RF once an instruction completes (SDM 17.3.1.1), so
     * an instruction breakpoint on the next one is not suppressed. */
    if (s->rflags & RFLAGS_RF) {
        s->rflags &= ~RFLAGS_RF;
        x->changed |= VIREO_MTD(RFLAGS);
    }
}

void exit_inject_exception(struct exit_ctx *x, u32 vector, bool has_error, u32 error)
{
    struct vireo_vcpu_state *s = x->s;
    /* Real mode pushes no error codes. */
    if (!(s->cr0 & CR0_PE))
        has_error = false;
    s->inj_info =
        (u32)(VIREO_PUT(VMX_INTR_INFO, VECTOR, vector) |
              VIREO_PUT(VMX_INTR_INFO, TYPE, VMX_EVENT_HW_EXCEPTION) |
              VIREO_PUT(VMX_INTR_INFO, HAS_ERROR, has_error) | VIREO_PUT(VMX_INTR_INFO, VALID, 1));
    s->inj_error = has_error ? error : 0;
    s->inj_len = 0;
    x->changed |= VIREO_MTD(INJECT);
}

void exit_reinject_vectoring(struct exit_ctx *x)
{
    struct vireo_vcpu_state *s = x->s;
    if (!VIREO_GET(VMX_INTR_INFO, VALID, s->vect_info))
        return;
    u32 type = (u32)VIREO_GET(VMX_INTR_INFO, TYPE, s->vect_info);
    bool soft = type == VMX_EVENT_SW_INTR || type == VMX_EVENT_SW_EXCEPTION ||
                type == VMX_EVENT_PRIV_SW_EXCEPTION;
    /* A software event without its instruction's length (AMD-V without
     * next-RIP): RIP is still at the INT n / INT3 / INTO, which runs again. */
    if (soft && !s->insn_len)
        return;
    s->inj_info = s->vect_info & ~(u32)VIREO_MASK(VMX_INTR_INFO, NMI_UNBLOCKED);
    s->inj_error = s->vect_error;
    s->inj_len = s->insn_len; /* software events: the instruction's length */
    x->changed |= VIREO_MTD(INJECT);
}

u32 exit_cpl(const struct vireo_vcpu_state *s)
{
    if (!(s->cr0 & CR0_PE))
        return 0;
    if (s->rflags & RFLAGS_VM)
        return 3;
    return (u32)VIREO_GET(SVM_ATTR, DPL, s->ss.ar);
}
