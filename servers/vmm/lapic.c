/*
 * The local APIC's state: IA32_APIC_BASE and its modes, reset, priority
 * (TPR/PPR/ISR/IRR), acceptance, EOI, errors and IPIs (SDM vol. 3 chapter
 * 11, AMD APM vol. 2 chapter 16). Registers: lapic_regs.c; the timer:
 * lapic_timer.c. One vCPU per VM, so an IPI reaches this APIC or nobody.
 * docs/LAPIC.md.
 */
#include "lapic_core.h"
#include "lapic_timer.h"

enum apic_mode { MODE_DISABLED, MODE_INVALID, MODE_XAPIC, MODE_X2APIC };

static enum apic_mode mode_of(u64 base_msr)
{
    return (enum apic_mode)(((base_msr & APIC_BASE_ENABLE) ? 2 : 0) |
                            ((base_msr & APIC_BASE_X2APIC) ? 1 : 0));
}

bool lapic_enabled(const struct lapic *a)
{
    return a->base_msr & APIC_BASE_ENABLE;
}

bool lapic_x2apic(const struct lapic *a)
{
    return mode_of(a->base_msr) == MODE_X2APIC;
}

u64 lapic_mmio_base(const struct lapic *a)
{
    return a->base_msr & APIC_BASE_ADDR_MASK;
}

static bool software_enabled(const struct lapic *a)
{
    return lapic_enabled(a) && (a->svr & APIC_SVR_ENABLE);
}

static void set_bit(u32 *r, u32 v)
{
    r[v / 32] |= 1u << (v % 32);
}
static void clear_bit(u32 *r, u32 v)
{
    r[v / 32] &= ~(1u << (v % 32));
}

/* The highest vector set in a 256-bit register, -1 if none. */
static int highest(const u32 *r)
{
    for (int i = 7; i >= 0; i--)
        if (r[i])
            return i * 32 + 31 - __builtin_clz(r[i]);
    return -1;
}

/* PPR (SDM 11.8.3.1): the TPR, or the in-service class if higher. */
u32 lapic_ppr(const struct lapic *a)
{
    int isrv = highest(a->isr);
    u32 isr_class = isrv < 0 ? 0 : (u32)isrv & APIC_PRIORITY_CLASS;
    return (a->tpr & APIC_PRIORITY_CLASS) >= isr_class ? a->tpr : isr_class;
}

/* The x2APIC logical ID: cluster (ID bits 31:4) and one bit of 16. */
static u32 x2apic_ldr(u32 id)
{
    return (id >> 4) << APIC_X2APIC_CLUSTER_SHIFT | 1u << (id & 0xf);
}

/* Everything the SDM resets at power-up (11.4.7.1), keeping the IDs, the
 * base MSR and the configuration. */
static void power_up_state(struct lapic *a)
{
    a->tpr = a->ldr = 0;
    a->dfr = ~0u;
    a->svr = APIC_SVR_RESET;
    a->esr = a->esr_pending = 0;
    a->error_irq_armed = true;
    a->nmi_pending = false;
    a->icr_lo = a->icr_hi = 0;
    for (unsigned i = 0; i < LAPIC_LVT_COUNT; i++)
        a->lvt[i] = APIC_LVT_MASKED;
    for (unsigned i = 0; i < 8; i++)
        a->irr[i] = a->isr[i] = a->tmr[i] = a->eoi_broadcast[i] = 0;
    lapic_timer_reset(a);
}

void lapic_reset(struct lapic *a, u32 id, bool bsp, u64 tsc_khz, u64 timer_khz)
{
    *a = (struct lapic){0};
    a->id = a->initial_id = id;
    a->tsc_khz = tsc_khz ? tsc_khz : 1;
    a->timer_khz = timer_khz ? timer_khz : 1;
    a->x2apic_capable = true;
    a->base_msr = APIC_DEFAULT_BASE | APIC_BASE_ENABLE | (bsp ? APIC_BASE_BSP : 0);
    power_up_state(a);
}

u64 lapic_base_msr(const struct lapic *a)
{
    return a->base_msr;
}

bool lapic_set_base(struct lapic *a, u64 value, u32 phys_bits, u64 now)
{
    u64 addr =
        phys_bits >= 52 ? APIC_BASE_ADDR_MASK : APIC_BASE_ADDR_MASK & ((1ull << phys_bits) - 1);
    u64 allowed =
        addr | APIC_BASE_BSP | APIC_BASE_ENABLE | (a->x2apic_capable ? APIC_BASE_X2APIC : 0);
    if (value & ~allowed)
        return false;
    enum apic_mode from = mode_of(a->base_msr), to = mode_of(value);
    /* SDM figure 11-27: x2APIC is left only to disabled, and entered
     * only from xAPIC; EXTD without EN is no state at all. */
    if (to == MODE_INVALID || (from == MODE_X2APIC && to == MODE_XAPIC) ||
        (from == MODE_DISABLED && to == MODE_X2APIC))
        return false;
    lapic_update(a, now);
    a->base_msr = (value & ~APIC_BASE_BSP) | (a->base_msr & APIC_BASE_BSP);
    if (to == MODE_DISABLED && from != MODE_DISABLED) {
        power_up_state(a); /* the IDs stay (SDM 11.12.5.1) */
    } else if (from == MODE_XAPIC && to == MODE_X2APIC) {
        /* The physical ID becomes the initial one, the logical ID is
         * derived from it, ICR's destination is not kept. */
        a->id = a->initial_id;
        a->ldr = x2apic_ldr(a->id);
        a->icr_hi = 0;
    }
    return true;
}

/* An error the APIC detected: kept for the next ESR write; the error LVT
 * interrupt fires once until that write rearms it. */
void lapic_record_error(struct lapic *a, u32 bits)
{
    a->esr_pending |= bits;
    u32 lvt = a->lvt[LAPIC_LVT_ERROR];
    if (a->error_irq_armed && !(lvt & APIC_LVT_MASKED)) {
        a->error_irq_armed = false;
        lapic_accept(a, lvt & APIC_LVT_VECTOR, false);
    }
}

void lapic_accept(struct lapic *a, u32 vector, bool level)
{
    if (!software_enabled(a))
        return;
    vector &= APIC_LVT_VECTOR;
    if (vector < APIC_FIRST_VALID_VECTOR) {
        lapic_record_error(a, APIC_ESR_RECV_ILLEGAL_VECTOR);
        return;
    }
    set_bit(a->irr, vector);
    if (level)
        set_bit(a->tmr, vector);
    else
        clear_bit(a->tmr, vector);
}

int lapic_pending(const struct lapic *a)
{
    if (!software_enabled(a))
        return -1;
    int v = highest(a->irr);
    if (v < 0 || ((u32)v & APIC_PRIORITY_CLASS) <= (lapic_ppr(a) & APIC_PRIORITY_CLASS))
        return -1;
    return v;
}

void lapic_ack(struct lapic *a, u32 vector)
{
    vector &= APIC_LVT_VECTOR;
    clear_bit(a->irr, vector);
    set_bit(a->isr, vector);
}

bool lapic_take_nmi(struct lapic *a)
{
    bool nmi = a->nmi_pending;
    a->nmi_pending = false;
    return nmi;
}

u32 lapic_cr8(const struct lapic *a)
{
    return (a->tpr >> 4) & 0xf;
}

void lapic_set_cr8(struct lapic *a, u32 value)
{
    a->tpr = (value & 0xf) << 4;
}

void lapic_eoi(struct lapic *a)
{
    int v = highest(a->isr);
    if (v < 0)
        return;
    clear_bit(a->isr, (u32)v);
    /* a level-triggered interrupt's EOI goes on to the IOAPICs */
    if (a->tmr[v / 32] & (1u << (v % 32)))
        set_bit(a->eoi_broadcast, (u32)v);
}

bool lapic_extint_open(const struct lapic *a)
{
    if (!lapic_enabled(a))
        return true;
    u32 lvt = a->lvt[LAPIC_LVT_LINT0];
    return software_enabled(a) && !(lvt & APIC_LVT_MASKED) &&
           (lvt & APIC_LVT_DELIVERY_MODE) >> APIC_LVT_DELIVERY_SHIFT == APIC_DM_EXTINT;
}

int lapic_take_eoi_broadcast(struct lapic *a)
{
    int v = highest(a->eoi_broadcast);
    if (v >= 0)
        clear_bit(a->eoi_broadcast, (u32)v);
    return v;
}

bool lapic_is_destination(const struct lapic *a, u32 dest, bool logical)
{
    if (lapic_x2apic(a)) {
        if (dest == APIC_BROADCAST_X2APIC)
            return true;
        if (!logical)
            return dest == a->id;
        return dest >> APIC_X2APIC_CLUSTER_SHIFT == a->ldr >> APIC_X2APIC_CLUSTER_SHIFT &&
               (dest & a->ldr & 0xffff);
    }
    dest &= XAPIC_ID_MASK;
    if (dest == APIC_BROADCAST_XAPIC)
        return true;
    if (!logical)
        return dest == (a->id & XAPIC_ID_MASK);
    u32 ldr = a->ldr >> APIC_LDR_XAPIC_SHIFT;
    switch (a->dfr >> APIC_DFR_MODEL_SHIFT) {
    case APIC_DFR_FLAT:
        return dest & ldr;
    case APIC_DFR_CLUSTER:
        return (dest & 0xf0) == (ldr & 0xf0) && (dest & ldr & 0x0f);
    default:
        return false;
    }
}

/* The ICR was written: deliver to this APIC if it is a destination.
 * Nothing else exists to deliver to; the delivery status stays idle. */
void lapic_send_ipi(struct lapic *a)
{
    u32 lo = a->icr_lo, vector = lo & APIC_ICR_VECTOR;
    u32 mode = (lo & APIC_ICR_DELIVERY_MODE) >> APIC_ICR_DELIVERY_SHIFT;
    bool self;
    switch ((lo & APIC_ICR_SHORTHAND) >> APIC_ICR_SHORTHAND_SHIFT) {
    case APIC_SHORTHAND_NONE:
        self = lapic_is_destination(a, lapic_x2apic(a) ? a->icr_hi : a->icr_hi >> APIC_ID_SHIFT,
                                    lo & APIC_ICR_DEST_LOGICAL);
        break;
    case APIC_SHORTHAND_SELF:
    case APIC_SHORTHAND_ALL:
        self = true;
        break;
    default:
        self = false;
        break;
    }
    switch (mode) {
    case APIC_DM_FIXED:
    case APIC_DM_LOWEST: /* one candidate: this APIC has the lowest priority */
        if (vector < APIC_FIRST_VALID_VECTOR)
            lapic_record_error(a, APIC_ESR_SEND_ILLEGAL_VECTOR);
        if (self)
            lapic_accept(a, vector, lo & APIC_ICR_TRIGGER_LEVEL);
        break;
    case APIC_DM_NMI:
        if (self)
            a->nmi_pending = true;
        break;
    default:
        /* SMI (no SMM), INIT and SIPI (no other processor to start; this
         * one is running), ExtINT and reserved modes: nothing happens. */
        break;
    }
}
