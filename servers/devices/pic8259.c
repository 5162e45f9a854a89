/* The PC's 8259A PIC pair with the ELCR (pic8259.h). */
#include <string.h>

#include "pic8259.h"

#define MASTER 0u
#define SLAVE  1u
#define NO_IRQ (-1)

static u8 bit(unsigned ir)
{
    return (u8)(1u << (ir & 7u));
}

/* The inputs that are level-triggered: ELCR, or all of them under LTIM. */
static u8 level_mask(const struct pic8259_chip *c)
{
    return c->ltim ? 0xffu : c->elcr;
}

/* The rank (0 highest) of the highest-priority IR set in mask, 8 if none:
 * the IR after the lowest-priority one comes first. */
static unsigned rank(const struct pic8259_chip *c, u8 mask)
{
    for (unsigned r = 0; r < 8; r++)
        if (mask & bit(c->lowest + 1u + r))
            return r;
    return 8;
}

static unsigned ir_of_rank(const struct pic8259_chip *c, unsigned r)
{
    return (c->lowest + 1u + r) & 7u;
}

/* Whether the master asks its slave for the vector of IR2. */
static bool cascades(const struct pic8259_chip *m)
{
    return !m->single && (m->icw3 & bit(PIC_CASCADE_IR));
}

/* The IR this chip would interrupt for, or NO_IRQ: the highest-priority
 * unmasked request above every in-service level that still blocks (in
 * special mask mode masked levels do not; in special fully nested mode the
 * master's cascade input does not, so the slave's higher requests pass). */
static int request(const struct pic8259_chip *c, bool master)
{
    unsigned r = rank(c, c->irr & (u8)~c->imr);
    if (r == 8)
        return NO_IRQ;
    u8 blocking = c->isr;
    if (c->special_mask)
        blocking &= (u8)~c->imr;
    if (master && (c->icw4 & PIC_ICW4_SFNM) && cascades(c))
        blocking &= (u8)~bit(PIC_CASCADE_IR);
    return r < rank(c, blocking) ? (int)ir_of_rank(c, r) : NO_IRQ;
}

/* An IR input changed level: edges latch, levels follow. */
static void input(struct pic8259_chip *c, unsigned ir, bool level)
{
    u8 m = bit(ir);
    bool was = c->lines & m;
    c->lines = level ? (u8)(c->lines | m) : (u8)(c->lines & ~m);
    if (level_mask(c) & m)
        c->irr = level ? (u8)(c->irr | m) : (u8)(c->irr & ~m);
    else if (level && !was)
        c->irr |= m;
}

/* The slave's INT onto master IR2, the master's INT onto INTR. */
static void update(struct pic8259 *pic)
{
    input(&pic->chip[MASTER], PIC_CASCADE_IR, request(&pic->chip[SLAVE], false) != NO_IRQ);
    dev_line_set(&pic->intr, request(&pic->chip[MASTER], true) != NO_IRQ);
}

/* One chip's part of an acknowledge: IRR to ISR (or, in auto-EOI, straight
 * through, rotating if asked); a level input held high requests again. */
static void acknowledge(struct pic8259_chip *c, unsigned ir)
{
    u8 m = bit(ir);
    c->irr &= (u8)~m;
    c->irr |= c->lines & level_mask(c) & m;
    if (!(c->icw4 & PIC_ICW4_AEOI))
        c->isr |= m;
    else if (c->rotate_aeoi)
        c->lowest = (u8)ir;
}

/* The vector for the master's IR2: the slave's, or its spurious IRQ15.
 * The slave's INT counts as having fallen during the cycle, so that a
 * request still pending there makes a new edge on IR2. */
static u8 ack_slave(struct pic8259 *pic)
{
    struct pic8259_chip *s = &pic->chip[SLAVE];
    int ir = request(s, false);
    input(&pic->chip[MASTER], PIC_CASCADE_IR, false);
    if (ir == NO_IRQ)
        return (u8)(s->base | 7u);
    acknowledge(s, (unsigned)ir);
    return (u8)(s->base | (unsigned)ir);
}

u8 pic_ack(struct pic8259 *pic)
{
    struct pic8259_chip *m = &pic->chip[MASTER];
    int ir = request(m, true);
    u8 vector;
    if (ir == NO_IRQ) {
        vector = (u8)(m->base | 7u); /* spurious IRQ7: no ISR bit */
    } else {
        acknowledge(m, (unsigned)ir);
        if ((unsigned)ir == PIC_CASCADE_IR && cascades(m))
            vector = ack_slave(pic);
        else
            vector = (u8)(m->base | (unsigned)ir);
    }
    update(pic);
    return vector;
}

bool pic_intr(const struct pic8259 *pic)
{
    return pic->intr.level;
}

void pic_set_irq(struct pic8259 *pic, unsigned irq, bool level)
{
    /* IRQ2 is the master's cascade input, driven by the slave only. */
    if (irq >= PIC_IRQS || irq == PIC_CASCADE_IR)
        return;
    input(&pic->chip[irq / 8], irq % 8, level);
    update(pic);
}

/* ---- register access ---- */

static void icw1(struct pic8259_chip *c, u8 v)
{
    c->ltim = v & PIC_ICW1_LTIM;
    c->single = v & PIC_ICW1_SNGL;
    c->need_icw4 = v & PIC_ICW1_IC4;
    if (!c->need_icw4)
        c->icw4 = 0;
    /* the edge-sense latches reset: only level inputs held high request */
    c->irr = c->lines & level_mask(c);
    c->isr = 0;
    c->imr = 0;
    c->lowest = 7;
    c->special_mask = false;
    c->read_isr = false;
    c->poll = false;
    c->rotate_aeoi = false;
    c->init_step = 2;
}

static void ocw2(struct pic8259_chip *c, u8 v)
{
    unsigned level = v & PIC_OCW2_L;
    bool rotate = v & PIC_OCW2_R;
    switch (v & (PIC_OCW2_R | PIC_OCW2_SL | PIC_OCW2_EOI)) {
    case PIC_OCW2_EOI:                /* non-specific EOI */
    case PIC_OCW2_R | PIC_OCW2_EOI: { /* and rotate */
        unsigned r = rank(c, c->isr);
        if (r == 8)
            return;
        level = ir_of_rank(c, r);
        c->isr &= (u8)~bit(level);
        break;
    }
    case PIC_OCW2_SL | PIC_OCW2_EOI:              /* specific EOI */
    case PIC_OCW2_R | PIC_OCW2_SL | PIC_OCW2_EOI: /* and rotate */
        c->isr &= (u8)~bit(level);
        break;
    case PIC_OCW2_R | PIC_OCW2_SL: /* set priority: level becomes the lowest */
        break;
    case PIC_OCW2_R: /* rotate in auto-EOI mode: set */
    case 0:          /* and clear */
        c->rotate_aeoi = rotate;
        return;
    default: /* SL alone: no operation */
        return;
    }
    if (rotate)
        c->lowest = (u8)level;
}

static void ocw3(struct pic8259_chip *c, u8 v)
{
    if (v & PIC_OCW3_ESMM)
        c->special_mask = v & PIC_OCW3_SMM;
    if (v & PIC_OCW3_RR)
        c->read_isr = v & PIC_OCW3_RIS;
    c->poll = v & PIC_OCW3_POLL;
}

static void data_write(struct pic8259_chip *c, u8 v)
{
    switch (c->init_step) {
    case 2:
        c->base = v & PIC_ICW2_BASE;
        c->init_step = c->single ? (c->need_icw4 ? 4 : 0) : 3;
        break;
    case 3:
        c->icw3 = v;
        c->init_step = c->need_icw4 ? 4 : 0;
        break;
    case 4:
        c->icw4 = v;
        c->init_step = 0;
        break;
    default:
        c->imr = v;
    }
}

static void chip_write(struct pic8259 *pic, unsigned idx, u16 offset, u8 v)
{
    struct pic8259_chip *c = &pic->chip[idx];
    if (offset & 1u)
        data_write(c, v);
    else if (v & PIC_ICW1)
        icw1(c, v);
    else if (v & PIC_OCW3)
        ocw3(c, v);
    else
        ocw2(c, v);
    update(pic);
}

/* A read after a poll command is an acknowledge of this chip alone: the
 * poll word, the level with bit 7 set, or 0 if nothing requests. */
static u8 poll_read(struct pic8259 *pic, unsigned idx)
{
    struct pic8259_chip *c = &pic->chip[idx];
    c->poll = false;
    int ir = request(c, idx == MASTER);
    if (ir == NO_IRQ)
        return 0;
    acknowledge(c, (unsigned)ir);
    if (idx == MASTER && (unsigned)ir == PIC_CASCADE_IR)
        input(c, PIC_CASCADE_IR, false); /* as in an INTA cycle */
    update(pic);
    return (u8)(PIC_POLL_INT | (unsigned)ir);
}

static u8 chip_read(struct pic8259 *pic, unsigned idx, u16 offset)
{
    const struct pic8259_chip *c = &pic->chip[idx];
    if (c->poll)
        return poll_read(pic, idx);
    if (offset & 1u)
        return c->imr;
    return c->read_isr ? c->isr : c->irr;
}

static void elcr_write(struct pic8259 *pic, unsigned idx, u8 v)
{
    struct pic8259_chip *c = &pic->chip[idx];
    c->elcr = v & c->elcr_mask;
    u8 lv = level_mask(c);
    c->irr = (u8)((c->irr & ~lv) | (c->lines & lv)); /* new level inputs follow */
    update(pic);
}

u32 pic_chip_read(void *dev, u16 offset, unsigned size)
{
    (void)size;
    const struct pic8259_chip *c = dev;
    return chip_read(c->owner, (unsigned)(c - c->owner->chip), offset);
}

void pic_chip_write(void *dev, u16 offset, unsigned size, u32 value)
{
    (void)size;
    const struct pic8259_chip *c = dev;
    chip_write(c->owner, (unsigned)(c - c->owner->chip), offset, (u8)value);
}

u32 pic_elcr_read(void *dev, u16 offset, unsigned size)
{
    (void)size;
    const struct pic8259 *pic = dev;
    return pic->chip[offset & 1u].elcr;
}

void pic_elcr_write(void *dev, u16 offset, unsigned size, u32 value)
{
    (void)size;
    elcr_write(dev, offset & 1u, (u8)value);
}

u8 pic_io_read(struct pic8259 *pic, u16 port)
{
    if ((port & ~1u) == PIC_MASTER_PORT)
        return chip_read(pic, MASTER, port & 1u);
    if ((port & ~1u) == PIC_SLAVE_PORT)
        return chip_read(pic, SLAVE, port & 1u);
    if ((port & ~1u) == PIC_ELCR_PORT)
        return pic->chip[port & 1u].elcr;
    return 0xff;
}

void pic_io_write(struct pic8259 *pic, u16 port, u8 value)
{
    if ((port & ~1u) == PIC_MASTER_PORT)
        chip_write(pic, MASTER, port & 1u, value);
    else if ((port & ~1u) == PIC_SLAVE_PORT)
        chip_write(pic, SLAVE, port & 1u, value);
    else if ((port & ~1u) == PIC_ELCR_PORT)
        elcr_write(pic, port & 1u, value);
}

static struct port_range range(void *dev, u16 base, port_read_fn rd, port_write_fn wr,
                               const char *name)
{
    return (struct port_range){.base = base,
                               .count = PIC_PORTS,
                               .sizes = PORT_SIZE_1,
                               .read = rd,
                               .write = wr,
                               .dev = dev,
                               .name = name};
}

struct port_range pic_master_port_range(struct pic8259 *pic)
{
    return range(&pic->chip[MASTER], PIC_MASTER_PORT, pic_chip_read, pic_chip_write, "pic-master");
}

struct port_range pic_slave_port_range(struct pic8259 *pic)
{
    return range(&pic->chip[SLAVE], PIC_SLAVE_PORT, pic_chip_read, pic_chip_write, "pic-slave");
}

struct port_range pic_elcr_port_range(struct pic8259 *pic)
{
    return range(pic, PIC_ELCR_PORT, pic_elcr_read, pic_elcr_write, "elcr");
}

void pic_init(struct pic8259 *pic, const struct dev_sink *sink, u16 line)
{
    memset(pic, 0, sizeof(*pic));
    for (unsigned i = 0; i < 2; i++) {
        pic->chip[i].lowest = 7;
        pic->chip[i].owner = pic;
    }
    pic->chip[MASTER].elcr_mask = PIC_ELCR1_MASK;
    pic->chip[SLAVE].elcr_mask = PIC_ELCR2_MASK;
    dev_line_init(&pic->intr, sink, line);
}
