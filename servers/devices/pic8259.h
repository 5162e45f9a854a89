/*
 * The PC's pair of Intel 8259A programmable interrupt controllers with the
 * PIIX/ICH edge/level control registers (ELCR). The master sits at
 * 0x20/0x21 and takes ISA IRQs 0-7; the slave at 0xa0/0xa1 takes IRQs
 * 8-15 and its INT output drives the master's IR2. ELCR1/ELCR2 at
 * 0x4d0/0x4d1 pick edge (0) or level (1) per IRQ; IRQs 0, 1, 2, 8 and 13
 * are always edge, as on PIIX (those bits read 0 and ignore writes).
 *
 * Each chip: the ICW1-ICW4 initialization sequence (LTIM, SNGL, IC4; the
 * vector base from ICW2 bits 7:3; ICW3; ICW4's AEOI and SFNM), OCW1 (IMR),
 * OCW2 (non-specific, specific and rotating EOIs, set priority, rotate in
 * auto-EOI), OCW3 (IRR/ISR read select, poll, special mask mode);
 * priority resolution with rotation. An IRQ is level-triggered when its
 * ELCR bit or its chip's ICW1 LTIM is set.
 *
 * Edge inputs latch a request in IRR on a rising edge, and it stays there
 * until acknowledged, even if the line falls first (the chip would drop
 * it; a model's source may pulse a line between two VM exits, so the pulse
 * is kept). Level inputs' IRR bits follow the line. The master's IR2
 * follows the slave's INT edge-triggered (as the board wires it); the
 * slave's INT is taken as having fallen during each acknowledge, so a
 * request still pending on the slave raises IR2 again.
 *
 * The CPU side is an API: pic_intr() says whether INTR is asserted (it is
 * also driven on a dev_line, for the integrator to route to the local
 * APIC's LINT0 as ExtINT) and pic_ack() is the interrupt acknowledge
 * cycle, returning the vector. A request that went away before the
 * acknowledge gives the spurious IRQ7 of the chip that lost it (vector
 * base + 7, no ISR bit); a spurious slave IRQ15 still sets the master's
 * IR2 ISR bit, as the hardware does.
 *
 * Not emulated: MCS-80/85 mode (ICW4 bit 0 clear; 8086 vectors are given
 * anyway), ICW1's ADI and call-address bits, buffered mode (BUF/M-S kept,
 * no effect), slaves on master inputs other than IR2 (ICW3 is kept; the
 * master cascades only through IR2 and only if its ICW3 bit 2 is set).
 */
#ifndef VIREO_DEVICES_PIC8259_H
#define VIREO_DEVICES_PIC8259_H

#include "dev.h"
#include "port_bus.h"

#define PIC_MASTER_PORT 0x20u  /* command; data (IMR) at + 1 */
#define PIC_SLAVE_PORT  0xa0u  /* command; data (IMR) at + 1 */
#define PIC_ELCR_PORT   0x4d0u /* ELCR1 (IRQ 0-7); ELCR2 (IRQ 8-15) at + 1 */
#define PIC_PORTS       2u     /* each of the three ranges */
#define PIC_IRQS        16u
#define PIC_CASCADE_IR  2u /* the master input the slave's INT drives */

/* ELCR bits that can be set: not IRQ 0, 1, 2 (master), 8, 13 (slave). */
#define PIC_ELCR1_MASK 0xf8u
#define PIC_ELCR2_MASK 0xdeu

/* Command-port words (A0 = 0): bit 4 ICW1; else bit 3 OCW3, clear OCW2. */
#define PIC_ICW1      0x10u
#define PIC_ICW1_LTIM 0x08u /* level-triggered inputs */
#define PIC_ICW1_SNGL 0x02u /* single chip: no ICW3 */
#define PIC_ICW1_IC4  0x01u /* ICW4 follows */
#define PIC_ICW2_BASE 0xf8u /* vector base bits */
#define PIC_ICW4_UPM  0x01u /* 8086 mode */
#define PIC_ICW4_AEOI 0x02u
#define PIC_ICW4_MS   0x04u
#define PIC_ICW4_BUF  0x08u
#define PIC_ICW4_SFNM 0x10u
#define PIC_OCW3      0x08u
#define PIC_OCW3_ESMM 0x40u /* bit 5 applies */
#define PIC_OCW3_SMM  0x20u /* special mask mode on */
#define PIC_OCW3_POLL 0x04u
#define PIC_OCW3_RR   0x02u /* bit 0 applies */
#define PIC_OCW3_RIS  0x01u /* reads give ISR, not IRR */
#define PIC_OCW2_R    0x80u /* rotate */
#define PIC_OCW2_SL   0x40u /* the level in bits 2:0 applies */
#define PIC_OCW2_EOI  0x20u
#define PIC_OCW2_L    0x07u
#define PIC_POLL_INT  0x80u /* poll word: a request was found (level in bits 2:0) */

struct pic8259;

/* One 8259A. */
struct pic8259_chip {
    struct pic8259 *owner; /* the pair: the slave's INT drives the master */
    u8 irr, isr, imr;
    u8 lines; /* the IR inputs' levels */
    u8 elcr, elcr_mask;
    u8 base; /* ICW2 & 0xf8 */
    u8 icw3;
    u8 icw4;
    u8 lowest;    /* the IR with the lowest priority (7 after ICW1) */
    u8 init_step; /* 0: ready; 2, 3, 4: the ICW the data port takes next */
    bool ltim, single, need_icw4;
    bool rotate_aeoi, special_mask, read_isr, poll;
};

struct pic8259 {
    struct pic8259_chip chip[2]; /* 0 master, 1 slave */
    struct dev_line intr;        /* the master's INT: the CPU's INTR */
};

/* Power-on state (the pair stays where it is initialized: its chips point
 * to it): both chips uninitialized (vector base 0, no masks), all
 * IRQs edge; INTR reported on sink's line (sink may be 0). */
void pic_init(struct pic8259 *pic, const struct dev_sink *sink, u16 line);

/* An ISA IRQ input (0-15; others are ignored) went to level. */
void pic_set_irq(struct pic8259 *pic, unsigned irq, bool level);
/* Whether INTR is asserted. */
bool pic_intr(const struct pic8259 *pic);
/* The interrupt acknowledge cycle: the vector (see above). */
u8 pic_ack(struct pic8259 *pic);

/* Byte accesses by port: 0x20, 0x21, 0xa0, 0xa1, 0x4d0, 0x4d1 (others
 * read 0xff and ignore writes). */
u8 pic_io_read(struct pic8259 *pic, u16 port);
void pic_io_write(struct pic8259 *pic, u16 port, u8 value);

/* port_bus callbacks (size 1): a chip's command and data ports (dev: its
 * struct pic8259_chip), the two ELCRs (dev: the struct pic8259); and the
 * three ranges to register, at PIC_MASTER_PORT, PIC_SLAVE_PORT and
 * PIC_ELCR_PORT. */
u32 pic_chip_read(void *dev, u16 offset, unsigned size);
void pic_chip_write(void *dev, u16 offset, unsigned size, u32 value);
u32 pic_elcr_read(void *dev, u16 offset, unsigned size);
void pic_elcr_write(void *dev, u16 offset, unsigned size, u32 value);
struct port_range pic_master_port_range(struct pic8259 *pic);
struct port_range pic_slave_port_range(struct pic8259 *pic);
struct port_range pic_elcr_port_range(struct pic8259 *pic);

#endif
