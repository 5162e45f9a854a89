/* Host tests of the 8259A PIC pair and ELCR model (servers/devices/pic8259.c),
 * driven through its ports the way Linux and SeaBIOS program it. */
#include "check.h"
#include "pic8259.h"
#include "recorder.h"

#define INTR_LINE 0x100u

static struct recorder rec;
static struct pic8259 pic;

static u8 in(u16 port)
{
    return pic_io_read(&pic, port);
}

static void out(u16 port, u8 v)
{
    pic_io_write(&pic, port, v);
}

static void reset(void)
{
    recorder_init(&rec);
    pic_init(&pic, &rec.sink, INTR_LINE);
}

/* Linux's init_8259A (arch/x86/kernel/i8259.c): vectors 0x30/0x38, slave on
 * IR2, 8086 mode, normal EOI; every IRQ masked but the cascade. */
static void linux_init(bool aeoi)
{
    out(0x21, 0xff);
    out(0xa1, 0xff);
    out(0x20, 0x11);
    out(0x21, 0x30);
    out(0x21, 0x04);
    out(0x21, aeoi ? 0x03 : 0x01);
    out(0xa0, 0x11);
    out(0xa1, 0x38);
    out(0xa1, 0x02);
    out(0xa1, 0x01);
    out(0x21, 0xfb);
    out(0xa1, 0xff);
}

/* SeaBIOS's pic_setup: vectors 0x08/0x70. */
static void seabios_init(void)
{
    out(0x20, 0x11);
    out(0x21, 0x08);
    out(0x21, 0x04);
    out(0x21, 0x01);
    out(0xa0, 0x11);
    out(0xa1, 0x70);
    out(0xa1, 0x02);
    out(0xa1, 0x01);
    out(0x21, 0xfb);
    out(0xa1, 0xff);
}

static void unmask_all(void)
{
    out(0x21, 0x00);
    out(0xa1, 0x00);
}

static void pulse(unsigned irq)
{
    pic_set_irq(&pic, irq, true);
    pic_set_irq(&pic, irq, false);
}

static u8 read_isr(u16 cmd)
{
    out(cmd, 0x0b);
    u8 v = in(cmd);
    out(cmd, 0x0a);
    return v;
}

static void test_power_on(void)
{
    reset();
    CHECK(!pic_intr(&pic));
    CHECK_EQ_U64(in(0x20), 0);
    CHECK_EQ_U64(in(0x21), 0);
    CHECK_EQ_U64(in(0xa1), 0);
    CHECK_EQ_U64(in(0x4d0), 0);
    CHECK_EQ_U64(in(0x4d1), 0);
    CHECK_EQ_U64(in(0x22), 0xff); /* not ours */
    CHECK_EQ_U64(rec.lines, 0);
}

static void test_linux_init(void)
{
    reset();
    linux_init(false);
    CHECK_EQ_U64(in(0x21), 0xfb);
    CHECK_EQ_U64(in(0xa1), 0xff);
    CHECK_EQ_U64(pic.chip[0].base, 0x30);
    CHECK_EQ_U64(pic.chip[1].base, 0x38);
    CHECK_EQ_U64(pic.chip[0].icw3, 0x04);
    CHECK_EQ_U64(pic.chip[1].icw3, 0x02);
    CHECK_EQ_U64(pic.chip[0].init_step, 0);
    CHECK_EQ_U64(pic.chip[1].init_step, 0);
    /* Linux's probe: the IMR reads back what is written */
    out(0x21, 0xa5);
    CHECK_EQ_U64(in(0x21), 0xa5);
    out(0x21, 0xfb);
    /* the timer, unmasked */
    out(0x21, 0xfa);
    pulse(0);
    CHECK(pic_intr(&pic));
    CHECK(rec_level(&rec));
    CHECK_EQ_U64(rec.line[0], INTR_LINE);
    CHECK_EQ_U64(pic_ack(&pic), 0x30);
    CHECK(!pic_intr(&pic));
    CHECK_EQ_U64(read_isr(0x20), 0x01);
    out(0x20, 0x20);
    CHECK_EQ_U64(read_isr(0x20), 0x00);
    /* ICW1 leaves the IMR clear, the ISR empty, the read select on IRR */
    pulse(0);
    pic_ack(&pic);
    out(0x20, 0x0b);
    out(0x20, 0x11);
    CHECK_EQ_U64(in(0x21), 0x00);
    CHECK_EQ_U64(in(0x20), 0x00); /* IRR (ISR would be 0 as well) */
    CHECK_EQ_U64(pic.chip[0].isr, 0);
    CHECK_EQ_U64(pic.chip[0].init_step, 2);
}

static void test_seabios_init(void)
{
    reset();
    seabios_init();
    CHECK_EQ_U64(pic.chip[0].base, 0x08);
    CHECK_EQ_U64(pic.chip[1].base, 0x70);
    out(0x21, 0xb8); /* timer, keyboard, cascade, ... */
    out(0xa1, 0x8e); /* RTC unmasked */
    pulse(8);
    CHECK(pic_intr(&pic));
    CHECK_EQ_U64(pic_ack(&pic), 0x70);
    CHECK_EQ_U64(read_isr(0x20), 0x04);
    pulse(1); /* IR1 ranks above the cascade in service */
    CHECK(pic_intr(&pic));
    CHECK_EQ_U64(pic_ack(&pic), 0x09);
    pulse(4); /* IR4 is masked */
    out(0x20, 0x20);
    CHECK(!pic_intr(&pic));
}

/* ICW1 without IC4 and in single mode: ICW2 alone, then OCW1; ICW2's low
 * bits are not part of the base. */
static void test_init_variants(void)
{
    reset();
    out(0x20, 0x12); /* single, no ICW4 */
    out(0x21, 0x47);
    CHECK_EQ_U64(pic.chip[0].base, 0x40);
    CHECK_EQ_U64(pic.chip[0].init_step, 0);
    out(0x21, 0x3c);
    CHECK_EQ_U64(in(0x21), 0x3c);
    CHECK_EQ_U64(pic.chip[0].icw3, 0);
    /* single: IR2 gives the master's own vector */
    out(0x21, 0x00);
    pic_set_irq(&pic, 9, true);
    out(0xa1, 0x00);
    CHECK(pic_intr(&pic));
    CHECK_EQ_U64(pic_ack(&pic), 0x42);
    pic_set_irq(&pic, 9, false);
    /* cascade without ICW4: ICW2, ICW3, then the IMR */
    reset();
    out(0x20, 0x10);
    out(0x21, 0x20);
    out(0x21, 0x04);
    CHECK_EQ_U64(pic.chip[0].init_step, 0);
    out(0x21, 0x55);
    CHECK_EQ_U64(in(0x21), 0x55);
    CHECK_EQ_U64(pic.chip[0].icw4, 0);
    /* single with ICW4: ICW2, ICW4 */
    out(0x20, 0x13);
    out(0x21, 0x20);
    out(0x21, 0x03);
    CHECK_EQ_U64(pic.chip[0].icw4, 0x03);
    CHECK_EQ_U64(pic.chip[0].init_step, 0);
    /* special fully nested mode is accepted */
    linux_init(false);
    out(0x20, 0x11);
    out(0x21, 0x30);
    out(0x21, 0x04);
    out(0x21, 0x11);
    CHECK_EQ_U64(pic.chip[0].icw4, 0x11);
}

static void test_masking(void)
{
    reset();
    linux_init(false);
    pulse(3);
    CHECK(!pic_intr(&pic)); /* masked: latched in IRR only */
    CHECK_EQ_U64(in(0x20), 0x08);
    out(0x21, 0xf3);
    CHECK(pic_intr(&pic));
    out(0x21, 0xfb);
    CHECK(!pic_intr(&pic));
    out(0x21, 0xf3);
    CHECK_EQ_U64(pic_ack(&pic), 0x33);
    CHECK_EQ_U64(in(0x20), 0x00);
    out(0x20, 0x20);
    /* a slave IRQ masked on the slave, and the cascade masked on the master */
    pulse(12);
    CHECK(!pic_intr(&pic));
    out(0xa1, 0xef);
    CHECK(pic_intr(&pic));
    out(0x21, 0xff);
    CHECK(!pic_intr(&pic));
    out(0x21, 0xfb);
    CHECK(pic_intr(&pic));
    CHECK_EQ_U64(pic_ack(&pic), 0x3c);
}

static void test_priority(void)
{
    reset();
    linux_init(false);
    unmask_all();
    pulse(5);
    pulse(3);
    pulse(6);
    CHECK_EQ_U64(in(0x20), 0x68);
    CHECK_EQ_U64(pic_ack(&pic), 0x33);
    CHECK(pic_intr(&pic) == false); /* lower ones wait behind IR3 */
    pulse(1);
    CHECK(pic_intr(&pic)); /* a higher one nests */
    CHECK_EQ_U64(pic_ack(&pic), 0x31);
    CHECK_EQ_U64(read_isr(0x20), 0x0a);
    out(0x20, 0x20); /* clears IR1, the highest in service */
    CHECK_EQ_U64(read_isr(0x20), 0x08);
    CHECK(!pic_intr(&pic));
    out(0x20, 0x20);
    CHECK_EQ_U64(pic_ack(&pic), 0x35);
    out(0x20, 0x20);
    CHECK_EQ_U64(pic_ack(&pic), 0x36);
    out(0x20, 0x20);
    CHECK(!pic_intr(&pic));
    CHECK_EQ_U64(pic_ack(&pic), 0x37); /* nothing: spurious */
    CHECK_EQ_U64(read_isr(0x20), 0x00);
}

static void test_rotation(void)
{
    reset();
    linux_init(false);
    unmask_all();
    /* set priority: IR4 lowest, so IR5 is highest */
    out(0x20, 0xc4);
    pulse(3);
    pulse(5);
    pulse(4);
    CHECK_EQ_U64(pic_ack(&pic), 0x35);
    /* rotate on non-specific EOI: IR5 becomes the lowest, IR6 highest */
    out(0x20, 0xa0);
    CHECK_EQ_U64(pic.chip[0].lowest, 5);
    CHECK_EQ_U64(read_isr(0x20), 0x00);
    CHECK_EQ_U64(pic_ack(&pic), 0x33);
    pulse(5);
    pulse(7);
    CHECK(pic_intr(&pic)); /* IR7 ranks above IR3 now */
    CHECK_EQ_U64(pic_ack(&pic), 0x37);
    CHECK_EQ_U64(read_isr(0x20), 0x88);
    /* non-specific EOI takes the highest in service by the rotated order:
     * IR7 */
    out(0x20, 0x20);
    CHECK_EQ_U64(read_isr(0x20), 0x08);
    /* rotate on specific EOI: IR3 cleared and lowest, IR4 highest */
    out(0x20, 0xe3);
    CHECK_EQ_U64(read_isr(0x20), 0x00);
    CHECK_EQ_U64(pic.chip[0].lowest, 3);
    CHECK_EQ_U64(pic_ack(&pic), 0x34);
    out(0x20, 0x64); /* specific EOI IR4, no rotation */
    CHECK_EQ_U64(pic.chip[0].lowest, 3);
    CHECK_EQ_U64(pic_ack(&pic), 0x35);
    out(0x20, 0x60); /* specific EOI for a level not in service: nothing */
    CHECK_EQ_U64(read_isr(0x20), 0x20);
    out(0x20, 0x40); /* no operation */
    CHECK_EQ_U64(read_isr(0x20), 0x20);
    out(0x20, 0x65);
    CHECK_EQ_U64(read_isr(0x20), 0x00);
    /* ICW1 brings back the fixed order */
    linux_init(false);
    CHECK_EQ_U64(pic.chip[0].lowest, 7);
}

static void test_auto_eoi(void)
{
    reset();
    linux_init(true);
    unmask_all();
    pulse(4);
    pulse(6);
    CHECK_EQ_U64(pic_ack(&pic), 0x34);
    CHECK_EQ_U64(read_isr(0x20), 0x00);
    CHECK(pic_intr(&pic)); /* nothing in service blocks IR6 */
    CHECK_EQ_U64(pic_ack(&pic), 0x36);
    CHECK_EQ_U64(pic.chip[0].lowest, 7); /* no rotation unless asked */
    /* rotate in auto-EOI mode */
    out(0x20, 0x80);
    pulse(4);
    pulse(6);
    CHECK_EQ_U64(pic_ack(&pic), 0x34);
    CHECK_EQ_U64(pic.chip[0].lowest, 4);
    pulse(3);
    CHECK_EQ_U64(pic_ack(&pic), 0x36); /* IR6 above IR3 after the rotation */
    out(0x20, 0x00);                   /* clear it */
    CHECK_EQ_U64(pic_ack(&pic), 0x33);
    CHECK_EQ_U64(pic.chip[0].lowest, 6);
    pulse(1);
    pic_ack(&pic);
    CHECK_EQ_U64(pic.chip[0].lowest, 6);
}

static void test_edge_level(void)
{
    reset();
    linux_init(false);
    unmask_all();
    /* edge: one request per rising edge; a held line does not re-request */
    pic_set_irq(&pic, 10, true);
    CHECK_EQ_U64(pic_ack(&pic), 0x3a);
    out(0xa0, 0x20);
    out(0x20, 0x20);
    CHECK(!pic_intr(&pic));
    pic_set_irq(&pic, 10, true);
    CHECK(!pic_intr(&pic));
    pic_set_irq(&pic, 10, false);
    pic_set_irq(&pic, 10, true);
    CHECK(pic_intr(&pic));
    CHECK_EQ_U64(pic_ack(&pic), 0x3a);
    out(0xa0, 0x20);
    out(0x20, 0x20);
    pic_set_irq(&pic, 10, false);
    /* a pulse between acknowledges is kept */
    pulse(10);
    CHECK(pic_intr(&pic));
    CHECK_EQ_U64(pic_ack(&pic), 0x3a);
    out(0xa0, 0x20);
    out(0x20, 0x20);
    /* level (ELCR): requests again after the EOI while held */
    out(0x4d1, 0x04);
    pic_set_irq(&pic, 10, true);
    CHECK_EQ_U64(pic_ack(&pic), 0x3a);
    CHECK_EQ_U64(in(0xa0), 0x04); /* IRR still follows the line */
    CHECK(!pic_intr(&pic));
    out(0xa0, 0x20);
    out(0x20, 0x20);
    CHECK(pic_intr(&pic));
    CHECK_EQ_U64(pic_ack(&pic), 0x3a);
    pic_set_irq(&pic, 10, false);
    CHECK_EQ_U64(in(0xa0), 0x00);
    out(0xa0, 0x20);
    out(0x20, 0x20);
    CHECK(!pic_intr(&pic));
    /* level: a request that goes away before the acknowledge is gone (on
     * the master; through the edge-latched cascade see test_spurious) */
    out(0x4d0, 0x20);
    pic_set_irq(&pic, 5, true);
    CHECK(pic_intr(&pic));
    CHECK_EQ_U64(in(0x20), 0x20);
    pic_set_irq(&pic, 5, false);
    CHECK(!pic_intr(&pic));
    CHECK_EQ_U64(in(0x20), 0x00);
    /* LTIM makes the whole chip level-triggered */
    reset();
    out(0x20, 0x19);
    out(0x21, 0x30);
    out(0x21, 0x04);
    out(0x21, 0x01);
    pic_set_irq(&pic, 3, true);
    CHECK_EQ_U64(pic_ack(&pic), 0x33);
    out(0x20, 0x20);
    CHECK(pic_intr(&pic));
    pic_set_irq(&pic, 3, false);
    CHECK(!pic_intr(&pic));
    /* ICW1 resets the edge latches: a held edge line needs a new edge */
    reset();
    linux_init(false);
    unmask_all();
    pic_set_irq(&pic, 5, true);
    linux_init(false);
    unmask_all();
    CHECK(!pic_intr(&pic));
    pic_set_irq(&pic, 5, false);
    pic_set_irq(&pic, 5, true);
    CHECK_EQ_U64(pic_ack(&pic), 0x35);
}

static void test_elcr(void)
{
    reset();
    out(0x4d0, 0xff);
    out(0x4d1, 0xff);
    CHECK_EQ_U64(in(0x4d0), 0xf8); /* IRQ 0, 1, 2 stay edge */
    CHECK_EQ_U64(in(0x4d1), 0xde); /* IRQ 8, 13 stay edge */
    out(0x4d0, 0x20);
    out(0x4d1, 0x0c);
    CHECK_EQ_U64(in(0x4d0), 0x20);
    CHECK_EQ_U64(in(0x4d1), 0x0c);
    /* the port_bus ranges reach the same registers */
    struct port_bus bus;
    port_bus_init(&bus);
    struct port_range m = pic_master_port_range(&pic), s = pic_slave_port_range(&pic),
                      e = pic_elcr_port_range(&pic);
    CHECK_EQ_U64(port_bus_add(&bus, &m), 0);
    CHECK_EQ_U64(port_bus_add(&bus, &s), 0);
    CHECK_EQ_U64(port_bus_add(&bus, &e), 0);
    CHECK_EQ_U64(port_bus_read(&bus, 0x4d0, 2, 0), 0x0c20);
    port_bus_write(&bus, 0x4d0, 2, 0x0000, 0);
    CHECK_EQ_U64(in(0x4d0), 0);
    port_bus_write(&bus, 0xa1, 1, 0x5a, 0);
    CHECK_EQ_U64(in(0xa1), 0x5a);
    CHECK_EQ_U64(port_bus_read(&bus, 0x21, 1, 0), 0x00);
    /* switching a held line to level makes it request, back to edge keeps it */
    linux_init(false);
    unmask_all();
    pic_set_irq(&pic, 11, true);
    CHECK_EQ_U64(pic_ack(&pic), 0x3b);
    out(0xa0, 0x20);
    out(0x20, 0x20);
    CHECK(!pic_intr(&pic));
    out(0x4d1, 0x08);
    CHECK(pic_intr(&pic));
    out(0x4d1, 0x00);
    CHECK(pic_intr(&pic));
    CHECK_EQ_U64(pic_ack(&pic), 0x3b);
    /* a forced-edge IRQ stays edge */
    out(0xa0, 0x20);
    out(0x20, 0x20);
    out(0x4d0, 0xff);
    pic_set_irq(&pic, 1, true);
    CHECK_EQ_U64(pic_ack(&pic), 0x31);
    out(0x20, 0x20);
    CHECK(!pic_intr(&pic));
}

static void test_poll(void)
{
    reset();
    linux_init(false);
    out(0x21, 0xff); /* polling works with INTR masked off at the CPU; IMR still counts */
    pulse(6);
    out(0x20, 0x0c);
    CHECK_EQ_U64(in(0x20), 0x00); /* masked: nothing */
    out(0x21, 0x00);
    pulse(4);
    out(0x20, 0x0c);
    CHECK_EQ_U64(in(0x20), 0x84); /* acknowledges IR4 */
    CHECK_EQ_U64(read_isr(0x20), 0x10);
    CHECK_EQ_U64(in(0x20), 0x40); /* the next read is a normal one again */
    out(0x20, 0x20);
    out(0x20, 0x0c);
    CHECK_EQ_U64(in(0x21), 0x86); /* either port */
    out(0x20, 0x20);
    out(0x20, 0x0c);
    CHECK_EQ_U64(in(0x20), 0x00);
    /* polling a cascaded request: the master says 2, the slave the level */
    pulse(14);
    out(0xa1, 0x00);
    out(0x20, 0x0c);
    CHECK_EQ_U64(in(0x20), 0x82);
    out(0xa0, 0x0c);
    CHECK_EQ_U64(in(0xa0), 0x86);
    CHECK_EQ_U64(read_isr(0xa0), 0x40);
    CHECK_EQ_U64(read_isr(0x20), 0x04);
}

static void test_special_mask(void)
{
    reset();
    linux_init(false);
    unmask_all();
    pulse(3);
    CHECK_EQ_U64(pic_ack(&pic), 0x33);
    pulse(5);
    CHECK(!pic_intr(&pic));
    /* special mask mode, IR3 masked: the lower IR5 passes */
    out(0x20, 0x68);
    CHECK(pic.chip[0].special_mask);
    CHECK(!pic_intr(&pic)); /* IR3 not masked yet */
    out(0x21, 0x08);
    CHECK(pic_intr(&pic));
    CHECK_EQ_U64(pic_ack(&pic), 0x35);
    CHECK_EQ_U64(read_isr(0x20), 0x28);
    /* off again: IR3's in-service bit blocks the lower ones once more */
    out(0x20, 0x48);
    CHECK(!pic.chip[0].special_mask);
    out(0x20, 0x65);
    pulse(6);
    CHECK(!pic_intr(&pic));
    out(0x20, 0x08 | 0x00); /* OCW3 without ESMM leaves the mode alone */
    CHECK(!pic.chip[0].special_mask);
}

static void test_spurious(void)
{
    reset();
    linux_init(false);
    unmask_all();
    /* master: a level request that falls before the acknowledge */
    out(0x4d0, 0x08);
    pic_set_irq(&pic, 3, true);
    CHECK(pic_intr(&pic));
    pic_set_irq(&pic, 3, false);
    CHECK_EQ_U64(pic_ack(&pic), 0x37);
    CHECK_EQ_U64(read_isr(0x20), 0x00); /* no ISR bit for a spurious IRQ7 */
    /* masked between INTR and the acknowledge */
    pulse(5);
    CHECK(pic_intr(&pic));
    out(0x21, 0x20);
    CHECK_EQ_U64(pic_ack(&pic), 0x37);
    out(0x21, 0x00);
    CHECK_EQ_U64(pic_ack(&pic), 0x35);
    out(0x20, 0x20);
    /* a real IRQ7 is not spurious: its ISR bit is set */
    pulse(7);
    CHECK_EQ_U64(pic_ack(&pic), 0x37);
    CHECK_EQ_U64(read_isr(0x20), 0x80);
    out(0x20, 0x20);
    /* slave: the request went away after the master latched IR2 */
    out(0x4d1, 0x10);
    pic_set_irq(&pic, 12, true);
    CHECK(pic_intr(&pic));
    pic_set_irq(&pic, 12, false);
    CHECK(pic_intr(&pic)); /* the master's IR2 is edge: still latched */
    CHECK_EQ_U64(pic_ack(&pic), 0x3f);
    CHECK_EQ_U64(read_isr(0xa0), 0x00);
    CHECK_EQ_U64(read_isr(0x20), 0x04); /* as hardware: the cascade in service */
    out(0x20, 0x20);
    CHECK_EQ_U64(read_isr(0x20), 0x00);
    CHECK(!pic_intr(&pic));
}

static void test_cascade(void)
{
    reset();
    seabios_init();
    unmask_all();
    rec.lines = 0;
    /* IRQ8 and IRQ12 end to end: slave INT -> master IR2 -> INTR */
    pulse(12);
    CHECK(pic_intr(&pic));
    CHECK_EQ_U64(rec.lines, 1);
    CHECK(rec_level(&rec));
    CHECK_EQ_U64(in(0xa0), 0x10);
    CHECK_EQ_U64(in(0x20), 0x04);
    pulse(8);
    CHECK_EQ_U64(pic_ack(&pic), 0x70);
    CHECK(!rec_level(&rec));
    CHECK_EQ_U64(read_isr(0xa0), 0x01);
    CHECK_EQ_U64(read_isr(0x20), 0x04);
    /* a master IRQ above IR2 still gets through */
    pulse(1);
    CHECK(pic_intr(&pic));
    CHECK_EQ_U64(pic_ack(&pic), 0x09);
    out(0x20, 0x20);
    CHECK(!pic_intr(&pic)); /* IRQ12 waits for both EOIs */
    out(0xa0, 0x20);
    CHECK(!pic_intr(&pic));
    out(0x20, 0x20);
    CHECK(pic_intr(&pic));
    CHECK_EQ_U64(pic_ack(&pic), 0x74);
    out(0xa0, 0x20);
    out(0x20, 0x20);
    CHECK(!pic_intr(&pic));
    CHECK_EQ_U64(rec.kind[rec.lines - 1], VIREO_LINE_LOW);
    /* auto-EOI slave with two requests: the second one is not lost */
    reset();
    linux_init(false);
    out(0xa0, 0x11);
    out(0xa1, 0x38);
    out(0xa1, 0x02);
    out(0xa1, 0x03);
    unmask_all();
    pulse(9);
    pulse(11);
    CHECK_EQ_U64(pic_ack(&pic), 0x39);
    out(0x20, 0x20);
    CHECK(pic_intr(&pic));
    CHECK_EQ_U64(pic_ack(&pic), 0x3b);
    out(0x20, 0x20);
    CHECK(!pic_intr(&pic));
    /* special fully nested mode: a higher slave request nests through IR2 */
    reset();
    out(0x20, 0x11);
    out(0x21, 0x30);
    out(0x21, 0x04);
    out(0x21, 0x11);
    out(0xa0, 0x11);
    out(0xa1, 0x38);
    out(0xa1, 0x02);
    out(0xa1, 0x01);
    unmask_all();
    pulse(12);
    CHECK_EQ_U64(pic_ack(&pic), 0x3c);
    pulse(9);
    CHECK(pic_intr(&pic));
    CHECK_EQ_U64(pic_ack(&pic), 0x39);
    pulse(13);
    CHECK(!pic_intr(&pic)); /* lower than the slave's in-service levels */
    /* without it the same nesting waits for the master's EOI */
    reset();
    linux_init(false);
    unmask_all();
    pulse(12);
    CHECK_EQ_U64(pic_ack(&pic), 0x3c);
    pulse(9);
    CHECK(!pic_intr(&pic));
    out(0x20, 0x20);
    CHECK(pic_intr(&pic));
    CHECK_EQ_U64(pic_ack(&pic), 0x39);
    /* IRQ2 is the cascade: callers cannot drive it; out-of-range IRQs ignored */
    reset();
    linux_init(false);
    unmask_all();
    pulse(2);
    pulse(16);
    CHECK(!pic_intr(&pic));
    CHECK_EQ_U64(in(0x20), 0);
}

static void test_read_select(void)
{
    reset();
    linux_init(false);
    unmask_all();
    pulse(0);
    pulse(6);
    pic_ack(&pic);
    CHECK_EQ_U64(in(0x20), 0x40); /* IRR */
    out(0x20, 0x0b);
    CHECK_EQ_U64(in(0x20), 0x01); /* ISR, and it stays selected */
    CHECK_EQ_U64(in(0x20), 0x01);
    out(0x20, 0x09); /* RR clear: the selection stays */
    CHECK_EQ_U64(in(0x20), 0x01);
    out(0x20, 0x0a);
    CHECK_EQ_U64(in(0x20), 0x40);
    out(0x21, 0x12);
    CHECK_EQ_U64(in(0x21), 0x12); /* the data port reads the IMR */
    CHECK_EQ_U64(in(0xa1), 0x00);
}

int main(void)
{
    test_power_on();
    test_linux_init();
    test_seabios_init();
    test_init_variants();
    test_masking();
    test_priority();
    test_rotation();
    test_auto_eoi();
    test_edge_level();
    test_elcr();
    test_poll();
    test_special_mask();
    test_spurious();
    test_cascade();
    test_read_select();
    return check_report("devices_pic8259");
}
