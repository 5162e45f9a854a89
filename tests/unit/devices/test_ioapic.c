/* Host tests of the I/O APIC model (servers/devices/ioapic.c): its
 * registers through IOREGSEL/IOWIN and the MMIO bus, and the messages its
 * pins make, with remote IRR and the EOI. */
#include "check.h"
#include "ioapic.h"
#include "mmio_bus.h"

#define MAX_MSGS 16u

static struct ioapic io;
static struct ioapic_sink sink;
static struct ioapic_msg msg[MAX_MSGS];
static unsigned msgs;

static void deliver(void *ctx, const struct ioapic_msg *m)
{
    CHECK(ctx == &io);
    if (msgs < MAX_MSGS)
        msg[msgs] = *m;
    msgs++;
}

static void reset(void)
{
    sink.deliver = deliver;
    sink.ctx = &io;
    msgs = 0;
    ioapic_init(&io, 5, &sink);
}

static u32 reg(u8 index)
{
    ioapic_mmio_write(&io, IOAPIC_IOREGSEL, 4, index);
    return (u32)ioapic_mmio_read(&io, IOAPIC_IOWIN, 4);
}

static void set_reg(u8 index, u32 value)
{
    ioapic_mmio_write(&io, IOAPIC_IOREGSEL, 4, index);
    ioapic_mmio_write(&io, IOAPIC_IOWIN, 4, value);
}

static u64 entry(unsigned pin)
{
    u8 i = (u8)(IOAPIC_REG_REDTBL + 2 * pin);
    return reg(i) | (u64)reg((u8)(i + 1)) << 32;
}

/* High dword first, as Linux writes an entry it unmasks. */
static void set_entry(unsigned pin, u64 e)
{
    u8 i = (u8)(IOAPIC_REG_REDTBL + 2 * pin);
    set_reg((u8)(i + 1), (u32)(e >> 32));
    set_reg(i, (u32)e);
}

static u64 edge(u8 vector, u8 dest)
{
    return vector | (u64)dest << IOAPIC_RTE_DEST_SH;
}

static u64 level(u8 vector, u8 dest)
{
    return edge(vector, dest) | IOAPIC_RTE_LEVEL;
}

static void check_msg(unsigned n, u8 vector, u8 mode, bool logical, u8 dest, bool lvl, u8 pin)
{
    CHECK(n < msgs);
    if (n >= msgs || n >= MAX_MSGS)
        return;
    CHECK_EQ_U64(msg[n].vector, vector);
    CHECK_EQ_U64(msg[n].delivery_mode, mode);
    CHECK_EQ_U64(msg[n].logical, logical);
    CHECK_EQ_U64(msg[n].dest, dest);
    CHECK_EQ_U64(msg[n].level, lvl);
    CHECK_EQ_U64(msg[n].pin, pin);
}

static void test_reset(void)
{
    reset();
    CHECK_EQ_U64(reg(IOAPIC_REG_ID), 0x05000000u);
    CHECK_EQ_U64(reg(IOAPIC_REG_VER), 0x00170020u);
    CHECK_EQ_U64(reg(IOAPIC_REG_ARB), 0x05000000u);
    for (unsigned p = 0; p < IOAPIC_PINS; p++)
        CHECK_EQ_U64(entry(p), 0x10000u);
    CHECK_EQ_U64(ioapic_mmio_read(&io, IOAPIC_IOREGSEL, 4), IOAPIC_REG_REDTBL + 2 * 23 + 1);
    /* the ID takes bits 3:0 only */
    ioapic_init(&io, 0xfa, &sink);
    CHECK_EQ_U64(reg(IOAPIC_REG_ID), 0x0a000000u);
    CHECK_EQ_U64(io.ioregsel, IOAPIC_REG_ID);
    ioapic_init(&io, 0, &sink);
    CHECK_EQ_U64(ioapic_mmio_read(&io, IOAPIC_IOREGSEL, 4), 0);
    CHECK_EQ_U64(ioapic_mmio_read(&io, IOAPIC_IOWIN, 4), 0); /* ID 0 */
    /* nothing is sent at reset, whatever the pins do */
    for (unsigned p = 0; p < IOAPIC_PINS; p++)
        ioapic_pulse(&io, p);
    CHECK_EQ_U64(msgs, 0);
    CHECK_EQ_U64(io.messages, 0);
}

static void test_registers(void)
{
    reset();
    /* ID: bits 27:24 only; ARB follows */
    set_reg(IOAPIC_REG_ID, 0xffffffffu);
    CHECK_EQ_U64(reg(IOAPIC_REG_ID), 0x0f000000u);
    CHECK_EQ_U64(reg(IOAPIC_REG_ARB), 0x0f000000u);
    set_reg(IOAPIC_REG_ID, 0x03000000u);
    CHECK_EQ_U64(reg(IOAPIC_REG_ID), 0x03000000u);
    CHECK_EQ_U64(reg(IOAPIC_REG_ARB), 0x03000000u);
    /* VER and ARB are read-only */
    set_reg(IOAPIC_REG_VER, 0xffffffffu);
    CHECK_EQ_U64(reg(IOAPIC_REG_VER), 0x00170020u);
    set_reg(IOAPIC_REG_ARB, 0x0c000000u);
    CHECK_EQ_U64(reg(IOAPIC_REG_ARB), 0x03000000u);
    CHECK_EQ_U64(reg(IOAPIC_REG_ID), 0x03000000u);
    /* unassigned indexes read 0, take no writes */
    static const u8 none[] = {0x03, 0x0f, 0x40, 0x41, 0x80, 0xff};
    for (unsigned i = 0; i < sizeof(none); i++) {
        set_reg(none[i], 0xffffffffu);
        CHECK_EQ_U64(reg(none[i]), 0);
    }
    for (unsigned p = 0; p < IOAPIC_PINS; p++)
        CHECK_EQ_U64(entry(p), 0x10000u);
    CHECK_EQ_U64(reg(IOAPIC_REG_ID), 0x03000000u);

    /* an entry: writable bits kept, delivery status, remote IRR and
     * reserved bits read 0 (the pin is low: nothing is sent) */
    set_reg(IOAPIC_REG_REDTBL + 2 * 7, 0xffffffffu);
    CHECK_EQ_U64(reg(IOAPIC_REG_REDTBL + 2 * 7), 0x0001afffu);
    set_reg(IOAPIC_REG_REDTBL + 2 * 7 + 1, 0xffffffffu);
    CHECK_EQ_U64(reg(IOAPIC_REG_REDTBL + 2 * 7 + 1), 0xff000000u);
    CHECK_EQ_U64(entry(7), 0xff0000000001afffull);
    set_reg(IOAPIC_REG_REDTBL + 2 * 7, 0);
    CHECK_EQ_U64(entry(7), 0xff00000000000000ull);
    set_reg(IOAPIC_REG_REDTBL + 2 * 7 + 1, 0x12345678u);
    CHECK_EQ_U64(entry(7), 0x1200000000000000ull);
    /* the halves are independent; neighbours untouched */
    set_reg(IOAPIC_REG_REDTBL + 2 * 7, 0x000089abu);
    CHECK_EQ_U64(entry(7), 0x12000000000089abull & ~IOAPIC_RTE_REMOTE_IRR);
    CHECK_EQ_U64(entry(6), 0x10000u);
    CHECK_EQ_U64(entry(8), 0x10000u);
    /* the first and last entries */
    set_entry(0, 0x0100000000000830ull);
    set_entry(23, 0xfe0000000001e5ffull);
    CHECK_EQ_U64(entry(0), 0x0100000000000830ull);
    CHECK_EQ_U64(entry(23), 0xfe0000000001a5ffull); /* remote IRR (bit 14) dropped */
    CHECK_EQ_U64(reg(IOAPIC_REG_REDTBL + 2 * 24), 0);
    CHECK_EQ_U64(msgs, 0);

    /* the register API is the same thing */
    CHECK_EQ_U64(ioapic_read_reg(&io, IOAPIC_REG_REDTBL), 0x830u);
    CHECK_EQ_U64(ioapic_read_reg(&io, IOAPIC_REG_REDTBL + 1), 0x01000000u);
    ioapic_write_reg(&io, IOAPIC_REG_REDTBL + 1, 0x42000000u);
    CHECK_EQ_U64(entry(0), 0x4200000000000830ull);
}

static void test_edge(void)
{
    reset();
    set_entry(4, edge(0x34, 0x02));
    ioapic_set_irq(&io, 4, true);
    CHECK_EQ_U64(msgs, 1);
    check_msg(0, 0x34, IOAPIC_DELIVERY_FIXED, false, 0x02, false, 4);
    /* held, or raised again while high: no new edge */
    ioapic_set_irq(&io, 4, true);
    CHECK_EQ_U64(msgs, 1);
    ioapic_set_irq(&io, 4, false);
    CHECK_EQ_U64(msgs, 1);
    /* every edge delivers, no EOI needed; no remote IRR */
    ioapic_set_irq(&io, 4, true);
    ioapic_pulse(&io, 4);
    CHECK_EQ_U64(msgs, 2);
    ioapic_set_irq(&io, 4, false);
    ioapic_pulse(&io, 4);
    ioapic_pulse(&io, 4);
    CHECK_EQ_U64(msgs, 4);
    CHECK_EQ_U64(entry(4), edge(0x34, 0x02));
    CHECK_EQ_U64(io.messages, 4);
    /* an EOI for its vector changes nothing */
    ioapic_eoi(&io, 0x34);
    CHECK_EQ_U64(msgs, 4);

    /* masked: the edge is lost, unmasking sends nothing */
    set_entry(4, edge(0x34, 0x02) | IOAPIC_RTE_MASKED);
    ioapic_pulse(&io, 4);
    ioapic_set_irq(&io, 4, true);
    CHECK_EQ_U64(msgs, 4);
    set_entry(4, edge(0x34, 0x02));
    CHECK_EQ_U64(msgs, 4);
    ioapic_set_irq(&io, 4, false);
    CHECK_EQ_U64(msgs, 4);
    ioapic_pulse(&io, 4);
    CHECK_EQ_U64(msgs, 5);

    /* the fields go out as written: logical, lowest priority */
    set_entry(9, edge(0x61, 0xf0) | IOAPIC_RTE_LOGICAL |
                     (u64)IOAPIC_DELIVERY_LOWEST << IOAPIC_RTE_DELMODE_SH);
    ioapic_pulse(&io, 9);
    CHECK_EQ_U64(msgs, 6);
    check_msg(5, 0x61, IOAPIC_DELIVERY_LOWEST, true, 0xf0, false, 9);

    /* pins past 23 are ignored */
    ioapic_pulse(&io, 24);
    ioapic_pulse(&io, 31);
    ioapic_pulse(&io, 1000);
    CHECK_EQ_U64(msgs, 6);
    CHECK_EQ_U64(io.lines, 0);

    /* no sink: the state moves the same, nothing is called */
    ioapic_init(&io, 0, 0);
    set_entry(1, level(0x41, 0));
    ioapic_set_irq(&io, 1, true);
    CHECK_EQ_U64(entry(1), level(0x41, 0) | IOAPIC_RTE_REMOTE_IRR);
    CHECK_EQ_U64(io.messages, 1);
    CHECK_EQ_U64(msgs, 6);
}

static void test_level(void)
{
    reset();
    set_entry(10, level(0x5a, 0x01));
    CHECK_EQ_U64(msgs, 0);
    ioapic_set_irq(&io, 10, true);
    CHECK_EQ_U64(msgs, 1);
    check_msg(0, 0x5a, IOAPIC_DELIVERY_FIXED, false, 0x01, true, 10);
    CHECK_EQ_U64(entry(10), level(0x5a, 0x01) | IOAPIC_RTE_REMOTE_IRR);
    CHECK_EQ_U64(reg(IOAPIC_REG_REDTBL + 20), 0xc05au);
    /* remote IRR holds further messages back, however the pin moves */
    ioapic_set_irq(&io, 10, false);
    ioapic_set_irq(&io, 10, true);
    ioapic_pulse(&io, 10);
    ioapic_set_irq(&io, 10, true);
    CHECK_EQ_U64(msgs, 1);
    /* remote IRR is read-only: writing the entry again keeps it */
    set_reg(IOAPIC_REG_REDTBL + 20, (u32)level(0x5a, 0x01));
    CHECK_EQ_U64(entry(10), level(0x5a, 0x01) | IOAPIC_RTE_REMOTE_IRR);
    CHECK_EQ_U64(msgs, 1);
    /* an EOI for another vector: nothing */
    ioapic_eoi(&io, 0x5b);
    CHECK_EQ_U64(msgs, 1);
    CHECK(entry(10) & IOAPIC_RTE_REMOTE_IRR);
    /* the EOI with the pin still asserted: again */
    ioapic_eoi(&io, 0x5a);
    CHECK_EQ_U64(msgs, 2);
    check_msg(1, 0x5a, IOAPIC_DELIVERY_FIXED, false, 0x01, true, 10);
    CHECK(entry(10) & IOAPIC_RTE_REMOTE_IRR);
    /* the pin falls, then the EOI: remote IRR clear, nothing sent */
    ioapic_set_irq(&io, 10, false);
    ioapic_eoi(&io, 0x5a);
    CHECK_EQ_U64(msgs, 2);
    CHECK_EQ_U64(entry(10), level(0x5a, 0x01));
    /* a second EOI is harmless */
    ioapic_eoi(&io, 0x5a);
    CHECK_EQ_U64(msgs, 2);
    /* asserting again sends again */
    ioapic_set_irq(&io, 10, true);
    CHECK_EQ_U64(msgs, 3);

    /* masked with remote IRR set: the EOI clears it, sends nothing; the
     * unmask of the still-asserted pin sends */
    set_entry(10, level(0x5a, 0x01) | IOAPIC_RTE_MASKED);
    CHECK_EQ_U64(entry(10), level(0x5a, 0x01) | IOAPIC_RTE_MASKED | IOAPIC_RTE_REMOTE_IRR);
    ioapic_eoi(&io, 0x5a);
    CHECK_EQ_U64(msgs, 3);
    CHECK_EQ_U64(entry(10), level(0x5a, 0x01) | IOAPIC_RTE_MASKED);
    set_entry(10, level(0x5a, 0x01));
    CHECK_EQ_U64(msgs, 4);
    CHECK_EQ_U64(entry(10), level(0x5a, 0x01) | IOAPIC_RTE_REMOTE_IRR);
}

static void test_unmask_asserted(void)
{
    reset();
    /* the pin is asserted while the entry is masked at reset */
    ioapic_set_irq(&io, 16, true);
    set_entry(16, level(0x70, 0x03) | IOAPIC_RTE_MASKED);
    CHECK_EQ_U64(msgs, 0);
    CHECK_EQ_U64(entry(16), level(0x70, 0x03) | IOAPIC_RTE_MASKED);
    /* the high dword alone does not unmask */
    set_reg(IOAPIC_REG_REDTBL + 33, 0x04000000u);
    CHECK_EQ_U64(msgs, 0);
    set_reg(IOAPIC_REG_REDTBL + 32, (u32)level(0x70, 0));
    CHECK_EQ_U64(msgs, 1);
    check_msg(0, 0x70, IOAPIC_DELIVERY_FIXED, false, 0x04, true, 16);
    /* the pin fell while masked: unmasking sends nothing */
    set_entry(17, level(0x71, 0) | IOAPIC_RTE_MASKED);
    ioapic_set_irq(&io, 17, true);
    ioapic_set_irq(&io, 17, false);
    set_entry(17, level(0x71, 0));
    CHECK_EQ_U64(msgs, 1);
    CHECK_EQ_U64(entry(17), level(0x71, 0));
    /* an edge entry made level while its pin is high sends */
    set_entry(18, edge(0x72, 0));
    ioapic_set_irq(&io, 18, true);
    CHECK_EQ_U64(msgs, 2);
    set_entry(18, level(0x72, 0));
    CHECK_EQ_U64(msgs, 3);
    check_msg(2, 0x72, IOAPIC_DELIVERY_FIXED, false, 0, true, 18);
    /* and made edge again: remote IRR goes (the pre-EOI-register trick) */
    set_entry(18, edge(0x72, 0) | IOAPIC_RTE_MASKED);
    CHECK_EQ_U64(entry(18), edge(0x72, 0) | IOAPIC_RTE_MASKED);
    set_entry(18, level(0x72, 0));
    CHECK_EQ_U64(msgs, 4);
}

static void test_polarity(void)
{
    reset();
    /* active low, level: a low pin is asserted */
    set_entry(20, level(0x80, 0) | IOAPIC_RTE_ACTIVE_LOW);
    CHECK_EQ_U64(msgs, 1);
    check_msg(0, 0x80, IOAPIC_DELIVERY_FIXED, false, 0, true, 20);
    ioapic_set_irq(&io, 20, true); /* deasserted */
    ioapic_eoi(&io, 0x80);
    CHECK_EQ_U64(msgs, 1);
    CHECK_EQ_U64(entry(20), level(0x80, 0) | IOAPIC_RTE_ACTIVE_LOW);
    ioapic_set_irq(&io, 20, false); /* asserted */
    CHECK_EQ_U64(msgs, 2);
    ioapic_eoi(&io, 0x80);
    CHECK_EQ_U64(msgs, 3);
    ioapic_set_irq(&io, 20, true);
    ioapic_eoi(&io, 0x80);
    CHECK_EQ_U64(msgs, 3);
    /* flipping polarity of the high pin to active high asserts it */
    set_entry(20, level(0x80, 0));
    CHECK_EQ_U64(msgs, 4);

    /* active low, edge: the falling edge delivers, the rising one not */
    set_entry(21, edge(0x81, 0) | IOAPIC_RTE_ACTIVE_LOW);
    ioapic_set_irq(&io, 21, true);
    CHECK_EQ_U64(msgs, 4);
    ioapic_set_irq(&io, 21, false);
    CHECK_EQ_U64(msgs, 5);
    check_msg(4, 0x81, IOAPIC_DELIVERY_FIXED, false, 0, false, 21);
    /* a pulse from low: one message, on its falling edge */
    ioapic_pulse(&io, 21);
    CHECK_EQ_U64(msgs, 6);
    /* rewriting the polarity of a steady pin is no edge */
    set_entry(21, edge(0x81, 0));
    set_entry(21, edge(0x81, 0) | IOAPIC_RTE_ACTIVE_LOW);
    CHECK_EQ_U64(msgs, 6);
}

static void test_eoi_other_pins(void)
{
    reset();
    set_entry(3, level(0x90, 0));
    set_entry(5, level(0x91, 0));
    set_entry(6, level(0x90, 1)); /* shares 3's vector */
    set_entry(7, edge(0x90, 0));
    ioapic_set_irq(&io, 3, true);
    ioapic_set_irq(&io, 5, true);
    ioapic_set_irq(&io, 6, true);
    CHECK_EQ_U64(msgs, 3);
    /* EOI 0x91 re-sends pin 5 only */
    ioapic_eoi(&io, 0x91);
    CHECK_EQ_U64(msgs, 4);
    check_msg(3, 0x91, IOAPIC_DELIVERY_FIXED, false, 0, true, 5);
    CHECK(entry(3) & IOAPIC_RTE_REMOTE_IRR);
    CHECK(entry(6) & IOAPIC_RTE_REMOTE_IRR);
    /* EOI 0x90 clears 3 and 6: 3 is still high and goes again, 6 fell;
     * the edge entry 7 with the same vector is not touched */
    ioapic_set_irq(&io, 6, false);
    ioapic_eoi(&io, 0x90);
    CHECK_EQ_U64(msgs, 5);
    check_msg(4, 0x90, IOAPIC_DELIVERY_FIXED, false, 0, true, 3);
    CHECK(entry(3) & IOAPIC_RTE_REMOTE_IRR);
    CHECK_EQ_U64(entry(6), level(0x90, 1));
    CHECK(entry(5) & IOAPIC_RTE_REMOTE_IRR);
    CHECK_EQ_U64(entry(7), edge(0x90, 0));
    ioapic_set_irq(&io, 3, false);
    ioapic_set_irq(&io, 5, false);
    ioapic_eoi(&io, 0x90);
    ioapic_eoi(&io, 0x91);
    CHECK_EQ_U64(entry(3), level(0x90, 0));
    CHECK_EQ_U64(entry(5), level(0x91, 0));
    CHECK_EQ_U64(msgs, 5);
}

static void test_delivery_modes(void)
{
    reset();
    /* NMI, INIT, SMI and ExtINT are edge even when programmed level */
    static const u8 mode[] = {IOAPIC_DELIVERY_SMI,
                              IOAPIC_DELIVERY_NMI,
                              IOAPIC_DELIVERY_INIT,
                              IOAPIC_DELIVERY_EXTINT,
                              3,
                              6};
    for (unsigned i = 0; i < sizeof(mode); i++) {
        unsigned pin = 1 + i;
        u64 e = level(0x20, 0x0f) | (u64)mode[i] << IOAPIC_RTE_DELMODE_SH;
        set_entry(pin, e);
        ioapic_set_irq(&io, pin, true);
        CHECK_EQ_U64(msgs, 2 * i + 1);
        check_msg(2 * i, 0x20, mode[i], false, 0x0f, false, (u8)pin);
        CHECK_EQ_U64(entry(pin), e); /* no remote IRR */
        ioapic_set_irq(&io, pin, true);
        CHECK_EQ_U64(msgs, 2 * i + 1); /* held high: no new message */
        ioapic_pulse(&io, pin);        /* high to low: nothing; then one edge */
        ioapic_pulse(&io, pin);
        CHECK_EQ_U64(msgs, 2 * i + 2);
    }
    /* a level fixed entry with remote IRR set becomes NMI: remote IRR goes */
    set_entry(12, level(0x22, 0));
    ioapic_set_irq(&io, 12, true);
    CHECK_EQ_U64(msgs, 13);
    CHECK(entry(12) & IOAPIC_RTE_REMOTE_IRR);
    set_entry(12, level(0x22, 0) | (u64)IOAPIC_DELIVERY_NMI << IOAPIC_RTE_DELMODE_SH);
    CHECK_EQ_U64(entry(12), level(0x22, 0) | 0x400u);
    CHECK_EQ_U64(msgs, 13);
}

static void test_mmio(void)
{
    reset();
    /* IOREGSEL: the low byte of a write starting at 0, any size */
    ioapic_mmio_write(&io, 0x00, 4, 0xabcdef01u);
    CHECK_EQ_U64(ioapic_mmio_read(&io, 0x00, 4), 0x01);
    ioapic_mmio_write(&io, 0x00, 1, 0x12);
    CHECK_EQ_U64(ioapic_mmio_read(&io, 0x00, 4), 0x12);
    ioapic_mmio_write(&io, 0x00, 2, 0x3411);
    CHECK_EQ_U64(ioapic_mmio_read(&io, 0x00, 4), 0x11);
    ioapic_mmio_write(&io, 0x00, 8, 0xffffffff00000010ull);
    CHECK_EQ_U64(ioapic_mmio_read(&io, 0x00, 8), 0x10);
    /* writes into IOREGSEL's reserved bytes are dropped */
    ioapic_mmio_write(&io, 0x01, 1, 0x02);
    ioapic_mmio_write(&io, 0x02, 2, 0x02);
    CHECK_EQ_U64(io.ioregsel, 0x10);
    CHECK_EQ_U64(ioapic_mmio_read(&io, 0x01, 1), 0);
    CHECK_EQ_U64(ioapic_mmio_read(&io, 0x00, 1), 0x10);

    /* IOWIN: only 32-bit writes at 0x10 */
    ioapic_mmio_write(&io, 0x10, 4, 0x000181c3u); /* entry 0 low: masked level 0xc3 */
    CHECK_EQ_U64(ioapic_read_reg(&io, 0x10), 0x000181c3u);
    ioapic_mmio_write(&io, 0x10, 1, 0x00);
    ioapic_mmio_write(&io, 0x10, 2, 0x0000);
    ioapic_mmio_write(&io, 0x10, 8, 0);
    ioapic_mmio_write(&io, 0x11, 1, 0x00);
    ioapic_mmio_write(&io, 0x12, 2, 0x0000);
    ioapic_mmio_write(&io, 0x13, 1, 0x00);
    ioapic_mmio_write(&io, 0x0c, 8, 0);
    CHECK_EQ_U64(ioapic_read_reg(&io, 0x10), 0x000181c3u);
    /* IOWIN reads: the register's bytes at every size and offset */
    CHECK_EQ_U64(ioapic_mmio_read(&io, 0x10, 4), 0x000181c3u);
    CHECK_EQ_U64(ioapic_mmio_read(&io, 0x10, 1), 0xc3);
    CHECK_EQ_U64(ioapic_mmio_read(&io, 0x10, 2), 0x81c3);
    CHECK_EQ_U64(ioapic_mmio_read(&io, 0x11, 1), 0x81);
    CHECK_EQ_U64(ioapic_mmio_read(&io, 0x12, 1), 0x01);
    CHECK_EQ_U64(ioapic_mmio_read(&io, 0x13, 1), 0x00);
    CHECK_EQ_U64(ioapic_mmio_read(&io, 0x11, 2), 0x0181);
    CHECK_EQ_U64(ioapic_mmio_read(&io, 0x10, 8), 0x000181c3u);
    CHECK_EQ_U64(ioapic_mmio_read(&io, 0x0c, 8), 0x000181c300000000ull);
    CHECK_EQ_U64(ioapic_mmio_read(&io, 0x0e, 4), 0x81c30000u);
    /* the VER register by bytes */
    ioapic_mmio_write(&io, 0x00, 1, IOAPIC_REG_VER);
    CHECK_EQ_U64(ioapic_mmio_read(&io, 0x10, 1), 0x20);
    CHECK_EQ_U64(ioapic_mmio_read(&io, 0x12, 1), 0x17);
    CHECK_EQ_U64(ioapic_mmio_read(&io, 0x12, 2), 0x0017);
    CHECK_EQ_U64(ioapic_mmio_read(&io, 0x00, 8), 0x01);
    CHECK_EQ_U64(ioapic_mmio_read(&io, 0x03, 8), 0);
    CHECK_EQ_U64(ioapic_mmio_read(&io, 0x08, 8), 0);
    CHECK_EQ_U64(ioapic_mmio_read(&io, 0x0c, 8), 0x0017002000000000ull);

    /* every other offset reads 0 and takes no writes */
    static const u64 other[] = {0x04, 0x08, 0x0c, 0x14, 0x18, 0x20, 0x30, 0x44, 0xffc};
    ioapic_mmio_write(&io, 0x00, 4, 0x10);
    for (unsigned i = 0; i < sizeof(other) / sizeof(other[0]); i++) {
        ioapic_mmio_write(&io, other[i], 4, 0xffffffffu);
        CHECK_EQ_U64(ioapic_mmio_read(&io, other[i], 4), 0);
    }
    CHECK_EQ_U64(io.ioregsel, 0x10);
    CHECK_EQ_U64(ioapic_read_reg(&io, 0x10), 0x000181c3u);
    CHECK_EQ_U64(ioapic_mmio_read(&io, 0x1000, 4), 0);
    CHECK_EQ_U64(ioapic_mmio_read(&io, ~0ull, 8), 0);
    CHECK_EQ_U64(ioapic_mmio_read(&io, 0xffe, 8), 0);
    CHECK_EQ_U64(msgs, 0);

    /* the EOI register at 0x40: a write of the vector; reads 0 */
    ioapic_mmio_write(&io, 0x10, 4, 0x000081c3u); /* unmask */
    ioapic_set_irq(&io, 0, true);
    CHECK_EQ_U64(msgs, 1);
    ioapic_mmio_write(&io, 0x40, 4, 0xc2);
    CHECK_EQ_U64(msgs, 1);
    ioapic_mmio_write(&io, 0x41, 1, 0xc3); /* not at 0x40: dropped */
    CHECK_EQ_U64(msgs, 1);
    ioapic_mmio_write(&io, 0x40, 4, 0xc3);
    CHECK_EQ_U64(msgs, 2);
    ioapic_mmio_write(&io, 0x40, 1, 0xc3);
    CHECK_EQ_U64(msgs, 3);
    ioapic_mmio_write(&io, 0x40, 4, 0xffffff00u | 0xc3u);
    CHECK_EQ_U64(msgs, 4);
    CHECK_EQ_U64(ioapic_mmio_read(&io, 0x40, 4), 0);
}

/* On an MMIO bus, as the device server places it. */
static void test_bus(void)
{
    reset();
    struct mmio_bus bus;
    mmio_bus_init(&bus);
    struct mmio_range r = ioapic_mmio_range(&io);
    CHECK_EQ_U64(r.base, 0xfec00000ull);
    CHECK_EQ_U64(r.size, 0x1000u);
    CHECK_EQ_U64(r.sizes, MMIO_SIZE_1 | MMIO_SIZE_2 | MMIO_SIZE_4 | MMIO_SIZE_8);
    CHECK(r.dev == &io);
    CHECK(r.read == ioapic_bus_read);
    CHECK(r.write == ioapic_bus_write);
    CHECK_EQ_U64(mmio_bus_add(&bus, &r), MMIO_BUS_ADDED);

    bool claimed = false;
    mmio_bus_write(&bus, IOAPIC_BASE, 4, IOAPIC_REG_VER, &claimed);
    CHECK(claimed);
    CHECK_EQ_U64(mmio_bus_read(&bus, IOAPIC_BASE + 0x10, 4, &claimed), 0x00170020u);
    CHECK_EQ_U64(mmio_bus_read(&bus, IOAPIC_BASE + 0x12, 1, 0), 0x17);
    CHECK_EQ_U64(mmio_bus_read(&bus, IOAPIC_BASE + 0x00, 4, 0), IOAPIC_REG_VER);
    CHECK_EQ_U64(mmio_bus_read(&bus, IOAPIC_BASE + 0x800, 4, 0), 0);
    /* past the window: nobody there */
    claimed = true;
    CHECK_EQ_U64(mmio_bus_read(&bus, IOAPIC_BASE + 0x1000, 4, &claimed), 0xffffffffu);
    CHECK(!claimed);
    /* the last bytes and over the end: split, the outside byte all ones */
    CHECK_EQ_U64(mmio_bus_read(&bus, IOAPIC_BASE + 0xffe, 4, 0), 0xffff0000u);

    /* program entry 2 through the bus and take its interrupt */
    mmio_bus_write(&bus, IOAPIC_BASE, 4, IOAPIC_REG_REDTBL + 5, 0);
    mmio_bus_write(&bus, IOAPIC_BASE + 0x10, 4, 0x07000000u, 0);
    mmio_bus_write(&bus, IOAPIC_BASE, 1, IOAPIC_REG_REDTBL + 4, 0);
    mmio_bus_write(&bus, IOAPIC_BASE + 0x10, 4, 0x00000830u, 0); /* logical, fixed */
    CHECK_EQ_U64(entry(2), 0x0700000000000830ull);
    ioapic_pulse(&io, 2);
    CHECK_EQ_U64(msgs, 1);
    check_msg(0, 0x30, IOAPIC_DELIVERY_FIXED, true, 0x07, false, 2);
    /* a 2-byte write to IOWIN through the bus is dropped too */
    mmio_bus_write(&bus, IOAPIC_BASE, 4, IOAPIC_REG_REDTBL + 4, 0);
    mmio_bus_write(&bus, IOAPIC_BASE + 0x10, 2, 0x0000, 0);
    CHECK_EQ_U64(entry(2), 0x0700000000000830ull);
    /* the callbacks directly */
    ioapic_bus_write(&io, 0x00, 4, IOAPIC_REG_REDTBL + 4);
    CHECK_EQ_U64(ioapic_bus_read(&io, 0x10, 4), 0x830u);
    ioapic_bus_write(&io, 0x10, 4, 0x10830u);
    CHECK_EQ_U64(ioapic_bus_read(&io, 0x10, 4), 0x10830u);
}

int main(void)
{
    test_reset();
    test_registers();
    test_edge();
    test_level();
    test_unmask_asserted();
    test_polarity();
    test_eoi_other_pins();
    test_delivery_modes();
    test_mmio();
    test_bus();
    return check_report("devices_ioapic");
}
