/* Host tests of the keyboard controller and port 0x92 (servers/devices/i8042.c). */
#include "check.h"
#include "i8042.h"
#include "recorder.h"

/* A command that answers one byte: the byte, checking OBF and AUXB. */
static u8 reply(struct i8042 *k, u8 cmd)
{
    i8042_write_command(k, cmd);
    CHECK_EQ_U64(i8042_read_status(k) & (I8042_STR_OBF | I8042_STR_AUXB), I8042_STR_OBF);
    return i8042_read_data(k);
}

static u8 ctr(struct i8042 *k)
{
    return reply(k, I8042_CMD_READ_RAM);
}

static void set_ctr(struct i8042 *k, u8 v)
{
    i8042_write_command(k, I8042_CMD_WRITE_RAM);
    i8042_write_data(k, v);
}

/* The last event on the recorder: line and kind. */
static void check_event(const struct recorder *r, unsigned n, u16 line, u32 kind)
{
    CHECK_EQ_U64(r->lines, n);
    if (r->lines == n && n > 0) {
        CHECK_EQ_U64(r->line[n - 1], line);
        CHECK_EQ_U64(r->kind[n - 1], kind);
    }
}

static void test_init(void)
{
    struct recorder rec;
    struct i8042 k;
    recorder_init(&rec);
    i8042_init(&k, &rec.sink);
    CHECK_EQ_U64(i8042_read_status(&k), 0x14); /* system flag, unlocked */
    CHECK(k.a20);
    CHECK(!k.reset_requested);
    CHECK_EQ_U64(k.resets, 0);
    CHECK_EQ_U64(i8042_port92_read(&k), 0);
    CHECK_EQ_U64(rec.lines, 0);
    CHECK_EQ_U64(i8042_read_data(&k), 0); /* nothing yet: the last byte, 0 */
    CHECK_EQ_U64(rec.lines, 0);
    CHECK_EQ_U64(I8042_CTR_INIT, 0x65);
    /* the command byte, then the output port (nothing in the buffer) */
    i8042_write_command(&k, 0x20);
    CHECK_EQ_U64(i8042_read_status(&k), 0x1d); /* OBF, SYS, CMD, unlocked */
    CHECK_EQ_U64(i8042_read_data(&k), 0x65);
    CHECK_EQ_U64(i8042_read_status(&k), 0x1c);
    CHECK_EQ_U64(reply(&k, 0xd0), 0xcf);
}

static void test_status_bits(void)
{
    struct i8042 k;
    i8042_init(&k, 0);
    /* bit 3 follows the port last written */
    i8042_write_command(&k, 0xad);
    CHECK_EQ_U64(i8042_read_status(&k), 0x1c);
    i8042_write_command(&k, 0xd2);
    CHECK_EQ_U64(i8042_read_status(&k), 0x1c); /* IBF never set */
    i8042_write_data(&k, 0x42);
    CHECK_EQ_U64(i8042_read_status(&k), 0x15); /* OBF, keyboard byte, data */
    CHECK_EQ_U64(i8042_read_data(&k), 0x42);
    CHECK_EQ_U64(i8042_read_status(&k), 0x14);
    CHECK_EQ_U64(i8042_read_data(&k), 0x42); /* OBF clear: the last byte again */
    CHECK_EQ_U64(i8042_read_status(&k), 0x14);
    /* AUXB with an aux byte, gone with OBF */
    i8042_write_command(&k, 0xd3);
    i8042_write_data(&k, 0x99);
    CHECK_EQ_U64(i8042_read_status(&k), 0x35);
    CHECK_EQ_U64(i8042_read_data(&k), 0x99);
    CHECK_EQ_U64(i8042_read_status(&k), 0x14);
    /* the system flag is the command byte's bit 2 */
    set_ctr(&k, 0x00);
    CHECK_EQ_U64(i8042_read_status(&k), 0x10);
    CHECK_EQ_U64(ctr(&k), 0x00);
    CHECK_EQ_U64(i8042_read_status(&k), 0x18);
    CHECK_EQ_U64(reply(&k, 0xaa), 0x55); /* self-test sets it */
    CHECK_EQ_U64(i8042_read_status(&k), 0x1c);
    CHECK_EQ_U64(ctr(&k), 0x04);
}

static void test_ram(void)
{
    struct i8042 k;
    i8042_init(&k, 0);
    for (unsigned n = 1; n < 32; n++)
        CHECK_EQ_U64(reply(&k, (u8)(0x20 + n)), 0);
    for (unsigned n = 0; n < 32; n++) {
        i8042_write_command(&k, (u8)(0x60 + n));
        CHECK_EQ_U64(i8042_read_status(&k), n ? 0x18 : 0x1c); /* 0xa0: no SYS */
        i8042_write_data(&k, (u8)(0xa0 + n));
        CHECK_EQ_U64(i8042_read_status(&k) & I8042_STR_OBF, 0); /* no reply */
    }
    for (unsigned n = 0; n < 32; n++)
        CHECK_EQ_U64(reply(&k, (u8)(0x20 + n)), 0xa0 + n);
    /* a 0x60 write after the parameter goes to the keyboard again */
    set_ctr(&k, 0x44);
    i8042_write_data(&k, 0x11);
    CHECK_EQ_U64(i8042_read_status(&k), 0x55); /* OBF, SYS, unlocked, timeout */
    CHECK_EQ_U64(i8042_read_data(&k), 0xfe);
    CHECK_EQ_U64(ctr(&k), 0x44);
    /* a command replaces one waiting for its byte */
    i8042_write_command(&k, 0x60);
    i8042_write_command(&k, 0xd2);
    i8042_write_data(&k, 0x33);
    CHECK_EQ_U64(i8042_read_data(&k), 0x33);
    CHECK_EQ_U64(ctr(&k), 0x44);
}

static void test_commands(void)
{
    struct i8042 k;
    i8042_init(&k, 0);
    set_ctr(&k, 0x04);
    i8042_write_command(&k, 0xa8);
    CHECK_EQ_U64(i8042_read_status(&k) & I8042_STR_OBF, 0);
    CHECK_EQ_U64(ctr(&k), 0x04);
    i8042_write_command(&k, 0xa7);
    CHECK_EQ_U64(ctr(&k), 0x24);
    i8042_write_command(&k, 0xa8);
    CHECK_EQ_U64(ctr(&k), 0x04);
    i8042_write_command(&k, 0xad);
    CHECK_EQ_U64(ctr(&k), 0x14);
    i8042_write_command(&k, 0xae);
    CHECK_EQ_U64(ctr(&k), 0x04);
    CHECK_EQ_U64(reply(&k, 0xa9), 0x00);
    CHECK_EQ_U64(reply(&k, 0xab), 0x00);
    CHECK_EQ_U64(reply(&k, 0xaa), 0x55);
    CHECK_EQ_U64(reply(&k, 0xc0), 0x80);
    CHECK_EQ_U64(i8042_read_status(&k) & I8042_STR_TIMEOUT, 0);
    /* commands not modelled give nothing and change nothing */
    static const u8 ignored[] = {0x00, 0x1f, 0x80, 0xa1, 0xa4, 0xa6, 0xc1, 0xc2, 0xe0, 0xd5, 0xef};
    for (unsigned i = 0; i < sizeof(ignored); i++) {
        i8042_write_command(&k, ignored[i]);
        CHECK_EQ_U64(i8042_read_status(&k), i ? 0x5c : 0x1c); /* the timeout of the last */
        i8042_write_data(&k, 0x12);                           /* not a parameter: to the keyboard */
        CHECK_EQ_U64(i8042_read_data(&k), 0xfe);
    }
    CHECK_EQ_U64(ctr(&k), 0x04);
    CHECK_EQ_U64(reply(&k, 0xd0), 0xcf);
    CHECK(k.a20);
    CHECK_EQ_U64(k.resets, 0);
}

static void test_output_port(void)
{
    struct i8042 k;
    i8042_init(&k, 0);
    /* 0xd1: A20 off, reset line not asserted */
    i8042_write_command(&k, 0xd1);
    i8042_write_data(&k, 0xdd);
    CHECK(!k.a20);
    CHECK(!k.reset_requested);
    CHECK_EQ_U64(i8042_read_status(&k) & I8042_STR_OBF, 0);
    CHECK_EQ_U64(reply(&k, 0xd0), 0xcd);
    i8042_write_command(&k, 0xd1);
    i8042_write_data(&k, 0xdf);
    CHECK(k.a20);
    CHECK_EQ_U64(reply(&k, 0xd0), 0xcf);
    /* bits 4 and 5 are the output buffer's, never what was written */
    i8042_write_command(&k, 0xd1);
    i8042_write_data(&k, 0x33);
    CHECK_EQ_U64(reply(&k, 0xd0), 0x03);
    i8042_write_command(&k, 0xd2);
    i8042_write_data(&k, 0x01);
    i8042_write_command(&k, 0xd0); /* the buffer is full with a keyboard byte */
    CHECK_EQ_U64(i8042_read_data(&k), 0x13);
    i8042_write_command(&k, 0xd3);
    i8042_write_data(&k, 0x01);
    i8042_write_command(&k, 0xd0); /* ... with an aux byte */
    CHECK_EQ_U64(i8042_read_data(&k), 0x23);
    /* bit 0 clear: a reset request, and the byte is kept */
    i8042_write_command(&k, 0xd1);
    i8042_write_data(&k, 0x02);
    CHECK(k.reset_requested);
    CHECK_EQ_U64(k.resets, 1);
    CHECK(k.a20);
    CHECK(i8042_take_reset(&k));
    CHECK(!k.reset_requested);
    CHECK(!i8042_take_reset(&k));
    CHECK_EQ_U64(reply(&k, 0xd0), 0x02);
    i8042_write_command(&k, 0xd1);
    i8042_write_data(&k, 0x00); /* again, with A20 off */
    CHECK_EQ_U64(k.resets, 2);
    CHECK(!k.a20);
    /* 0xdd / 0xdf */
    i8042_write_command(&k, 0xd1);
    i8042_write_data(&k, 0xcd);
    CHECK_EQ_U64(k.resets, 2);
    i8042_write_command(&k, 0xdf);
    CHECK(k.a20);
    CHECK_EQ_U64(i8042_read_status(&k) & I8042_STR_OBF, 0);
    CHECK_EQ_U64(reply(&k, 0xd0), 0xcf);
    i8042_write_command(&k, 0xdd);
    CHECK(!k.a20);
    CHECK_EQ_U64(reply(&k, 0xd0), 0xcd);
    i8042_write_command(&k, 0xdd);
    CHECK(!k.a20);
    CHECK_EQ_U64(k.resets, 2);
}

static void test_pulse(void)
{
    struct i8042 k;
    i8042_init(&k, 0);
    for (unsigned c = 0xf0; c <= 0xff; c++) {
        unsigned before = k.resets;
        i8042_write_command(&k, (u8)c);
        CHECK_EQ_U64(k.resets - before, (c & 1) ? 0 : 1);
        CHECK_EQ_U64(i8042_take_reset(&k), !(c & 1));
        CHECK_EQ_U64(i8042_read_status(&k), 0x1c); /* no reply */
    }
    CHECK_EQ_U64(k.resets, 8);
    CHECK(k.a20); /* pulses leave the output port as it was */
    CHECK_EQ_U64(reply(&k, 0xd0), 0xcf);
    /* the classic reset, with a request still untaken: counted twice */
    i8042_write_command(&k, 0xfe);
    i8042_write_command(&k, 0xfe);
    CHECK_EQ_U64(k.resets, 10);
    CHECK(i8042_take_reset(&k));
    CHECK(!i8042_take_reset(&k));
}

static void test_no_devices(void)
{
    struct recorder rec;
    struct i8042 k;
    recorder_init(&rec);
    i8042_init(&k, &rec.sink);
    set_ctr(&k, 0x47); /* both interrupts */
    CHECK_EQ_U64(rec.lines, 0);
    /* a keyboard byte: 0xfe from the keyboard, timeout, IRQ1 */
    i8042_write_data(&k, 0xf2);
    CHECK_EQ_U64(i8042_read_status(&k), 0x55);
    check_event(&rec, 1, 1, VIREO_LINE_HIGH);
    CHECK_EQ_U64(i8042_read_data(&k), 0xfe);
    check_event(&rec, 2, 1, VIREO_LINE_LOW);
    CHECK_EQ_U64(i8042_read_status(&k), 0x54); /* the timeout stays */
    /* an aux byte: 0xfe from the aux port, timeout, IRQ12 */
    i8042_write_command(&k, 0xd4);
    CHECK_EQ_U64(i8042_read_status(&k), 0x5c);
    i8042_write_data(&k, 0xf2);
    CHECK_EQ_U64(i8042_read_status(&k), 0x75);
    check_event(&rec, 3, 12, VIREO_LINE_HIGH);
    CHECK_EQ_U64(i8042_read_data(&k), 0xfe);
    check_event(&rec, 4, 12, VIREO_LINE_LOW);
    CHECK_EQ_U64(i8042_read_status(&k), 0x54);
    /* the next byte in the buffer clears the timeout */
    CHECK_EQ_U64(reply(&k, 0x20), 0x47);
    CHECK_EQ_U64(i8042_read_status(&k), 0x1c);
    check_event(&rec, 6, 1, VIREO_LINE_LOW);
}

static void test_lines(void)
{
    struct recorder rec;
    struct i8042 k;
    recorder_init(&rec);
    i8042_init(&k, &rec.sink);
    /* init: keyboard interrupt on, so a reply raises IRQ1 */
    i8042_write_command(&k, 0xaa);
    check_event(&rec, 1, 1, VIREO_LINE_HIGH);
    i8042_write_command(&k, 0xab); /* a second reply: still high, no event */
    CHECK_EQ_U64(rec.lines, 1);
    CHECK_EQ_U64(i8042_read_data(&k), 0x00);
    check_event(&rec, 2, 1, VIREO_LINE_LOW);
    i8042_read_data(&k);
    CHECK_EQ_U64(rec.lines, 2);
    /* aux interrupt off: an aux byte raises nothing */
    i8042_write_command(&k, 0xd3);
    i8042_write_data(&k, 0x5a);
    CHECK_EQ_U64(rec.lines, 2);
    /* enabling it with the byte unread raises IRQ12 at once */
    i8042_write_command(&k, 0x60);
    CHECK_EQ_U64(rec.lines, 2);
    i8042_write_data(&k, 0x07);
    check_event(&rec, 3, 12, VIREO_LINE_HIGH);
    CHECK_EQ_U64(i8042_read_status(&k), 0x35); /* the aux byte is still there */
    /* a keyboard byte replacing it moves the request to IRQ1 */
    i8042_write_command(&k, 0xd2);
    i8042_write_data(&k, 0x1c);
    CHECK_EQ_U64(rec.lines, 5);
    CHECK_EQ_U64(rec.line[3], 1);
    CHECK_EQ_U64(rec.kind[3], VIREO_LINE_HIGH);
    CHECK_EQ_U64(rec.line[4], 12);
    CHECK_EQ_U64(rec.kind[4], VIREO_LINE_LOW);
    /* disabling IRQ1 with the byte unread lowers it */
    i8042_write_command(&k, 0x60);
    i8042_write_data(&k, 0x06);
    check_event(&rec, 6, 1, VIREO_LINE_LOW);
    CHECK_EQ_U64(i8042_read_data(&k), 0x1c);
    CHECK_EQ_U64(rec.lines, 6);
    /* the command-byte read itself, with IRQ1 enabled by the write */
    set_ctr(&k, 0x01);
    CHECK_EQ_U64(rec.lines, 6);
    i8042_write_command(&k, 0x20);
    check_event(&rec, 7, 1, VIREO_LINE_HIGH);
    CHECK_EQ_U64(i8042_read_data(&k), 0x01);
    check_event(&rec, 8, 1, VIREO_LINE_LOW);
    /* a write of the command byte with OBF clear raises nothing */
    set_ctr(&k, 0x03);
    CHECK_EQ_U64(rec.lines, 8);
    /* unconnected lines are fine */
    i8042_init(&k, 0);
    i8042_write_command(&k, 0xaa);
    CHECK(k.kbd_irq.level);
    CHECK_EQ_U64(i8042_read_data(&k), 0x55);
    CHECK(!k.kbd_irq.level);
}

static void test_port92(void)
{
    struct i8042 k;
    i8042_init(&k, 0);
    /* A20 is the OR of the output port's bit 1 and port 0x92's */
    i8042_write_command(&k, 0xdd);
    CHECK(!k.a20);
    i8042_port92_write(&k, 0x02);
    CHECK(k.a20);
    CHECK(!k.reset_requested);
    CHECK_EQ_U64(i8042_port92_read(&k), 0x02);
    CHECK_EQ_U64(reply(&k, 0xd0), 0xcd); /* the 8042's own gate stays off */
    i8042_write_command(&k, 0xdf);
    i8042_port92_write(&k, 0x00);
    CHECK(k.a20);
    i8042_write_command(&k, 0xdd);
    CHECK(!k.a20);
    /* bit 0: a reset on the rising edge only */
    i8042_port92_write(&k, 0x03);
    CHECK(k.a20);
    CHECK_EQ_U64(k.resets, 1);
    CHECK(i8042_take_reset(&k));
    i8042_port92_write(&k, 0x03); /* still 1: no edge */
    CHECK_EQ_U64(k.resets, 1);
    CHECK(!k.reset_requested);
    i8042_port92_write(&k, 0x01);
    CHECK_EQ_U64(k.resets, 1);
    CHECK(!k.a20);
    i8042_port92_write(&k, 0x00);
    CHECK_EQ_U64(k.resets, 1);
    i8042_port92_write(&k, 0xf1); /* the other bits read back as written */
    CHECK_EQ_U64(k.resets, 2);
    CHECK_EQ_U64(i8042_port92_read(&k), 0xf1);
    CHECK(!k.a20);
    CHECK(i8042_take_reset(&k));
}

static void test_bus(void)
{
    struct recorder rec;
    struct i8042 k;
    struct port_bus bus;
    recorder_init(&rec);
    i8042_init(&k, &rec.sink);
    port_bus_init(&bus);
    const struct port_range r[] = {i8042_data_port_range(&k, I8042_DATA_PORT),
                                   i8042_cmd_port_range(&k, I8042_CMD_PORT),
                                   i8042_port92_range(&k, I8042_PORT92)};
    for (unsigned i = 0; i < 3; i++) {
        CHECK_EQ_U64(r[i].count, 1);
        CHECK_EQ_U64(r[i].sizes, PORT_SIZE_1);
        CHECK(r[i].dev == &k);
        CHECK_EQ_U64(port_bus_add(&bus, &r[i]), 0);
    }
    CHECK_EQ_U64(r[0].base, 0x60);
    CHECK_EQ_U64(r[1].base, 0x64);
    CHECK_EQ_U64(r[2].base, 0x92);
    bool claimed = false;
    CHECK_EQ_U64(port_bus_read(&bus, 0x64, 1, &claimed), 0x14);
    CHECK(claimed);
    port_bus_write(&bus, 0x64, 1, 0x20, &claimed);
    CHECK(claimed);
    CHECK_EQ_U64(port_bus_read(&bus, 0x64, 1, 0), 0x1d);
    check_event(&rec, 1, 1, VIREO_LINE_HIGH);
    CHECK_EQ_U64(port_bus_read(&bus, 0x60, 1, &claimed), 0x65);
    check_event(&rec, 2, 1, VIREO_LINE_LOW);
    /* a word at 0x60 is split: 0x61 is nobody's here */
    port_bus_write(&bus, 0x64, 1, 0xd2, 0);
    port_bus_write(&bus, 0x60, 2, 0xff5a, 0);
    CHECK_EQ_U64(port_bus_read(&bus, 0x60, 2, 0), 0xff5a);
    /* only the low byte of a value counts */
    port_bus_write(&bus, 0x64, 1, 0x1d1, 0);
    port_bus_write(&bus, 0x60, 1, 0x1fd, 0);
    CHECK(!k.a20);
    CHECK(!k.reset_requested);
    port_bus_write(&bus, 0x92, 1, 0x02, &claimed);
    CHECK(claimed);
    CHECK(k.a20);
    CHECK_EQ_U64(port_bus_read(&bus, 0x92, 1, 0), 0x02);
    port_bus_write(&bus, 0x92, 1, 0x03, 0);
    CHECK(i8042_take_reset(&k));
    port_bus_write(&bus, 0x64, 1, 0xfe, 0);
    CHECK(i8042_take_reset(&k));
    CHECK_EQ_U64(k.resets, 2);
}

/* Linux's probe (drivers/input/serio/i8042.c) as a sequence of accesses. */
static void test_linux_probe(void)
{
    struct recorder rec;
    struct i8042 k;
    recorder_init(&rec);
    i8042_init(&k, &rec.sink);
    /* flush: nothing waiting */
    CHECK_EQ_U64(i8042_read_status(&k) & I8042_STR_OBF, 0);
    CHECK_EQ_U64(reply(&k, 0xaa), 0x55);
    /* two equal CTR reads; keyboard disabled and its interrupt off */
    u8 c = ctr(&k);
    CHECK_EQ_U64(ctr(&k), c);
    c = (u8)((c | I8042_CTR_KBDDIS) & ~I8042_CTR_KBDINT);
    set_ctr(&k, c);
    CHECK_EQ_U64(c, 0x74);
    /* mux test: the third loopback byte comes back unchanged, so no mux */
    static const u8 loop[] = {0xf0, 0x56, 0xa4, 0x5a};
    for (unsigned i = 0; i < sizeof(loop); i++) {
        i8042_write_command(&k, 0xd3);
        i8042_write_data(&k, loop[i]);
        CHECK_EQ_U64(i8042_read_status(&k) & (I8042_STR_OBF | I8042_STR_AUXB),
                     I8042_STR_OBF | I8042_STR_AUXB);
        CHECK_EQ_U64(i8042_read_data(&k), loop[i]);
    }
    /* toggling the aux port shows in the CTR */
    i8042_write_command(&k, 0xa7);
    CHECK(ctr(&k) & I8042_CTR_AUXDIS);
    i8042_write_command(&k, 0xa8);
    CHECK(!(ctr(&k) & I8042_CTR_AUXDIS));
    /* the aux IRQ test: enable the aux interrupt, loop 0xa5 */
    unsigned before = rec.lines;
    set_ctr(&k, (u8)((c & ~I8042_CTR_AUXDIS) | I8042_CTR_AUXINT));
    i8042_write_command(&k, 0xd3);
    i8042_write_data(&k, 0xa5);
    check_event(&rec, before + 1, 12, VIREO_LINE_HIGH);
    CHECK_EQ_U64(i8042_read_status(&k) & 0x21, 0x21);
    CHECK_EQ_U64(i8042_read_data(&k), 0xa5);
    check_event(&rec, before + 2, 12, VIREO_LINE_LOW);
    /* the keyboard port's GETID and the mouse's: 0xfe at once */
    set_ctr(&k, 0x47);
    i8042_write_data(&k, 0xf2);
    CHECK_EQ_U64(i8042_read_status(&k), 0x55);
    CHECK_EQ_U64(i8042_read_data(&k), 0xfe);
    i8042_write_command(&k, 0xd4);
    i8042_write_data(&k, 0xf2);
    CHECK_EQ_U64(i8042_read_status(&k), 0x75);
    CHECK_EQ_U64(i8042_read_data(&k), 0xfe);
    CHECK_EQ_U64(k.resets, 0);
}

int main(void)
{
    test_init();
    test_status_bits();
    test_ram();
    test_commands();
    test_output_port();
    test_pulse();
    test_no_devices();
    test_lines();
    test_port92();
    test_bus();
    test_linux_probe();
    return check_report("devices_i8042");
}
