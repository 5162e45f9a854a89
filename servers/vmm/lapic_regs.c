/*
 * The local APIC's registers as software reaches them: the xAPIC MMIO
 * page and the x2APIC MSRs, with each mode's access rules (which register
 * exists, read-only and write-only ones, reserved bits) from the one table
 * in abi/vireo/x86/apic.h.
 */
#include "lapic_core.h"
#include "lapic_timer.h"

static const struct {
    u16 offset;
    u8 count, access;
} regs[] = {
#define LAPIC_REG_ROW(name, offset, count, access) {offset, count, access},
    VIREO_APIC_REG_TABLE(LAPIC_REG_ROW)
#undef LAPIC_REG_ROW
};

/* How the register at xAPIC offset slot (16-byte aligned) may be reached
 * (APIC_XR ...), 0 for a reserved slot. */
static u32 reg_access(u32 slot)
{
    for (unsigned i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
        if (slot >= regs[i].offset && slot < regs[i].offset + regs[i].count * APIC_REG_STRIDE)
            return regs[i].access;
    return 0;
}

/* Each LVT's writable bits, and the read-only ones a write may carry. */
#define LVT_NMI_CAPABLE (APIC_LVT_VECTOR | APIC_LVT_DELIVERY_MODE | APIC_LVT_MASKED)
static const u32 lvt_writable[LAPIC_LVT_COUNT] = {
    [LAPIC_LVT_CMCI] = LVT_NMI_CAPABLE,
    [LAPIC_LVT_TIMER] = APIC_LVT_VECTOR | APIC_LVT_MASKED | APIC_LVT_TIMER_MODE,
    [LAPIC_LVT_THERMAL] = LVT_NMI_CAPABLE,
    [LAPIC_LVT_PERF] = LVT_NMI_CAPABLE,
    [LAPIC_LVT_LINT0] = LVT_NMI_CAPABLE | APIC_LVT_POLARITY | APIC_LVT_LEVEL,
    [LAPIC_LVT_LINT1] = LVT_NMI_CAPABLE | APIC_LVT_POLARITY | APIC_LVT_LEVEL,
    [LAPIC_LVT_ERROR] = APIC_LVT_VECTOR | APIC_LVT_MASKED,
};
static const u32 lvt_read_only[LAPIC_LVT_COUNT] = {
    [LAPIC_LVT_CMCI] = APIC_LVT_DELIVERY_STATUS,
    [LAPIC_LVT_TIMER] = APIC_LVT_DELIVERY_STATUS,
    [LAPIC_LVT_THERMAL] = APIC_LVT_DELIVERY_STATUS,
    [LAPIC_LVT_PERF] = APIC_LVT_DELIVERY_STATUS,
    [LAPIC_LVT_LINT0] = APIC_LVT_DELIVERY_STATUS | APIC_LVT_REMOTE_IRR,
    [LAPIC_LVT_LINT1] = APIC_LVT_DELIVERY_STATUS | APIC_LVT_REMOTE_IRR,
    [LAPIC_LVT_ERROR] = APIC_LVT_DELIVERY_STATUS,
};

/* ICR bits software may write; x2APIC #GPs on the reserved ones (13,
 * 16-17, 20-31), the delivery-status bit is read-only. */
#define ICR_WRITABLE                                                                               \
    (APIC_ICR_VECTOR | APIC_ICR_DELIVERY_MODE | APIC_ICR_DEST_LOGICAL | APIC_ICR_LEVEL_ASSERT |    \
     APIC_ICR_TRIGGER_LEVEL | APIC_ICR_SHORTHAND)
#define SVR_WRITABLE (APIC_SVR_VECTOR | APIC_SVR_ENABLE | APIC_SVR_FOCUS_DISABLE)

static bool is_lvt(u32 slot)
{
    return slot == APIC_REG_LVT_CMCI || (slot >= APIC_REG_LVT_TIMER && slot <= APIC_REG_LVT_ERROR);
}

static u32 lvt_index(u32 slot)
{
    return slot == APIC_REG_LVT_CMCI
               ? LAPIC_LVT_CMCI
               : LAPIC_LVT_TIMER + (slot - APIC_REG_LVT_TIMER) / APIC_REG_STRIDE;
}

/* A register's value (x2: as the MSR reads it). */
static u64 read_reg(struct lapic *a, u32 slot, bool x2, u64 now)
{
    u32 i = (slot & 0x70) / APIC_REG_STRIDE; /* ISR, TMR, IRR: which of the 8 */
    if (is_lvt(slot))
        return a->lvt[lvt_index(slot)];
    switch (slot) {
    case APIC_REG_ID:
        return x2 ? a->id : a->id << APIC_ID_SHIFT;
    case APIC_REG_VERSION:
        return LAPIC_VERSION;
    case APIC_REG_TPR:
        return a->tpr;
    case APIC_REG_PPR:
        return lapic_ppr(a);
    case APIC_REG_LDR:
        return a->ldr;
    case APIC_REG_DFR:
        return a->dfr;
    case APIC_REG_SVR:
        return a->svr;
    case APIC_REG_ESR:
        return a->esr;
    case APIC_REG_ICR:
        return x2 ? (u64)a->icr_hi << APIC_ICR_X2APIC_DEST_SHIFT | a->icr_lo : a->icr_lo;
    case APIC_REG_ICR_HI:
        return a->icr_hi;
    case APIC_REG_TIMER_INITIAL:
        return a->timer_initial;
    case APIC_REG_TIMER_CURRENT:
        return lapic_timer_current(a, now);
    case APIC_REG_TIMER_DIVIDE:
        return a->timer_divide;
    }
    if (slot >= APIC_REG_ISR && slot < APIC_REG_TMR)
        return a->isr[i];
    if (slot >= APIC_REG_TMR && slot < APIC_REG_IRR)
        return a->tmr[i];
    if (slot >= APIC_REG_IRR && slot < APIC_REG_ESR)
        return a->irr[i];
    return 0; /* APR (lowest-priority arbitration is TPR-based), RRD, EOI */
}

static bool write_lvt(struct lapic *a, u32 slot, u32 value, bool x2, u64 now)
{
    u32 i = lvt_index(slot), keep = lvt_writable[i];
    if (x2 && (value & ~(keep | lvt_read_only[i])))
        return false;
    value &= keep;
    if (!(a->svr & APIC_SVR_ENABLE))
        value |= APIC_LVT_MASKED; /* software-disabled: masks stay set */
    if (i != LAPIC_LVT_TIMER) {
        a->lvt[i] = value;
        return true;
    }
    if (x2 && (value & APIC_LVT_TIMER_MODE) == APIC_LVT_TIMER_MODE)
        return false; /* timer mode 3 is reserved */
    lapic_timer_write_lvt(a, value, now);
    return true;
}

static void write_svr(struct lapic *a, u32 value)
{
    a->svr = value & SVR_WRITABLE;
    if (!(a->svr & APIC_SVR_ENABLE))
        for (unsigned i = 0; i < LAPIC_LVT_COUNT; i++)
            a->lvt[i] |= APIC_LVT_MASKED;
}

/* Writes a register the mode lets software write (reg_access checked);
 * false: the x2APIC write raises #GP (reserved bits, values that must be
 * 0). xAPIC writes drop reserved bits instead. */
static bool write_reg(struct lapic *a, u32 slot, u64 value, bool x2, u64 now)
{
    if (x2 && slot != APIC_REG_ICR && (value >> 32))
        return false; /* only the ICR has 64 bits */
    u32 v = (u32)value;
    if (is_lvt(slot))
        return write_lvt(a, slot, v, x2, now);
    switch (slot) {
    case APIC_REG_ID:
        a->id = v >> APIC_ID_SHIFT;
        return true;
    case APIC_REG_TPR:
        if (x2 && (v & ~0xffu))
            return false;
        a->tpr = v & 0xff;
        return true;
    case APIC_REG_EOI:
        if (x2 && v)
            return false;
        lapic_eoi(a);
        return true;
    case APIC_REG_LDR:
        a->ldr = v & (XAPIC_ID_MASK << APIC_LDR_XAPIC_SHIFT);
        return true;
    case APIC_REG_DFR:
        a->dfr = v | APIC_DFR_RESERVED_ONES;
        return true;
    case APIC_REG_SVR:
        if (x2 && (v & ~SVR_WRITABLE))
            return false;
        write_svr(a, v);
        return true;
    case APIC_REG_ESR:
        if (x2 && v)
            return false;
        a->esr = a->esr_pending; /* the write latches what was detected */
        a->esr_pending = 0;
        a->error_irq_armed = true;
        return true;
    case APIC_REG_ICR:
        if (x2 && (v & ~(ICR_WRITABLE | APIC_ICR_DELIVERY_STATUS)))
            return false;
        a->icr_lo = v & ICR_WRITABLE;
        if (x2)
            a->icr_hi = (u32)(value >> APIC_ICR_X2APIC_DEST_SHIFT);
        lapic_send_ipi(a);
        return true;
    case APIC_REG_ICR_HI:
        a->icr_hi = v & (XAPIC_ID_MASK << APIC_ID_SHIFT);
        return true;
    case APIC_REG_TIMER_INITIAL:
        lapic_timer_write_initial(a, v, now);
        return true;
    case APIC_REG_TIMER_DIVIDE:
        if (x2 && (v & ~APIC_TIMER_DIVIDE_BITS))
            return false;
        lapic_timer_write_divide(a, v, now);
        return true;
    case APIC_REG_SELF_IPI:
        if (v & ~APIC_ICR_VECTOR)
            return false;
        lapic_accept(a, v, false);
        return true;
    }
    return true; /* read-only in xAPIC mode: ignored */
}

bool lapic_msr_read(struct lapic *a, u32 msr, u64 now, u64 *value)
{
    u32 slot = (msr - LAPIC_MSR_FIRST) * APIC_REG_STRIDE;
    if (!lapic_x2apic(a) || msr < LAPIC_MSR_FIRST || msr > LAPIC_MSR_LAST ||
        !(reg_access(slot) & APIC_2R))
        return false;
    lapic_update(a, now);
    *value = read_reg(a, slot, true, now);
    return true;
}

bool lapic_msr_write(struct lapic *a, u32 msr, u64 value, u64 now)
{
    u32 slot = (msr - LAPIC_MSR_FIRST) * APIC_REG_STRIDE;
    if (!lapic_x2apic(a) || msr < LAPIC_MSR_FIRST || msr > LAPIC_MSR_LAST ||
        !(reg_access(slot) & APIC_2W))
        return false;
    lapic_update(a, now);
    return write_reg(a, slot, value, true, now);
}

/* xAPIC MMIO: an access is cut at 16-byte slots; within a slot only bytes
 * 0-3 hold the register. */
static bool xapic_answers(const struct lapic *a)
{
    return lapic_enabled(a) && !lapic_x2apic(a);
}

/* The bytes [from, from + n) of slot that lie in its register, or false. */
static bool register_bytes(u32 from, u32 n, u32 *first, u32 *count)
{
    if (from >= 4)
        return false;
    *first = from;
    *count = n < 4 - from ? n : 4 - from;
    return true;
}

static u64 byte_mask(u32 n)
{
    return n >= 8 ? ~0ull : (1ull << (8 * n)) - 1;
}

/* One xAPIC access, cut at the 16-byte slots it touches: a read gathers
 * the register bytes, a write replaces them (merging a narrower write
 * into the register's value). */
static u64 mmio_access(struct lapic *a, u32 offset, u32 size, u64 value, bool write, u64 now)
{
    lapic_update(a, now);
    u64 result = 0;
    if (!xapic_answers(a) || size > 8)
        return 0;
    for (u32 done = 0; done < size && offset + done < LAPIC_PAGE_SIZE;) {
        u32 at = offset + done, slot = at & ~(APIC_REG_STRIDE - 1), in = at - slot;
        u32 n = size - done < APIC_REG_STRIDE - in ? size - done : APIC_REG_STRIDE - in;
        u32 access = reg_access(slot), first, count;
        done += n;
        if (!(access & (APIC_XR | APIC_XW))) {
            lapic_record_error(a, APIC_ESR_ILLEGAL_REGISTER);
            continue;
        }
        if (!register_bytes(in, n, &first, &count))
            continue;
        u64 mask = byte_mask(count) << (8 * first);
        u64 old = (access & APIC_XR) ? read_reg(a, slot, false, now) : 0;
        u32 shift = 8 * (done - n);
        if (!write)
            result |= ((old & mask) >> (8 * first)) << shift;
        else if (access & APIC_XW)
            write_reg(a, slot, (u32)((old & ~mask) | ((value >> shift) << (8 * first) & mask)),
                      false, now);
    }
    return result;
}

u64 lapic_mmio_read(struct lapic *a, u32 offset, u32 size, u64 now)
{
    return mmio_access(a, offset, size, 0, false, now);
}

void lapic_mmio_write(struct lapic *a, u32 offset, u32 size, u64 value, u64 now)
{
    mmio_access(a, offset, size, value, true, now);
}
