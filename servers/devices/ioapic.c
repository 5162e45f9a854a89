/* The I/O APIC (ioapic.h). */
#include <string.h>

#include "ioapic.h"

static unsigned delivery_mode(u64 e)
{
    return (unsigned)((e & IOAPIC_RTE_DELMODE) >> IOAPIC_RTE_DELMODE_SH);
}

/* Level semantics (remote IRR, EOI) for fixed and lowest priority only. */
static bool level_entry(u64 e)
{
    unsigned mode = delivery_mode(e);
    return (e & IOAPIC_RTE_LEVEL) &&
           (mode == IOAPIC_DELIVERY_FIXED || mode == IOAPIC_DELIVERY_LOWEST);
}

static bool asserted(const struct ioapic *io, unsigned pin)
{
    bool high = (io->lines >> pin) & 1u;
    return (io->entry[pin] & IOAPIC_RTE_ACTIVE_LOW) ? !high : high;
}

static void send(struct ioapic *io, unsigned pin)
{
    u64 e = io->entry[pin];
    struct ioapic_msg m = {
        .vector = (u8)(e & IOAPIC_RTE_VECTOR),
        .delivery_mode = (u8)delivery_mode(e),
        .logical = (e & IOAPIC_RTE_LOGICAL) != 0,
        .dest = (u8)(e >> IOAPIC_RTE_DEST_SH),
        .level = level_entry(e),
        .pin = (u8)pin,
    };
    io->messages++;
    if (io->sink && io->sink->deliver)
        io->sink->deliver(io->sink->ctx, &m);
}

/* A level entry whose pin is asserted, unmasked and not awaiting an EOI
 * sends its message and awaits one. */
static void service_level(struct ioapic *io, unsigned pin)
{
    u64 e = io->entry[pin];
    if (!level_entry(e) || (e & (IOAPIC_RTE_MASKED | IOAPIC_RTE_REMOTE_IRR)) || !asserted(io, pin))
        return;
    io->entry[pin] = e | IOAPIC_RTE_REMOTE_IRR;
    send(io, pin);
}

void ioapic_init(struct ioapic *io, u8 id, const struct ioapic_sink *sink)
{
    memset(io, 0, sizeof(*io));
    for (unsigned n = 0; n < IOAPIC_PINS; n++)
        io->entry[n] = IOAPIC_RTE_RESET;
    io->id = ((u32)id << IOAPIC_ID_SHIFT) & IOAPIC_ID_MASK;
    io->sink = sink;
}

void ioapic_set_irq(struct ioapic *io, unsigned pin, bool level)
{
    if (pin >= IOAPIC_PINS)
        return;
    bool was = asserted(io, pin);
    if (level)
        io->lines |= 1u << pin;
    else
        io->lines &= ~(1u << pin);
    u64 e = io->entry[pin];
    if (level_entry(e))
        service_level(io, pin);
    else if (!was && asserted(io, pin) && !(e & IOAPIC_RTE_MASKED))
        send(io, pin);
}

void ioapic_pulse(struct ioapic *io, unsigned pin)
{
    ioapic_set_irq(io, pin, true);
    ioapic_set_irq(io, pin, false);
}

void ioapic_eoi(struct ioapic *io, u8 vector)
{
    for (unsigned n = 0; n < IOAPIC_PINS; n++) {
        u64 e = io->entry[n];
        if (!level_entry(e) || (e & IOAPIC_RTE_VECTOR) != vector)
            continue;
        io->entry[n] = e & ~IOAPIC_RTE_REMOTE_IRR;
        service_level(io, n);
    }
}

/* ---- registers ---- */

u32 ioapic_read_reg(const struct ioapic *io, u8 index)
{
    switch (index) {
    case IOAPIC_REG_ID:
    case IOAPIC_REG_ARB:
        return io->id;
    case IOAPIC_REG_VER:
        return IOAPIC_VER_VALUE;
    default:
        break;
    }
    unsigned r = (unsigned)index - IOAPIC_REG_REDTBL;
    if (index < IOAPIC_REG_REDTBL || r >= 2u * IOAPIC_PINS)
        return 0;
    u64 e = io->entry[r / 2];
    return (u32)(r & 1u ? e >> 32 : e);
}

void ioapic_write_reg(struct ioapic *io, u8 index, u32 value)
{
    if (index == IOAPIC_REG_ID) {
        io->id = value & IOAPIC_ID_MASK;
        return;
    }
    unsigned r = (unsigned)index - IOAPIC_REG_REDTBL;
    if (index < IOAPIC_REG_REDTBL || r >= 2u * IOAPIC_PINS)
        return; /* VER, ARB and unassigned indexes are read-only */
    unsigned pin = r / 2;
    u64 e = io->entry[pin];
    u64 half = r & 1u ? 0xffffffff00000000ull : 0xffffffffull;
    u64 v = r & 1u ? (u64)value << 32 : value;
    u64 w = IOAPIC_RTE_WRITABLE & half;
    e = (e & ~w) | (v & w);
    if (!level_entry(e))
        e &= ~IOAPIC_RTE_REMOTE_IRR;
    io->entry[pin] = e;
    service_level(io, pin);
}

/* ---- the MMIO window ---- */

/* Byte off of the window (see ioapic.h). */
static u8 window_byte(const struct ioapic *io, u64 off)
{
    if (off < IOAPIC_IOREGSEL + 4u)
        return off == IOAPIC_IOREGSEL ? io->ioregsel : 0;
    if (off >= IOAPIC_IOWIN && off < IOAPIC_IOWIN + 4u)
        return (u8)(ioapic_read_reg(io, io->ioregsel) >> (8 * (off - IOAPIC_IOWIN)));
    return 0;
}

u64 ioapic_mmio_read(const struct ioapic *io, u64 offset, unsigned size)
{
    u64 v = 0;
    if (size > 8)
        return 0;
    for (unsigned i = 0; i < size; i++) {
        u64 off = offset + i;
        if (off < offset) /* wrapped past 2^64: beyond the window */
            break;
        v |= (u64)window_byte(io, off) << (8 * i);
    }
    return v;
}

void ioapic_mmio_write(struct ioapic *io, u64 offset, unsigned size, u64 value)
{
    if (size == 0 || size > 8)
        return;
    if (offset == IOAPIC_IOREGSEL)
        io->ioregsel = (u8)value;
    else if (offset == IOAPIC_EOI)
        ioapic_eoi(io, (u8)value);
    else if (offset == IOAPIC_IOWIN && size == 4)
        ioapic_write_reg(io, io->ioregsel, (u32)value);
}

u64 ioapic_bus_read(void *dev, u64 offset, unsigned size)
{
    return ioapic_mmio_read(dev, offset, size);
}

void ioapic_bus_write(void *dev, u64 offset, unsigned size, u64 value)
{
    ioapic_mmio_write(dev, offset, size, value);
}

struct mmio_range ioapic_mmio_range(struct ioapic *io)
{
    return (struct mmio_range){.base = IOAPIC_BASE,
                               .size = IOAPIC_SIZE,
                               .sizes = MMIO_SIZE_1 | MMIO_SIZE_2 | MMIO_SIZE_4 | MMIO_SIZE_8,
                               .read = ioapic_bus_read,
                               .write = ioapic_bus_write,
                               .dev = io,
                               .name = "ioapic"};
}
