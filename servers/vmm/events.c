#include "events.h"
#include "devices.h"
#include "irqchip.h"
#include <vireo/cap.h>
#include <vireo/user.h>
#include <vireo/x86/cr.h>

#define INTR_BLOCKED                                                                               \
    (VIREO_BIT(VMX_INTR_STATE, BLOCK_STI) | VIREO_BIT(VMX_INTR_STATE, BLOCK_MOV_SS))
#define INTR_WINDOW VIREO_BIT(VIREO_CTRL, INTR_WINDOW)
#define NMI_WINDOW  VIREO_BIT(VIREO_CTRL, NMI_WINDOW)

u64 events_guest_tsc(const struct exit_ctx *x)
{
    return events_host_tsc() + x->tsc_offset;
}

void events_before(struct exit_ctx *x)
{
    /* On AMD-V the guest writes CR8 (V_TPR) without an exit: the APIC
     * learns it here. Only a changed CR8 is taken, so TPR[3:0] written
     * through the APIC page survive. */
    if (x->lapic && x->s->cr8 != lapic_cr8(x->lapic))
        lapic_set_cr8(x->lapic, (u32)x->s->cr8);
}

static void set_window(struct exit_ctx *x, u64 window, bool on)
{
    struct vireo_vcpu_ctrl *c = &x->s->ctrl;
    if (((c->flags & window) != 0) == on)
        return;
    c->flags = on ? c->flags | window : c->flags & ~window;
    x->changed |= VIREO_MTD(CTRL);
}

/* An NMI goes in unless NMIs are blocked (one is being handled), a MOV-SS
 * or STI shadow holds, or another event is going in; else its window. */
static bool nmi(struct exit_ctx *x)
{
    struct vireo_vcpu_state *s = x->s;
    if (!x->lapic->nmi_pending) {
        set_window(x, NMI_WINDOW, false);
        return false;
    }
    if ((s->intr_state & (INTR_BLOCKED | VIREO_BIT(VMX_INTR_STATE, BLOCK_NMI))) ||
        VIREO_GET(VMX_INTR_INFO, VALID, s->inj_info) ||
        (s->pending_dbg & VIREO_BIT(VMX_PENDING_DBG, BS))) {
        set_window(x, NMI_WINDOW, true);
        return false;
    }
    lapic_take_nmi(x->lapic);
    exit_inject_event(x, 2, VMX_EVENT_NMI, false, 0);
    set_window(x, NMI_WINDOW, false);
    return true;
}

/* Whether an external interrupt can be injected at this entry: IF set, no
 * STI or MOV-SS shadow, no event already going in, and no single-step trap
 * pending from the emulated instruction (that #DB comes first: traps on
 * the previous instruction rank above interrupts, SDM 6.9). */
static bool can_inject(const struct vireo_vcpu_state *s)
{
    return (s->rflags & RFLAGS_IF) && !(s->intr_state & INTR_BLOCKED) &&
           !VIREO_GET(VMX_INTR_INFO, VALID, s->inj_info) &&
           !(s->pending_dbg & VIREO_BIT(VMX_PENDING_DBG, BS));
}

/* A fault-class exception pushes RFLAGS with RF set (SDM 17.3.1.1), so
 * the handler's IRET does not meet an instruction breakpoint again at the
 * instruction that faulted; traps (#DB as the VMM injects it, #BP, #OF)
 * and aborts (#DF, #MC) do not. Whatever injected it: a handler, an
 * intercepted exception given back, a re-injected delivery. */
static void fault_rf(struct exit_ctx *x)
{
    struct vireo_vcpu_state *s = x->s;
    u32 v = (u32)VIREO_GET(VMX_INTR_INFO, VECTOR, s->inj_info);
    if (!(x->changed & VIREO_MTD(INJECT)) || !VIREO_GET(VMX_INTR_INFO, VALID, s->inj_info) ||
        VIREO_GET(VMX_INTR_INFO, TYPE, s->inj_info) != VMX_EVENT_HW_EXCEPTION || v == EXC_DB ||
        v == 3 || v == 4 || v == EXC_DF || v == 18 || (s->rflags & RFLAGS_RF))
        return;
    s->rflags |= RFLAGS_RF;
    x->changed |= VIREO_MTD(RFLAGS);
}

u64 events_after(struct exit_ctx *x)
{
    fault_rf(x);
    struct vireo_vcpu_state *s = x->s;
    struct lapic *a = x->lapic;
    if (!a)
        return LAPIC_NO_EVENT;
    if (x->changed & VIREO_MTD(CR8)) {
        lapic_set_cr8(a, (u32)s->cr8); /* the handler emulated MOV CR8 */
    } else if (s->cr8 != lapic_cr8(a)) {
        s->cr8 = lapic_cr8(a); /* TPR written through the APIC page or MSR */
        x->changed |= VIREO_MTD(CR8);
    }
    lapic_update(a, events_guest_tsc(x));
    bool nmi_in = nmi(x); /* NMIs rank above interrupts (SDM 6.9) */
    struct irqchip *ic = x->vm->irqchip;
    /* The i8259's INTR through LINT0 (ExtINT) is not held in IRR: it goes
     * in as the CPU's INTR does, ahead of the APIC's own. */
    bool extint = ic && irqchip_extint(ic);
    int vector = lapic_pending(a);
    if (!extint && vector < 0) {
        set_window(x, INTR_WINDOW, false);
    } else if (nmi_in || !can_inject(s)) {
        set_window(x, INTR_WINDOW, true); /* an INTR_WINDOW exit comes when it can */
    } else {
        if (extint) {
            /* the acknowledge happens now: an interrupted delivery goes in
             * again as IDT-vectoring information, never acknowledged twice */
            exit_inject_event(x, irqchip_extint_ack(ic), VMX_EVENT_EXT_INTR, false, 0);
        } else {
            exit_inject_event(x, (u32)vector, VMX_EVENT_EXT_INTR, false, 0);
            lapic_ack(a, (u32)vector);
        }
        /* Another one may be waiting behind it: its window opens once
         * the guest is interruptible again. */
        set_window(x, INTR_WINDOW, lapic_pending(a) >= 0 || (ic && irqchip_extint(ic)));
    }
    return lapic_next_event(a);
}

bool events_devices(struct exit_ctx *x)
{
    struct vm *vm = x->vm;
    if (vm->irqchip)
        irqchip_after_exit(vm->irqchip);
    return !dev_poll_due(vm, events_host_tsc()) || dev_poll(vm);
}

/* Whether something can be delivered to a halted vCPU. */
static bool wakes(struct exit_ctx *x)
{
    struct irqchip *ic = x->vm->irqchip;
    return lapic_pending(x->lapic) >= 0 || x->lapic->nmi_pending || (ic && irqchip_extint(ic));
}

u64 events_wait_us(const struct vm *vm, u64 host_now, u64 tsc_offset, u64 lapic_next, u64 tsc_khz)
{
    u64 us = lapic_next == LAPIC_NO_EVENT
                 ? VIREO_TIMEOUT_NEVER
                 : events_us_until(host_now + tsc_offset, lapic_next, tsc_khz);
    u64 dev_next = vm->dev_next;
    if (vm->devices != VIREO_SERVER_SEL_NONE && dev_next != VIREO_DEV_NO_EVENT) {
        u64 dev_us = events_us_until(host_now, dev_next, tsc_khz);
        us = dev_us < us ? dev_us : us;
    }
    return us;
}

bool events_halt(struct exit_ctx *x, u64 wake_sm)
{
    struct lapic *a = x->lapic;
    struct vm *vm = x->vm;
    for (;;) {
        if (!events_devices(x))
            return false;
        u64 host = events_host_tsc();
        lapic_update(a, host + x->tsc_offset);
        if (wakes(x))
            return true;
        u64 us = events_wait_us(vm, host, x->tsc_offset, lapic_next_event(a), a->tsc_khz);
        if (us == VIREO_TIMEOUT_NEVER && !vm->input_watched) {
            /* Nothing armed to wake it: a guest idling for good. */
            vm_stop(vm, VM_END_HALTED, 0,
                    "the guest halted with interrupts enabled and nothing armed to wake it "
                    "(rip %#llx)",
                    (unsigned long long)x->s->rip);
            return false;
        }
        sys_sm_ctrl(wake_sm, VIREO_SM_OP_DOWN, us == VIREO_TIMEOUT_NEVER ? us : us ? us : 1);
        if (x->vm->end != VM_RUNNING)
            return false;
    }
}
