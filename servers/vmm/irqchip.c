/* The VM's interrupt controllers (irqchip.h). */
#include "irqchip.h"
#include "mptable.h"
#include <vireo/devproto.h>

/* An IOAPIC message to the one local APIC (SDM 11.6.2: fixed and
 * lowest-priority go to IRR, NMI is the NMI; SMI, INIT and the reserved
 * modes have no meaning to a guest here and are dropped). */
static void deliver(void *ctx, const struct ioapic_msg *m)
{
    struct irqchip *ic = ctx;
    struct lapic *a = ic->lapic;
    if (!lapic_is_destination(a, m->dest, m->logical))
        return;
    ic->ioapic_delivered++;
    switch (m->delivery_mode) {
    case APIC_DM_FIXED:
    case APIC_DM_LOWEST:
        lapic_accept(a, m->vector, m->level);
        break;
    case APIC_DM_NMI:
        a->nmi_pending = true;
        break;
    case APIC_DM_EXTINT:
        ic->ioapic_extint = true;
        break;
    default:
        break;
    }
}

void irqchip_init(struct irqchip *ic, struct lapic *lapic)
{
    ic->lapic = lapic;
    ic->ioapic_extint = false;
    ic->line_updates = ic->extint_delivered = ic->ioapic_delivered = 0;
    pic_init(&ic->pic, 0, 0); /* INTR is read with pic_intr() */
    ic->ioapic_sink = (struct ioapic_sink){.deliver = deliver, .ctx = ic};
    ioapic_init(&ic->ioapic, MPTABLE_IOAPIC_ID, &ic->ioapic_sink);
    port_bus_init(&ic->ports);
    const struct port_range ranges[] = {
        pic_master_port_range(&ic->pic),
        pic_slave_port_range(&ic->pic),
        pic_elcr_port_range(&ic->pic),
    };
    for (unsigned i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++)
        port_bus_add(&ic->ports, &ranges[i]); /* three fixed ranges: they fit */
}

void irqchip_line(struct irqchip *ic, u16 line, u32 kind)
{
    ic->line_updates++;
    bool pulse = kind == VIREO_LINE_PULSE;
    bool level = kind == VIREO_LINE_HIGH || pulse;
    if (line < PIC_IRQS) {
        pic_set_irq(&ic->pic, line, level);
        if (pulse)
            pic_set_irq(&ic->pic, line, false);
    }
    if (line < IOAPIC_PINS) {
        ioapic_set_irq(&ic->ioapic, line, level);
        if (pulse)
            ioapic_set_irq(&ic->ioapic, line, false);
    }
}

bool irqchip_io(struct irqchip *ic, u16 port, u32 size, bool write, u64 *value)
{
    bool mine = false;
    for (u32 i = 0; i < size; i++)
        mine |= port_bus_find(&ic->ports, (u32)port + i) != 0;
    if (!mine)
        return false;
    if (write)
        port_bus_write(&ic->ports, port, size, (u32)*value, 0);
    else
        *value = port_bus_read(&ic->ports, port, size, 0);
    return true;
}

bool irqchip_mmio(struct irqchip *ic, u64 gpa, u32 size, bool write, u64 *value)
{
    if (gpa < IOAPIC_BASE || gpa - IOAPIC_BASE >= IOAPIC_SIZE)
        return false;
    u64 offset = gpa - IOAPIC_BASE;
    if (write)
        ioapic_mmio_write(&ic->ioapic, offset, size, *value);
    else
        *value = ioapic_mmio_read(&ic->ioapic, offset, size);
    return true;
}

bool irqchip_extint(const struct irqchip *ic)
{
    return pic_intr(&ic->pic) && (ic->ioapic_extint || lapic_extint_open(ic->lapic));
}

u8 irqchip_extint_ack(struct irqchip *ic)
{
    ic->extint_delivered++;
    ic->ioapic_extint = false; /* one message, one acknowledge */
    return pic_ack(&ic->pic);
}

void irqchip_after_exit(struct irqchip *ic)
{
    int v;
    while ((v = lapic_take_eoi_broadcast(ic->lapic)) >= 0)
        ioapic_eoi(&ic->ioapic, (u8)v);
}
