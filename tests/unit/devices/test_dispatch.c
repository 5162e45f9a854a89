/* Host tests of the device protocol handling (servers/devices/dispatch.c):
 * requests as a VMM sends them, replies as it reads them. */
#include "check.h"
#include "debug_exit.h"
#include "dispatch.h"
#include "fw_cfg.h"
#include "uart16550.h"

static struct port_bus bus;
static struct dev_dispatch d;
static struct uart16550 uart;
static struct debug_exit dbg;
static struct fw_cfg fc;
static u64 reply[VIREO_DEV_REP_MAX_WORDS];
static u8 out[64];
static unsigned outn;

static void tx(void *ctx, u8 b)
{
    (void)ctx;
    if (outn < sizeof(out))
        out[outn++] = b;
}

static void setup(void)
{
    port_bus_init(&bus);
    dev_dispatch_init(&d, &bus, 0);
    uart_init(&uart, tx, 0, &d.sink, 4);
    debug_exit_init(&dbg, &d.sink);
    fw_cfg_init(&fc, 1, 64ull << 20);
    struct port_range r = uart_port_range(&uart, 0x3f8);
    CHECK_EQ_U64(port_bus_add(&bus, &r), 0);
    r = debug_exit_port_range(&dbg, DEBUG_EXIT_PORT, DEBUG_EXIT_PORTS);
    CHECK_EQ_U64(port_bus_add(&bus, &r), 0);
    r = fw_cfg_port_range(&fc, FW_CFG_PORT_SEL);
    CHECK_EQ_U64(port_bus_add(&bus, &r), 0);
    outn = 0;
}

static u64 call(u32 op, u32 size, u64 addr, u64 value)
{
    u64 msg[VIREO_DEV_REQ_WORDS] = {vireo_devhdr(op, size), addr, value};
    return dev_dispatch_handle(&d, msg, VIREO_DEV_REQ_WORDS, reply);
}

static void test_io(void)
{
    setup();
    CHECK_EQ_U64(call(VIREO_DEV_OP_IO_READ, 1, 0x3fd, 0), VIREO_DEV_REP_LINES);
    CHECK_EQ_U64(reply[VIREO_DEV_REP_STATUS], VIREO_DEV_OK);
    CHECK_EQ_U64(reply[VIREO_DEV_REP_VALUE], 0x60);
    CHECK_EQ_U64(reply[VIREO_DEV_REP_NLINES], 0);
    call(VIREO_DEV_OP_IO_WRITE, 1, 0x3fb, 0x03);
    call(VIREO_DEV_OP_IO_WRITE, 1, 0x3f8, 'h');
    call(VIREO_DEV_OP_IO_WRITE, 1, 0x3f8, 'i' | 0xff00); /* junk above the size */
    CHECK_EQ_U64(outn, 2);
    CHECK(out[0] == 'h' && out[1] == 'i');
    /* fw_cfg signature as a guest reads it */
    call(VIREO_DEV_OP_IO_WRITE, 2, 0x510, FW_CFG_SIGNATURE);
    CHECK_EQ_U64(reply[VIREO_DEV_REP_STATUS], VIREO_DEV_OK);
    call(VIREO_DEV_OP_IO_READ, 1, 0x511, 0);
    CHECK_EQ_U64(reply[VIREO_DEV_REP_VALUE], 'Q');
    /* nobody there */
    CHECK_EQ_U64(call(VIREO_DEV_OP_IO_READ, 2, 0x80, 0), VIREO_DEV_REP_LINES);
    CHECK_EQ_U64(reply[VIREO_DEV_REP_STATUS], VIREO_DEV_NO_DEVICE);
    CHECK_EQ_U64(reply[VIREO_DEV_REP_VALUE], 0xffff);
    call(VIREO_DEV_OP_IO_WRITE, 1, 0x80, 0);
    CHECK_EQ_U64(reply[VIREO_DEV_REP_STATUS], VIREO_DEV_NO_DEVICE);
}

static void test_bad_requests(void)
{
    setup();
    u64 msg[3] = {vireo_devhdr(VIREO_DEV_OP_IO_READ, 1), 0x3f8, 0};
    CHECK_EQ_U64(dev_dispatch_handle(&d, msg, 2, reply), VIREO_DEV_REP_LINES);
    CHECK_EQ_U64(reply[VIREO_DEV_REP_STATUS], VIREO_DEV_BAD_REQUEST);
    static const struct {
        u64 hdr, addr;
    } bad[] = {
        {0, 0x3f8},                                               /* no op */
        {9, 0x3f8},                                               /* unknown op */
        {VIREO_DEV_OP_POLL | (1u << 8), 0},                       /* a poll has no size */
        {VIREO_DEV_OP_IO_READ | (3u << 8), 0x3f8},                /* size 3 */
        {VIREO_DEV_OP_IO_READ | (8u << 8), 0x3f8},                /* 8 bytes of I/O */
        {VIREO_DEV_OP_IO_READ | (0u << 8), 0x3f8},                /* size 0 */
        {VIREO_DEV_OP_IO_READ | (1u << 8), 0x10000},              /* port too big */
        {VIREO_DEV_OP_IO_READ | (1u << 8) | (1ull << 20), 0x3f8}, /* reserved bits */
        {VIREO_DEV_OP_MMIO_READ | (5u << 8), 0xfee00000},         /* size 5 */
    };
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        msg[0] = bad[i].hdr;
        msg[1] = bad[i].addr;
        dev_dispatch_handle(&d, msg, 3, reply);
        CHECK_EQ_U64(reply[VIREO_DEV_REP_STATUS], VIREO_DEV_BAD_REQUEST);
        CHECK_EQ_U64(reply[VIREO_DEV_REP_VALUE], 0);
    }
    CHECK_EQ_U64(outn, 0);
}

static void test_mmio(void)
{
    setup();
    call(VIREO_DEV_OP_MMIO_READ, 8, 0xfed00000, 0);
    CHECK_EQ_U64(reply[VIREO_DEV_REP_STATUS], VIREO_DEV_NO_DEVICE);
    CHECK_EQ_U64(reply[VIREO_DEV_REP_VALUE], ~0ull);
    call(VIREO_DEV_OP_MMIO_READ, 2, 0xfed00000, 0);
    CHECK_EQ_U64(reply[VIREO_DEV_REP_VALUE], 0xffff);
    call(VIREO_DEV_OP_MMIO_WRITE, 4, 0xfed00000, 1);
    CHECK_EQ_U64(reply[VIREO_DEV_REP_STATUS], VIREO_DEV_NO_DEVICE);
}

static void test_lines_in_reply(void)
{
    setup();
    call(VIREO_DEV_OP_IO_WRITE, 1, 0x3fc, UART_MCR_OUT2);
    CHECK_EQ_U64(call(VIREO_DEV_OP_IO_WRITE, 1, 0x3f9, UART_IER_THRE), VIREO_DEV_REP_LINES + 1);
    CHECK_EQ_U64(reply[VIREO_DEV_REP_NLINES], 1);
    CHECK_EQ_U64(reply[VIREO_DEV_REP_LINES], vireo_devline(4, VIREO_LINE_HIGH));
    /* the IIR read acknowledges: the line drops in that reply */
    call(VIREO_DEV_OP_IO_READ, 1, 0x3fa, 0);
    CHECK_EQ_U64(reply[VIREO_DEV_REP_VALUE], UART_IIR_THRE);
    CHECK_EQ_U64(reply[VIREO_DEV_REP_NLINES], 1);
    CHECK_EQ_U64(reply[VIREO_DEV_REP_LINES], vireo_devline(4, VIREO_LINE_LOW));
    /* a 16-bit write (THR, IER=0): up and down again in one access, both
     * kept (an edge-triggered input latched the rise) */
    call(VIREO_DEV_OP_IO_WRITE, 2, 0x3f8, 0x0041);
    CHECK_EQ_U64(reply[VIREO_DEV_REP_NLINES], 2);
    CHECK_EQ_U64(reply[VIREO_DEV_REP_LINES], vireo_devline(4, VIREO_LINE_HIGH));
    CHECK_EQ_U64(reply[VIREO_DEV_REP_LINES + 1], vireo_devline(4, VIREO_LINE_LOW));
    /* nothing left for a poll */
    CHECK_EQ_U64(call(VIREO_DEV_OP_POLL, 0, 0, 0), VIREO_DEV_REP_LINES);
    CHECK_EQ_U64(reply[VIREO_DEV_REP_STATUS], VIREO_DEV_OK);
    CHECK_EQ_U64(reply[VIREO_DEV_REP_NLINES], 0);
}

static void test_async_lines(void)
{
    setup();
    call(VIREO_DEV_OP_IO_WRITE, 1, 0x3fb, 0x03);
    call(VIREO_DEV_OP_IO_WRITE, 1, 0x3fc, UART_MCR_OUT2);
    call(VIREO_DEV_OP_IO_WRITE, 1, 0x3f9, UART_IER_RDA);
    uart_receive(&uart, 'k');
    /* input between requests: the next poll carries its line */
    CHECK_EQ_U64(call(VIREO_DEV_OP_POLL, 0, 0, 0), VIREO_DEV_REP_LINES + 1);
    CHECK_EQ_U64(reply[VIREO_DEV_REP_STATUS], VIREO_DEV_OK);
    CHECK_EQ_U64(reply[VIREO_DEV_REP_VALUE], 0);
    CHECK_EQ_U64(reply[VIREO_DEV_REP_NEXT], VIREO_DEV_NO_EVENT);
    CHECK_EQ_U64(reply[VIREO_DEV_REP_NLINES], 1);
    CHECK_EQ_U64(reply[VIREO_DEV_REP_LINES], vireo_devline(4, VIREO_LINE_HIGH));
    CHECK_EQ_U64(call(VIREO_DEV_OP_POLL, 0, 0, 0), VIREO_DEV_REP_LINES);
    /* the glue's next event rides in every reply */
    d.next_event = 12345;
    call(VIREO_DEV_OP_POLL, 0, 0, 0);
    CHECK_EQ_U64(reply[VIREO_DEV_REP_NEXT], 12345);
    d.next_event = VIREO_DEV_NO_EVENT;
    call(VIREO_DEV_OP_IO_READ, 1, 0x3f8, 0);
    CHECK_EQ_U64(reply[VIREO_DEV_REP_VALUE], 'k');
    CHECK_EQ_U64(reply[VIREO_DEV_REP_LINES], vireo_devline(4, VIREO_LINE_LOW));
}

static void test_coalescing(void)
{
    setup();
    /* every change is kept in order, nothing merged: a fall and a rise
     * of one line (a PIT period) is an edge */
    d.sink.line(d.sink.ctx, 1, VIREO_LINE_HIGH);
    d.sink.line(d.sink.ctx, 2, VIREO_LINE_HIGH);
    d.sink.line(d.sink.ctx, 1, VIREO_LINE_LOW);
    d.sink.line(d.sink.ctx, 1, VIREO_LINE_HIGH);
    d.sink.line(d.sink.ctx, 3, VIREO_LINE_PULSE);
    d.sink.line(d.sink.ctx, 3, VIREO_LINE_PULSE);
    CHECK_EQ_U64(call(VIREO_DEV_OP_POLL, 0, 0, 0), VIREO_DEV_REP_LINES + 6);
    CHECK_EQ_U64(reply[VIREO_DEV_REP_LINES + 0], vireo_devline(1, VIREO_LINE_HIGH));
    CHECK_EQ_U64(reply[VIREO_DEV_REP_LINES + 1], vireo_devline(2, VIREO_LINE_HIGH));
    CHECK_EQ_U64(reply[VIREO_DEV_REP_LINES + 2], vireo_devline(1, VIREO_LINE_LOW));
    CHECK_EQ_U64(reply[VIREO_DEV_REP_LINES + 3], vireo_devline(1, VIREO_LINE_HIGH));
    CHECK_EQ_U64(reply[VIREO_DEV_REP_LINES + 4], vireo_devline(3, VIREO_LINE_PULSE));
    CHECK_EQ_U64(reply[VIREO_DEV_REP_LINES + 5], vireo_devline(3, VIREO_LINE_PULSE));
    /* more distinct lines than a message holds: the excess is counted */
    for (u16 l = 0; l < VIREO_DEV_MAX_LINES + 3; l++)
        d.sink.line(d.sink.ctx, l, VIREO_LINE_HIGH);
    CHECK_EQ_U64(d.lines_dropped, 3);
    CHECK_EQ_U64(call(VIREO_DEV_OP_POLL, 0, 0, 0), VIREO_DEV_REP_MAX_WORDS);
    CHECK(VIREO_DEV_REP_MAX_WORDS <= VIREO_MSG_WORDS);
}

static void test_stop(void)
{
    setup();
    CHECK_EQ_U64(call(VIREO_DEV_OP_IO_WRITE, 4, DEBUG_EXIT_PORT, 0x10), VIREO_DEV_REP_LINES);
    CHECK_EQ_U64(reply[VIREO_DEV_REP_STATUS], VIREO_DEV_STOP);
    CHECK_EQ_U64(reply[VIREO_DEV_REP_STOP], 0x21);
    /* the VM is ending: every later reply says so */
    call(VIREO_DEV_OP_IO_READ, 1, 0x3fd, 0);
    CHECK_EQ_U64(reply[VIREO_DEV_REP_STATUS], VIREO_DEV_STOP);
    CHECK_EQ_U64(reply[VIREO_DEV_REP_VALUE], 0x60);
    CHECK_EQ_U64(reply[VIREO_DEV_REP_STOP], 0x21);
    /* bad requests still say BAD_REQUEST */
    call(9, 1, 0, 0);
    CHECK_EQ_U64(reply[VIREO_DEV_REP_STATUS], VIREO_DEV_BAD_REQUEST);
}

static void test_formats(void)
{
    CHECK_EQ_U64(vireo_devhdr(VIREO_DEV_OP_IO_WRITE, 4), 0x402);
    CHECK_EQ_U64(vireo_devline(9, VIREO_LINE_HIGH), 0x10009);
    CHECK_EQ_U64(vireo_dev_ones(1), 0xff);
    CHECK_EQ_U64(vireo_dev_ones(4), 0xffffffff);
    CHECK_EQ_U64(vireo_dev_ones(8), ~0ull);
    CHECK_EQ_U64(VIREO_DEV_REP_MAX_WORDS, 30);
}

int main(void)
{
    test_io();
    test_bad_requests();
    test_mmio();
    test_lines_in_reply();
    test_async_lines();
    test_coalescing();
    test_stop();
    test_formats();
    return check_report("devices_dispatch");
}
