#include "exit_ctx.h"
#include "insn.h"
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

void exit_string_suspend(struct exit_ctx *x)
{
    struct vireo_vcpu_state *s = x->s;
    s->rflags |= RFLAGS_RF;
    x->changed |= VIREO_MTD(RFLAGS);
    if (s->rflags & RFLAGS_TF) {
        s->pending_dbg |= PENDING_BS;
        x->changed |= VIREO_MTD(PENDING_DBG);
    }
}

void exit_inject_event(struct exit_ctx *x, u32 vector, u32 type, bool has_error, u32 error)
{
    struct vireo_vcpu_state *s = x->s;
    s->inj_info =
        (u32)(VIREO_PUT(VMX_INTR_INFO, VECTOR, vector) | VIREO_PUT(VMX_INTR_INFO, TYPE, type) |
              VIREO_PUT(VMX_INTR_INFO, HAS_ERROR, has_error) | VIREO_PUT(VMX_INTR_INFO, VALID, 1));
    s->inj_error = has_error ? error : 0;
    s->inj_len = 0;
    x->changed |= VIREO_MTD(INJECT);
}

void exit_inject_exception(struct exit_ctx *x, u32 vector, bool has_error, u32 error)
{
    /* Real mode pushes no error codes. */
    if (!(x->s->cr0 & CR0_PE))
        has_error = false;
    exit_inject_event(x, vector, VMX_EVENT_HW_EXCEPTION, has_error, error);
}

/* AMD-V reports INT n as a software interrupt but INT3, INTO and INT1
 * (ICEBP) as plain exceptions, each with RIP still at the instruction. */
static bool svm_soft_event(struct exit_ctx *x, u32 type, u32 vector)
{
    if (type == VMX_EVENT_SW_INTR || type == VMX_EVENT_SW_EXCEPTION ||
        type == VMX_EVENT_PRIV_SW_EXCEPTION || (type == VMX_EVENT_HW_EXCEPTION && vector == 3) ||
        (type == VMX_EVENT_HW_EXCEPTION && vector == 4))
        return true;
    if (type != VMX_EVENT_HW_EXCEPTION || vector != 1)
        return false;
    struct insn in;
    return insn_decode(x, &in) && in.zi.mnemonic == ZYDIS_MNEMONIC_INT1;
}

void exit_reinject_vectoring(struct exit_ctx *x)
{
    struct vireo_vcpu_state *s = x->s;
    if (!VIREO_GET(VMX_INTR_INFO, VALID, s->vect_info))
        return;
    u32 type = (u32)VIREO_GET(VMX_INTR_INFO, TYPE, s->vect_info);
    u32 vector = (u32)VIREO_GET(VMX_INTR_INFO, VECTOR, s->vect_info);
    /* On AMD-V a software event is not injected again: RIP is still at
     * its INT n / INT3 / INTO / INT1, which runs again and delivers it
     * once (the length the injection would need is not reliably known). */
    if (s->arch == VIREO_ARCH_SVM && svm_soft_event(x, type, vector))
        return;
    s->inj_info = s->vect_info & ~(u32)VIREO_MASK(VMX_INTR_INFO, NMI_UNBLOCKED);
    s->inj_error = s->vect_error;
    s->inj_len = s->insn_len; /* software events: the instruction's length (VMX gives it) */
    x->changed |= VIREO_MTD(INJECT);
    if (type == VMX_EVENT_NMI && (s->intr_state & VIREO_BIT(VMX_INTR_STATE, BLOCK_NMI))) {
        /* The NMI was not delivered, so it blocks nothing yet: an exit
         * during its delivery reports NMIs blocked, and the SDM has the
         * VMM clear that before injecting it again. */
        s->intr_state &= ~(u32)VIREO_BIT(VMX_INTR_STATE, BLOCK_NMI);
        x->changed |= VIREO_MTD(INTR_STATE);
    }
}

u32 exit_cpl(const struct vireo_vcpu_state *s)
{
    if (!(s->cr0 & CR0_PE))
        return 0;
    if (s->rflags & RFLAGS_VM)
        return 3;
    return (u32)VIREO_GET(SVM_ATTR, DPL, s->ss.ar);
}
