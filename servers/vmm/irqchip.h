/*
 * The VM's interrupt controllers: the i8259 pair with its ELCR and the
 * IOAPIC, beside the local APIC they deliver to (docs/DEVICES.md,
 * "Interrupt routing"). The models are the device server's pure ones
 * (servers/devices/pic8259.c, ioapic.c); they sit here so that the
 * interrupt acknowledge, the EOI and the mask writes of a guest's
 * interrupt handler cost no call to another server.
 *
 * Inputs are the interrupt lines the device server reports (GSIs,
 * abi/vireo/devproto.h): line n < 16 is ISA IRQ n, to the i8259 pair and
 * to IOAPIC pin n; lines 16..23 are IOAPIC pins only. The i8259's INTR
 * reaches the CPU through the local APIC's LINT0 in ExtINT mode (or
 * directly with the APIC disabled); the IOAPIC sends its messages to the
 * local APIC, which takes fixed and lowest-priority ones into IRR and NMI
 * as an NMI; the local APIC's EOI of a level-triggered vector goes back
 * to the IOAPIC.
 */
#ifndef VIREO_VMM_IRQCHIP_H
#define VIREO_VMM_IRQCHIP_H

#include "ioapic.h"
#include "lapic.h"
#include "pic8259.h"
#include "port_bus.h"

struct irqchip {
    struct pic8259 pic;
    struct ioapic ioapic;
    struct ioapic_sink ioapic_sink;
    struct port_bus ports; /* the i8259 pair and the ELCR */
    struct lapic *lapic;
    bool ioapic_extint;   /* the IOAPIC routed an ExtINT message: INTR is open */
    u64 line_updates;     /* statistics: line updates taken */
    u64 extint_delivered; /* vectors the i8259 gave */
    u64 ioapic_delivered; /* messages the IOAPIC sent */
};

/* Reset state of both, delivering to lapic. */
void irqchip_init(struct irqchip *ic, struct lapic *lapic);

/* A line update from the device server (VIREO_DEVLINE: line, kind). */
void irqchip_line(struct irqchip *ic, u16 line, u32 kind);

/* Port I/O to the i8259 pair or the ELCR (0x20/0x21, 0xa0/0xa1,
 * 0x4d0/0x4d1): true if the access touches one of their ports (then it is
 * done here: *value read or written), false if it goes on to the device
 * server. */
bool irqchip_io(struct irqchip *ic, u16 port, u32 size, bool write, u64 *value);

/* MMIO in the IOAPIC's page: true if gpa is there (then done here). */
bool irqchip_mmio(struct irqchip *ic, u64 gpa, u32 size, bool write, u64 *value);

/* Whether the i8259's INTR reaches the CPU now (asserted, and LINT0 in
 * ExtINT mode, or the APIC disabled, or an IOAPIC ExtINT route). */
bool irqchip_extint(const struct irqchip *ic);
/* The interrupt acknowledge cycle for an ExtINT: the i8259's vector. */
u8 irqchip_extint_ack(struct irqchip *ic);

/* After an exit: EOIs of level-triggered vectors the local APIC took go
 * to the IOAPIC (remote IRR; a line still asserted delivers again). */
void irqchip_after_exit(struct irqchip *ic);

#endif
