/*
 * An I/O APIC in the style of the Intel 82093AA: 24 interrupt input pins,
 * each with a 64-bit redirection entry that turns the pin's activity into
 * an interrupt message for the local APICs. The VMM owns the local APIC,
 * so a message goes out through a callback (struct ioapic_sink), not a
 * dev_line; the local APIC's EOI broadcast comes back as ioapic_eoi().
 *
 * The window: 4 KiB at IOAPIC_BASE (0xfec00000). IOREGSEL (0x00, bits
 * 7:0) selects a register, IOWIN (0x10) reads and writes it as a dword;
 * the EOI register (0x40, write-only) is the version 0x20 (ICH) one: a
 * write of vector v acts as ioapic_eoi(v). Reads of any size (1, 2, 4 or
 * 8 bytes) at any offset give the window's bytes, little-endian: 0x00..0x03
 * IOREGSEL (bits 31:8 zero), 0x10..0x13 the selected register, every other
 * byte 0 (bytes past the 4 KiB too); so a read of IOWIN narrower than 4
 * gives the register's low bytes and an 8-byte read gives it zero-extended.
 * Writes: one starting at 0x00 (any size) sets IOREGSEL from its low byte;
 * one starting at 0x40 (any size) is an EOI for its low byte; one at 0x10
 * writes the selected register only if it is 4 bytes; every other write
 * is dropped. Reads have no side effects.
 *
 * Registers (IOREGSEL): 0x00 ID (bits 27:24 writable, the rest read 0),
 * 0x01 VER (read-only: version 0x20 in bits 7:0, as the ICH's and QEMU's
 * I/O APICs report -- the 82093AA itself says 0x11 -- and the highest
 * entry, 23, in bits 23:16), 0x02 ARB (read-only: the arbitration ID,
 * which the 82093AA loads from the ID whenever the ID is written, so it
 * always equals the ID), 0x10 + 2n / 0x11 + 2n the low / high dword of
 * entry n (n < 24). Other indexes read 0 and ignore writes.
 *
 * An entry: vector 7:0, delivery mode 10:8 (IOAPIC_DELIVERY_*), dest mode
 * 11 (1 logical), delivery status 12, polarity 13 (1 active low), remote
 * IRR 14, trigger mode 15 (1 level), mask 16, destination 63:56. Delivery
 * status and remote IRR are read-only; reserved bits (17..55) read 0 and
 * ignore writes. Delivery is instant, so delivery status always reads 0.
 * Reset (ioapic_init): every entry 0x10000 (masked, the rest 0), the ID as
 * given, IOREGSEL 0, every pin low.
 *
 * Pins: ioapic_set_irq() gives a pin's electrical level; the pin is
 * asserted while high, or while low if the entry's polarity bit is set (so
 * a pin left low counts as asserted for an active-low entry). Edges are
 * taken from level changes only: rewriting the polarity of a steady pin is
 * no edge. Triggering, as the entry's trigger mode and delivery mode say:
 *
 *  - edge (trigger mode 0; and every delivery mode but fixed and lowest
 *    priority, whatever the trigger bit, since the 82093AA treats SMI,
 *    NMI, INIT and ExtINT as edge-triggered): a message on each asserting
 *    edge while the entry is unmasked. An edge while it is masked is lost,
 *    as on hardware (the 82093AA keeps no edge latch behind the mask), and
 *    unmasking delivers nothing;
 *  - level (trigger mode 1, fixed or lowest priority): a message whenever
 *    the pin is asserted, the entry unmasked and remote IRR clear; sending
 *    it sets remote IRR. ioapic_eoi(v) clears remote IRR of every level
 *    entry whose vector is v, then delivers again from each one whose pin
 *    is still asserted and which is unmasked. The same test runs after
 *    every register write, so unmasking an entry (or making it level, or
 *    active low) whose pin is asserted delivers at once. Remote IRR
 *    belongs to level entries only: a write that makes an entry edge
 *    clears it (what older guests rely on to clear a stuck remote IRR
 *    with no EOI register).
 *
 * The message carries the entry's vector, delivery mode (reserved modes 3
 * and 6 go out as written, edge-triggered; the receiver decides), dest
 * mode, destination and whether it is level-triggered (then the local
 * APIC must broadcast its EOI: ioapic_eoi()). For ExtINT the vector is the
 * entry's; the receiver takes the real one from the 8259A (pic_ack()).
 * The model's state is final before each callback (remote IRR already
 * set); the callback should not call ioapic_eoi() for the message it is
 * handed (a pin still asserted would deliver again from inside the call).
 *
 * Not modelled: the APIC bus and its arbitration (the ARB register is
 * only a mirror), delivery status as a pending send (the message is never
 * refused), the ICH's extended destination ID (bits 55:48 read 0) and its
 * IRQ pin assertion register (0x20 reads 0, ignores writes).
 */
#ifndef VIREO_DEVICES_IOAPIC_H
#define VIREO_DEVICES_IOAPIC_H

#include <vireo/types.h>

#include "mmio_bus.h"

#define IOAPIC_BASE 0xfec00000ull
#define IOAPIC_SIZE 0x1000u
#define IOAPIC_PINS 24u

/* Window offsets. */
#define IOAPIC_IOREGSEL 0x00u
#define IOAPIC_IOWIN    0x10u
#define IOAPIC_EOI      0x40u

/* Register indexes (IOREGSEL). */
#define IOAPIC_REG_ID     0x00u
#define IOAPIC_REG_VER    0x01u
#define IOAPIC_REG_ARB    0x02u
#define IOAPIC_REG_REDTBL 0x10u /* entry n: low dword at + 2n, high at + 2n + 1 */

#define IOAPIC_ID_MASK   0x0f000000u /* ID and ARB: bits 27:24 */
#define IOAPIC_ID_SHIFT  24u
#define IOAPIC_VERSION   0x20u
#define IOAPIC_VER_VALUE ((u32)IOAPIC_VERSION | ((u32)(IOAPIC_PINS - 1u) << 16)) /* 0x00170020 */

/* Redirection entry bits. */
#define IOAPIC_RTE_VECTOR     0xffull
#define IOAPIC_RTE_DELMODE    0x700ull
#define IOAPIC_RTE_DELMODE_SH 8u
#define IOAPIC_RTE_LOGICAL    (1ull << 11) /* dest mode */
#define IOAPIC_RTE_DELIVS     (1ull << 12) /* delivery status: reads 0 */
#define IOAPIC_RTE_ACTIVE_LOW (1ull << 13) /* polarity */
#define IOAPIC_RTE_REMOTE_IRR (1ull << 14)
#define IOAPIC_RTE_LEVEL      (1ull << 15) /* trigger mode */
#define IOAPIC_RTE_MASKED     (1ull << 16)
#define IOAPIC_RTE_DEST       (0xffull << 56)
#define IOAPIC_RTE_DEST_SH    56u
/* The bits a guest writes; the rest are read-only or reserved. */
#define IOAPIC_RTE_WRITABLE                                                                        \
    (IOAPIC_RTE_VECTOR | IOAPIC_RTE_DELMODE | IOAPIC_RTE_LOGICAL | IOAPIC_RTE_ACTIVE_LOW |         \
     IOAPIC_RTE_LEVEL | IOAPIC_RTE_MASKED | IOAPIC_RTE_DEST)
#define IOAPIC_RTE_RESET IOAPIC_RTE_MASKED

/* Delivery modes (entry bits 10:8); 3 and 6 are reserved. */
#define IOAPIC_DELIVERY_FIXED  0u
#define IOAPIC_DELIVERY_LOWEST 1u
#define IOAPIC_DELIVERY_SMI    2u
#define IOAPIC_DELIVERY_NMI    4u
#define IOAPIC_DELIVERY_INIT   5u
#define IOAPIC_DELIVERY_EXTINT 7u

/* An interrupt message for the local APICs. */
struct ioapic_msg {
    u8 vector;
    u8 delivery_mode; /* IOAPIC_DELIVERY_*, as the entry says */
    bool logical;     /* dest mode: false physical (APIC ID), true logical */
    u8 dest;          /* entry bits 63:56 */
    bool level;       /* level-triggered: the EOI must reach ioapic_eoi() */
    u8 pin;           /* the input it came from (for tracing) */
};

/* Where messages go. */
struct ioapic_sink {
    void (*deliver)(void *ctx, const struct ioapic_msg *m);
    void *ctx;
};

struct ioapic {
    u64 entry[IOAPIC_PINS]; /* as read, remote IRR included */
    u32 lines;              /* the pins' electrical levels, bit n = pin n */
    u32 id;                 /* ID register: bits 27:24 only */
    u8 ioregsel;
    const struct ioapic_sink *sink; /* may be 0: messages go nowhere */
    u32 messages;                   /* messages sent (for tests and tracing) */
};

/* Reset state (above), with APIC ID id (bits 3:0) and messages to sink
 * (may be 0: the model runs the same, sending nothing). */
void ioapic_init(struct ioapic *io, u8 id, const struct ioapic_sink *sink);

/* Pin (0..23; others are ignored) is now at electrical level `level`. */
void ioapic_set_irq(struct ioapic *io, unsigned pin, bool level);
/* A high then a low level: one asserting edge for an edge source (for an
 * active-low entry the falling one); the pin is left low. */
void ioapic_pulse(struct ioapic *io, unsigned pin);
/* The local APIC's EOI broadcast for vector (see above). */
void ioapic_eoi(struct ioapic *io, u8 vector);

/* A register by index, as IOWIN reads and writes it. */
u32 ioapic_read_reg(const struct ioapic *io, u8 index);
void ioapic_write_reg(struct ioapic *io, u8 index, u32 value);

/* Accesses to the window: offset from IOAPIC_BASE, size 1, 2, 4 or 8. */
u64 ioapic_mmio_read(const struct ioapic *io, u64 offset, unsigned size);
void ioapic_mmio_write(struct ioapic *io, u64 offset, unsigned size, u64 value);

/* mmio_bus callbacks (dev: the struct ioapic) and the range to register:
 * IOAPIC_BASE, IOAPIC_SIZE bytes, every size taken whole. */
u64 ioapic_bus_read(void *dev, u64 offset, unsigned size);
void ioapic_bus_write(void *dev, u64 offset, unsigned size, u64 value);
struct mmio_range ioapic_mmio_range(struct ioapic *io);

#endif
