/* Host tests of QEMU's pc-testdev (servers/devices/pc_testdev.c), driven
 * through the port and MMIO buses as a guest's accesses reach it, and
 * through the protocol handling for what its replies carry. */
#include "check.h"
#include "dispatch.h"
#include "pc_testdev.h"
#include "recorder.h"

static struct pc_testdev t;
static struct port_bus ports;
static struct mmio_bus mmio;
static struct recorder rec;
static u64 flushed[8];
static unsigned flushes;

static void rec_flush(void *ctx, u64 gpa)
{
    (void)ctx;
    if (flushes < 8)
        flushed[flushes] = gpa;
    flushes++;
}

/* The device alone on both buses, reporting to the recorder. */
static void setup(void)
{
    recorder_init(&rec);
    rec.sink.flush_page = rec_flush;
    flushes = 0;
    port_bus_init(&ports);
    mmio_bus_init(&mmio);
    pc_testdev_init(&t, &rec.sink);
    struct port_range r[PC_TESTDEV_PORT_RANGES];
    pc_testdev_port_ranges(&t, r);
    for (unsigned i = 0; i < PC_TESTDEV_PORT_RANGES; i++)
        CHECK_EQ_U64(port_bus_add(&ports, &r[i]), 0);
    struct mmio_range w = pc_testdev_mmio_range(&t);
    CHECK_EQ_U64(mmio_bus_add(&mmio, &w), MMIO_BUS_ADDED);
}

static u32 in(u16 port, unsigned size)
{
    bool claimed = false;
    u32 v = port_bus_read(&ports, port, size, &claimed);
    CHECK(claimed);
    return v;
}

static void out(u16 port, unsigned size, u32 value)
{
    port_bus_write(&ports, port, size, value, 0);
}

static void test_scratch(void)
{
    setup();
    CHECK_EQ_U64(in(0xe0, 4), 0); /* reset */
    out(0xe0, 4, 0x44332211);
    static const struct {
        u16 port;
        unsigned size;
        u32 want;
    } reads[] = {
        {0xe0, 1, 0x11},   {0xe1, 1, 0x22},       {0xe2, 1, 0x33},   {0xe3, 1, 0x44},
        {0xe0, 2, 0x2211}, {0xe1, 2, 0x3322},     {0xe2, 2, 0x4433}, {0xe0, 4, 0x44332211},
        {0xe8, 1, 0x11},   {0xeb, 1, 0x44},       {0xe9, 2, 0x3322}, {0xe8, 4, 0x44332211},
        {0xe3, 2, 0x0044},                        /* the flush port's byte reads 0 */
        {0xe2, 4, 0x4433}, {0xea, 4, 0xffff4433}, /* nothing at 0xec */
    };
    for (unsigned i = 0; i < sizeof(reads) / sizeof(reads[0]); i++)
        CHECK_EQ_U64(in(reads[i].port, reads[i].size), reads[i].want);

    /* each size at each offset replaces just its bytes */
    out(0xe1, 1, 0xaa);
    CHECK_EQ_U64(in(0xe0, 4), 0x4433aa11);
    out(0xe2, 2, 0xccbb);
    CHECK_EQ_U64(in(0xe0, 4), 0xccbbaa11);
    out(0xe3, 1, 0x1ff); /* the bus cuts to the size */
    CHECK_EQ_U64(in(0xe0, 4), 0xffbbaa11);
    out(0xe0, 2, 0x5566);
    CHECK_EQ_U64(in(0xe0, 4), 0xffbb5566);
    /* the byte-wide alias writes the same register */
    out(0xe8, 4, 0x0d0c0b0a);
    CHECK_EQ_U64(in(0xe0, 4), 0x0d0c0b0a);
    out(0xea, 1, 0xee);
    CHECK_EQ_U64(in(0xe0, 4), 0x0dee0b0a);
    /* a dword at 0xe2 writes bytes 2 and 3; its upper half is a 16-bit
     * write to the flush port, which takes none */
    out(0xe2, 4, 0x87654321);
    CHECK_EQ_U64(in(0xe0, 4), 0x43210b0a);
    CHECK_EQ_U64(flushes, 0);
    /* a dword at 0xe7: its first byte is the flush port's (dropped), the
     * other three land in the alias at 0xe8..0xea */
    out(0xe7, 4, 0x00a5b6c7);
    CHECK_EQ_U64(in(0xe0, 4), 0x4300a5b6);
    CHECK_EQ_U64(rec.lines, 0);
}

static void test_flush_page(void)
{
    setup();
    out(0xe4, 4, 0x12345678);
    CHECK_EQ_U64(flushes, 1);
    CHECK_EQ_U64(flushed[0], 0x12345000);
    out(0xe4, 4, 0xfff);
    CHECK_EQ_U64(flushes, 2);
    CHECK_EQ_U64(flushed[1], 0);
    /* QEMU takes aligned 32-bit writes only */
    out(0xe4, 1, 0x1000);
    out(0xe4, 2, 0x1000);
    out(0xe6, 2, 0x1000);
    out(0xe5, 1, 0x1000);
    CHECK_EQ_U64(flushes, 2);
    CHECK_EQ_U64(t.flushes, 2);
    static const struct {
        u16 port;
        unsigned size;
    } reads[] = {{0xe4, 4}, {0xe4, 2}, {0xe4, 1}, {0xe5, 1}, {0xe6, 2}, {0xe7, 1}};
    for (unsigned i = 0; i < sizeof(reads) / sizeof(reads[0]); i++)
        CHECK_EQ_U64(in(reads[i].port, reads[i].size), 0);
    CHECK_EQ_U64(t.scratch, 0); /* its neighbours saw nothing */

    /* with no sink the write is still taken */
    pc_testdev_init(&t, 0);
    pc_testdev_flush_write(&t, 0, 4, 0x2000);
    CHECK_EQ_U64(t.flushes, 1);
    CHECK_EQ_U64(flushes, 2);
}

static void test_irq_lines(void)
{
    setup();
    out(0x2005, 1, 1);
    CHECK_EQ_U64(rec.lines, 1);
    CHECK(rec.line[0] == 5 && rec.kind[0] == VIREO_LINE_HIGH);
    out(0x2005, 1, 0x80); /* any non-zero byte is high: no change */
    CHECK_EQ_U64(rec.lines, 1);
    CHECK_EQ_U64(in(0x2005, 1), 0); /* reads never show the level */
    out(0x2005, 1, 0);
    CHECK_EQ_U64(rec.lines, 2);
    CHECK(rec.line[1] == 5 && rec.kind[1] == VIREO_LINE_LOW);
    out(0x2005, 1, 0x100); /* only the byte counts */
    CHECK_EQ_U64(rec.lines, 2);

    /* a wider write is a byte per line, in order */
    out(0x2000, 2, 0x0100);
    CHECK_EQ_U64(rec.lines, 3);
    CHECK(rec.line[2] == 1 && rec.kind[2] == VIREO_LINE_HIGH);
    out(0x2014, 4, 0x01000203);
    CHECK_EQ_U64(rec.lines, 6);
    CHECK(rec.line[3] == 20 && rec.line[4] == 21 && rec.line[5] == 23);
    CHECK(rec.kind[3] == VIREO_LINE_HIGH && rec.kind[5] == VIREO_LINE_HIGH);
    /* every line, up and down */
    for (u16 n = 0; n < PC_TESTDEV_IRQ_LINES; n++)
        out((u16)(0x2000 + n), 1, 0);
    CHECK_EQ_U64(rec.lines, 10); /* 1, 20, 21, 23 fell */
    unsigned before = rec.lines;
    for (u16 n = 0; n < PC_TESTDEV_IRQ_LINES; n++) {
        out((u16)(0x2000 + n), 1, 1);
        out((u16)(0x2000 + n), 1, 0);
    }
    CHECK_EQ_U64(rec.lines, before + 2 * PC_TESTDEV_IRQ_LINES);
    bool all = true;
    for (unsigned i = 0; i < 2 * PC_TESTDEV_IRQ_LINES && before + i < 64; i++)
        all &= rec.line[before + i] == i / 2 &&
               rec.kind[before + i] == (i % 2 ? VIREO_LINE_LOW : VIREO_LINE_HIGH);
    CHECK(all);

    CHECK_EQ_U64(in(0x2000, 4), 0);
    CHECK_EQ_U64(in(0x2016, 2), 0);
    CHECK_EQ_U64(in(0x2017, 2), 0xff00); /* nothing at 0x2018 */
    CHECK(!port_bus_find(&ports, 0x2018) && !port_bus_find(&ports, 0x1fff));
}

static u64 mem_read(u64 addr, unsigned size)
{
    bool claimed = false;
    u64 v = mmio_bus_read(&mmio, addr, size, &claimed);
    CHECK(claimed);
    return v;
}

static void mem_write(u64 addr, unsigned size, u64 value)
{
    mmio_bus_write(&mmio, addr, size, value, 0);
}

static void test_memory(void)
{
    setup();
    const u64 base = PC_TESTDEV_MMIO_BASE, end = base + PC_TESTDEV_MMIO_SIZE;
    CHECK_EQ_U64(mem_read(base, 8), 0);
    CHECK_EQ_U64(mem_read(end - 8, 8), 0);

    /* every size at every offset within 16 bytes, read back at every size */
    static const unsigned sizes[] = {1, 2, 4, 8};
    bool ok = true;
    for (unsigned s = 0; s < 4; s++) {
        for (u64 off = 0; off < 16; off++) {
            u64 v = 0x0123456789abcdefull ^ (off * 0x1111111111111111ull) ^ sizes[s];
            u64 mask = sizes[s] == 8 ? ~0ull : (1ull << (8 * sizes[s])) - 1;
            mem_write(base + 0x100 + off, sizes[s], v);
            for (unsigned r = 0; r <= s; r++)
                ok &= mem_read(base + 0x100 + off, sizes[r]) ==
                      (v & mask & (sizes[r] == 8 ? ~0ull : (1ull << (8 * sizes[r])) - 1));
        }
    }
    CHECK(ok);

    /* little-endian bytes, whatever size wrote them */
    mem_write(base + 0x200, 8, 0x8877665544332211ull);
    CHECK_EQ_U64(mem_read(base + 0x200, 1), 0x11);
    CHECK_EQ_U64(mem_read(base + 0x207, 1), 0x88);
    CHECK_EQ_U64(mem_read(base + 0x203, 2), 0x5544);
    CHECK_EQ_U64(mem_read(base + 0x201, 4), 0x55443322);
    CHECK_EQ_U64(mem_read(base + 0x204, 4), 0x88776655);
    mem_write(base + 0x203, 2, 0xbbaa);
    CHECK_EQ_U64(mem_read(base + 0x200, 8), 0x887766bbaa332211ull);
    CHECK_EQ_U64(mem_read(base + 0x1ff, 1), 0);
    CHECK_EQ_U64(mem_read(base + 0x208, 1), 0);

    /* the last bytes at every size, unaligned too */
    mem_write(end - 1, 1, 0xf1);
    CHECK_EQ_U64(mem_read(end - 1, 1), 0xf1);
    mem_write(end - 2, 2, 0xf3f2);
    CHECK_EQ_U64(mem_read(end - 2, 2), 0xf3f2);
    mem_write(end - 4, 4, 0xf7f6f5f4);
    CHECK_EQ_U64(mem_read(end - 4, 4), 0xf7f6f5f4);
    mem_write(end - 8, 8, 0xfffefdfcfbfaf9f8ull);
    CHECK_EQ_U64(mem_read(end - 8, 8), 0xfffefdfcfbfaf9f8ull);
    mem_write(end - 5, 4, 0x04030201);
    CHECK_EQ_U64(mem_read(end - 8, 8), 0xff04030201faf9f8ull);
    CHECK_EQ_U64(t.mem[PC_TESTDEV_MMIO_SIZE - 1], 0xff);

    /* past the end: the outside bytes are open bus, only the inside ones
     * are stored */
    CHECK_EQ_U64(mem_read(end - 2, 4), 0xffffff04);
    mem_write(end - 1, 2, 0x55aa);
    CHECK_EQ_U64(mem_read(end - 1, 1), 0xaa);
    CHECK_EQ_U64(mem_read(end - 4, 8), 0xffffffffaa040302ull);
    CHECK_EQ_U64(mem_read(base - 4, 8), 0x00000000ffffffffull);
    bool claimed = true;
    CHECK_EQ_U64(mmio_bus_read(&mmio, end, 8, &claimed), ~0ull);
    CHECK(!claimed);
    CHECK_EQ_U64(rec.lines, 0);
    CHECK_EQ_U64(flushes, 0);
}

/* What a VMM sees: MMIO routed by the protocol handling, the flush word and
 * line updates in the reply of the access that made them. */
static void test_replies(void)
{
    static struct dev_dispatch d;
    setup();
    dev_dispatch_init(&d, &ports, &mmio);
    pc_testdev_init(&t, &d.sink);
    u64 reply[VIREO_DEV_REP_MAX_WORDS];
    u64 msg[VIREO_DEV_REQ_WORDS] = {vireo_devhdr(VIREO_DEV_OP_MMIO_WRITE, 8),
                                    PC_TESTDEV_MMIO_BASE + 0x10, 0x1122334455667788ull};
    CHECK_EQ_U64(dev_dispatch_handle(&d, msg, VIREO_DEV_REQ_WORDS, reply), VIREO_DEV_REP_LINES);
    CHECK_EQ_U64(reply[VIREO_DEV_REP_STATUS], VIREO_DEV_OK);
    CHECK_EQ_U64(reply[VIREO_DEV_REP_FLUSH], 0);
    msg[0] = vireo_devhdr(VIREO_DEV_OP_MMIO_READ, 4);
    msg[1] = PC_TESTDEV_MMIO_BASE + 0x12;
    dev_dispatch_handle(&d, msg, VIREO_DEV_REQ_WORDS, reply);
    CHECK_EQ_U64(reply[VIREO_DEV_REP_STATUS], VIREO_DEV_OK);
    CHECK_EQ_U64(reply[VIREO_DEV_REP_VALUE], 0x33445566);
    msg[1] = PC_TESTDEV_MMIO_BASE + PC_TESTDEV_MMIO_SIZE;
    dev_dispatch_handle(&d, msg, VIREO_DEV_REQ_WORDS, reply);
    CHECK_EQ_U64(reply[VIREO_DEV_REP_STATUS], VIREO_DEV_NO_DEVICE);
    CHECK_EQ_U64(reply[VIREO_DEV_REP_VALUE], 0xffffffff);

    /* the flush word rides in the reply of the write, and only in it */
    msg[0] = vireo_devhdr(VIREO_DEV_OP_IO_WRITE, 4);
    msg[1] = PC_TESTDEV_FLUSH_PORT;
    msg[2] = 0x00345abc;
    dev_dispatch_handle(&d, msg, VIREO_DEV_REQ_WORDS, reply);
    CHECK_EQ_U64(reply[VIREO_DEV_REP_STATUS], VIREO_DEV_OK);
    CHECK_EQ_U64(reply[VIREO_DEV_REP_FLUSH], vireo_devflush(0x345000));
    CHECK(VIREO_GET(VIREO_DEVFLUSH, VALID, reply[VIREO_DEV_REP_FLUSH]));
    CHECK_EQ_U64(vireo_devflush_gpa(reply[VIREO_DEV_REP_FLUSH]), 0x345000);
    msg[0] = vireo_devhdr(VIREO_DEV_OP_IO_READ, 4);
    dev_dispatch_handle(&d, msg, VIREO_DEV_REQ_WORDS, reply);
    CHECK_EQ_U64(reply[VIREO_DEV_REP_FLUSH], 0);
    CHECK_EQ_U64(reply[VIREO_DEV_REP_VALUE], 0);
    msg[0] = vireo_devhdr(VIREO_DEV_OP_IO_WRITE, 4);
    msg[2] = 0; /* page 0 is a page too */
    dev_dispatch_handle(&d, msg, VIREO_DEV_REQ_WORDS, reply);
    CHECK_EQ_U64(reply[VIREO_DEV_REP_FLUSH], 1);
    CHECK_EQ_U64(d.flushes_merged, 0);

    /* IRQ writes: the line updates of one OUT ride in its reply */
    msg[1] = PC_TESTDEV_IRQ_PORT + 9;
    msg[2] = 0x00000101; /* lines 9, 10 high; 11, 12 stay low */
    CHECK_EQ_U64(dev_dispatch_handle(&d, msg, VIREO_DEV_REQ_WORDS, reply), VIREO_DEV_REP_LINES + 2);
    CHECK_EQ_U64(reply[VIREO_DEV_REP_NLINES], 2);
    CHECK_EQ_U64(reply[VIREO_DEV_REP_LINES], vireo_devline(9, VIREO_LINE_HIGH));
    CHECK_EQ_U64(reply[VIREO_DEV_REP_LINES + 1], vireo_devline(10, VIREO_LINE_HIGH));
    msg[0] = vireo_devhdr(VIREO_DEV_OP_IO_WRITE, 1);
    msg[1] = PC_TESTDEV_IRQ_PORT + 9;
    msg[2] = 0;
    dev_dispatch_handle(&d, msg, VIREO_DEV_REQ_WORDS, reply);
    CHECK_EQ_U64(reply[VIREO_DEV_REP_NLINES], 1);
    CHECK_EQ_U64(reply[VIREO_DEV_REP_LINES], vireo_devline(9, VIREO_LINE_LOW));
    /* all 24 lines fit one reply */
    for (u16 n = 0; n < PC_TESTDEV_IRQ_LINES; n++)
        dev_line_set(&t.irq[n], !t.irq[n].level);
    msg[0] = vireo_devhdr(VIREO_DEV_OP_IO_READ, 1);
    CHECK_EQ_U64(dev_dispatch_handle(&d, msg, VIREO_DEV_REQ_WORDS, reply), VIREO_DEV_REP_MAX_WORDS);
    CHECK_EQ_U64(d.lines_dropped, 0);
}

int main(void)
{
    test_scratch();
    test_flush_page();
    test_irq_lines();
    test_memory();
    test_replies();
    return check_report("devices_pc_testdev");
}
