/* Host tests of the device server's port map (servers/devices/board.c):
 * each device answers at its port, with fw_cfg and the CMOS describing the
 * machine, on a clock the test moves by hand. */
#include "board.h"
#include "check.h"

#include <string.h>

static struct board b;
static u8 out[16];
static unsigned outn;
static u64 now_ns;

static u64 clock_ns(void *ctx)
{
    (void)ctx;
    return now_ns;
}

static void tx(void *ctx, u8 byte)
{
    (void)ctx;
    if (outn < sizeof(out))
        out[outn++] = byte;
}

static u64 io(u32 op, u32 size, u64 port, u64 value, u64 *reply)
{
    u64 msg[VIREO_DEV_REQ_WORDS] = {vireo_devhdr(op, size), port, value};
    dev_dispatch_handle(&b.dispatch, msg, VIREO_DEV_REQ_WORDS, reply);
    return reply[VIREO_DEV_REP_VALUE];
}

static void test_port_map(void)
{
    u64 r[VIREO_DEV_REP_MAX_WORDS];
    CHECK_EQ_U64(board_init(&b, 4, 512ull << 20, 1735689600, 0, clock_ns, 0, tx, 0), 0);
    CHECK(port_bus_find(&b.bus, 0x3f8) && port_bus_find(&b.bus, 0x3ff));
    CHECK(!port_bus_find(&b.bus, 0x3f7) && !port_bus_find(&b.bus, 0x400));
    CHECK(port_bus_find(&b.bus, 0xf4) && port_bus_find(&b.bus, 0xf7) &&
          !port_bus_find(&b.bus, 0xf8));
    CHECK(port_bus_find(&b.bus, 0x510) && port_bus_find(&b.bus, 0x511) &&
          !port_bus_find(&b.bus, 0x512));
    CHECK(port_bus_find(&b.bus, 0x70) && port_bus_find(&b.bus, 0x71) &&
          !port_bus_find(&b.bus, 0x6f) && !port_bus_find(&b.bus, 0x72));
    CHECK(port_bus_find(&b.bus, 0xcf8) && port_bus_find(&b.bus, 0xcff) &&
          !port_bus_find(&b.bus, 0xcf7) && !port_bus_find(&b.bus, 0xd00));

    CHECK_EQ_U64(io(VIREO_DEV_OP_IO_READ, 1, 0x3fd, 0, r), 0x60);
    io(VIREO_DEV_OP_IO_WRITE, 1, 0x3fb, 3, r);
    io(VIREO_DEV_OP_IO_WRITE, 1, 0x3f8, 'x', r);
    CHECK(outn == 1 && out[0] == 'x');
    /* COM1's interrupt is line 4 */
    io(VIREO_DEV_OP_IO_WRITE, 1, 0x3fc, UART_MCR_OUT2, r);
    io(VIREO_DEV_OP_IO_WRITE, 1, 0x3f9, UART_IER_THRE, r);
    CHECK_EQ_U64(r[VIREO_DEV_REP_NLINES], 1);
    CHECK_EQ_U64(r[VIREO_DEV_REP_LINES], vireo_devline(4, VIREO_LINE_HIGH));

    io(VIREO_DEV_OP_IO_WRITE, 2, 0x510, FW_CFG_NB_CPUS, r);
    CHECK_EQ_U64(io(VIREO_DEV_OP_IO_READ, 1, 0x511, 0, r), 4);
    io(VIREO_DEV_OP_IO_WRITE, 2, 0x510, FW_CFG_RAM_SIZE, r);
    u64 ram = 0;
    for (unsigned i = 0; i < 8; i++)
        ram |= io(VIREO_DEV_OP_IO_READ, 1, 0x511, 0, r) << (8 * i);
    CHECK_EQ_U64(ram, 512ull << 20);

    /* CMOS: status register D through 0x70/0x71 with NMIs masked, the
     * time the board was given (2025-01-01 00:00:00, BCD), 512 MiB */
    io(VIREO_DEV_OP_IO_WRITE, 1, 0x70, 0x80 | CMOS_REG_D, r);
    CHECK_EQ_U64(io(VIREO_DEV_OP_IO_READ, 1, 0x71, 0, r), 0x80);
    CHECK_EQ_U64(r[VIREO_DEV_REP_STATUS], VIREO_DEV_OK);
    CHECK_EQ_U64(io(VIREO_DEV_OP_IO_READ, 1, 0x70, 0, r), 0xff);
    static const u8 date[][2] = {{CMOS_YEAR, 0x25},      {CMOS_CENTURY, 0x20},  {CMOS_MONTH, 1},
                                 {CMOS_DAY_OF_MONTH, 1}, {CMOS_DAY_OF_WEEK, 4}, {CMOS_HOURS, 0}};
    for (unsigned i = 0; i < sizeof(date) / sizeof(date[0]); i++) {
        io(VIREO_DEV_OP_IO_WRITE, 1, 0x70, date[i][0], r);
        CHECK_EQ_U64(io(VIREO_DEV_OP_IO_READ, 1, 0x71, 0, r), date[i][1]);
    }
    /* a word OUT to 0x70 writes the index, then the data port */
    io(VIREO_DEV_OP_IO_WRITE, 2, 0x70, 0x5a00 | 0x40, r);
    io(VIREO_DEV_OP_IO_WRITE, 1, 0x70, 0x40, r);
    CHECK_EQ_U64(io(VIREO_DEV_OP_IO_READ, 1, 0x71, 0, r), 0x5a);
    io(VIREO_DEV_OP_IO_WRITE, 1, 0x70, CMOS_MEM_16M_LO, r);
    CHECK_EQ_U64(io(VIREO_DEV_OP_IO_READ, 2, 0x71, 0, r), 0xff00 | ((496u * 16) & 0xff));
    io(VIREO_DEV_OP_IO_WRITE, 1, 0x70, CMOS_MEM_16M_HI, r);
    CHECK_EQ_U64(io(VIREO_DEV_OP_IO_READ, 1, 0x71, 0, r), (496u * 16) >> 8);
    /* the RTC's interrupt is line 8: the update-ended one, a second on,
     * rides in the reply of whatever access comes next (board_advance) */
    io(VIREO_DEV_OP_IO_WRITE, 1, 0x70, CMOS_REG_B, r);
    io(VIREO_DEV_OP_IO_WRITE, 1, 0x71, CMOS_B_24H | CMOS_B_UIE, r);
    CHECK_EQ_U64(r[VIREO_DEV_REP_NLINES], 0);
    now_ns = 1000000000;
    board_advance(&b);
    io(VIREO_DEV_OP_IO_READ, 1, 0x3ff, 0, r);
    CHECK_EQ_U64(r[VIREO_DEV_REP_NLINES], 1);
    CHECK_EQ_U64(r[VIREO_DEV_REP_LINES], vireo_devline(8, VIREO_LINE_HIGH));
    io(VIREO_DEV_OP_IO_WRITE, 1, 0x70, CMOS_REG_C, r);
    CHECK_EQ_U64(io(VIREO_DEV_OP_IO_READ, 1, 0x71, 0, r) & (CMOS_C_IRQF | CMOS_C_UF),
                 CMOS_C_IRQF | CMOS_C_UF);
    CHECK_EQ_U64(r[VIREO_DEV_REP_NLINES], 1);
    CHECK_EQ_U64(r[VIREO_DEV_REP_LINES], vireo_devline(8, VIREO_LINE_LOW));
    io(VIREO_DEV_OP_IO_WRITE, 1, 0x70, CMOS_SECONDS, r);
    CHECK_EQ_U64(io(VIREO_DEV_OP_IO_READ, 1, 0x71, 0, r), 0x01);

    /* PCI: what tests/guest/portio checks, q35's host bridge */
    io(VIREO_DEV_OP_IO_WRITE, 4, 0xcf8, 0x80000000, r);
    CHECK_EQ_U64(io(VIREO_DEV_OP_IO_READ, 4, 0xcf8, 0, r), 0x80000000);
    CHECK_EQ_U64(io(VIREO_DEV_OP_IO_READ, 4, 0xcfc, 0, r), 0x29c08086);
    CHECK_EQ_U64(r[VIREO_DEV_REP_STATUS], VIREO_DEV_OK);
    CHECK_EQ_U64(io(VIREO_DEV_OP_IO_READ, 2, 0xcfc, 0, r), 0x8086);
    io(VIREO_DEV_OP_IO_WRITE, 4, 0xcf8, 0x80000008, r);
    CHECK_EQ_U64(io(VIREO_DEV_OP_IO_READ, 4, 0xcfc, 0, r), 0x06000000);
    io(VIREO_DEV_OP_IO_WRITE, 4, 0xcf8, 0x8000002c, r);
    CHECK_EQ_U64(io(VIREO_DEV_OP_IO_READ, 4, 0xcfc, 0, r), 0x11001af4);
    io(VIREO_DEV_OP_IO_WRITE, 4, 0xcf8, 0x80000800, r); /* 00:01.0: nothing */
    CHECK_EQ_U64(io(VIREO_DEV_OP_IO_READ, 4, 0xcfc, 0, r), 0xffffffff);
    io(VIREO_DEV_OP_IO_WRITE, 4, 0xcf8, 0, r);

    io(VIREO_DEV_OP_IO_WRITE, 1, 0xf4, 2, r);
    CHECK_EQ_U64(r[VIREO_DEV_REP_STATUS], VIREO_DEV_STOP);
    CHECK_EQ_U64(r[VIREO_DEV_REP_STOP], 5);
}

/* RAM past BOARD_LOW_RAM_MAX goes above 4 GiB in the CMOS bytes. */
static u32 cmos_byte(u8 index)
{
    u64 r[VIREO_DEV_REP_MAX_WORDS];
    io(VIREO_DEV_OP_IO_WRITE, 1, 0x70, index, r);
    return (u32)io(VIREO_DEV_OP_IO_READ, 1, 0x71, 0, r);
}

static void test_ram_split(void)
{
    CHECK_EQ_U64(board_init(&b, 1, 4ull << 30, 0, 0, clock_ns, 0, tx, 0), 0);
    u32 m16 = cmos_byte(CMOS_MEM_16M_LO) | cmos_byte(CMOS_MEM_16M_HI) << 8;
    CHECK_EQ_U64(m16, ((3ull << 30) - (16ull << 20)) >> 16);
    u32 high = cmos_byte(CMOS_MEM_4G_LO) | cmos_byte(CMOS_MEM_4G_MID) << 8 |
               cmos_byte(CMOS_MEM_4G_HI) << 16;
    CHECK_EQ_U64(high, (1ull << 30) >> 16);
    CHECK_EQ_U64(board_init(&b, 1, 256ull << 20, 0, 0, clock_ns, 0, tx, 0), 0);
    CHECK_EQ_U64(cmos_byte(CMOS_MEM_4G_LO) | cmos_byte(CMOS_MEM_4G_MID), 0);
    CHECK_EQ_U64(cmos_byte(CMOS_CENTURY), 0x19);
}

/* QEMU's pc-testdev only when asked for, answering at QEMU's places; a
 * second copy is refused with the range in its way named. */
static void test_pc_testdev(void)
{
    u64 r[VIREO_DEV_REP_MAX_WORDS];
    CHECK_EQ_U64(board_init(&b, 1, 64ull << 20, 0, 0, clock_ns, 0, tx, 0), 0);
    CHECK(!b.has_pc_testdev);
    io(VIREO_DEV_OP_IO_READ, 4, 0xe0, 0, r);
    CHECK_EQ_U64(r[VIREO_DEV_REP_STATUS], VIREO_DEV_NO_DEVICE);
    io(VIREO_DEV_OP_MMIO_READ, 8, PC_TESTDEV_MMIO_BASE, 0, r);
    CHECK_EQ_U64(r[VIREO_DEV_REP_STATUS], VIREO_DEV_NO_DEVICE);

    struct board_refusal why = {0};
    CHECK_EQ_U64(board_add_pc_testdev(&b, &why), 0);
    CHECK(b.has_pc_testdev);
    io(VIREO_DEV_OP_IO_WRITE, 4, 0xe0, 0xcafef00d, r);
    CHECK_EQ_U64(io(VIREO_DEV_OP_IO_READ, 2, 0xe2, 0, r), 0xcafe);
    CHECK_EQ_U64(io(VIREO_DEV_OP_IO_READ, 1, 0xe8, 0, r), 0x0d);
    io(VIREO_DEV_OP_MMIO_WRITE, 8, PC_TESTDEV_MMIO_BASE + 0xfff8, 0x0102030405060708ull, r);
    CHECK_EQ_U64(r[VIREO_DEV_REP_STATUS], VIREO_DEV_OK);
    CHECK_EQ_U64(io(VIREO_DEV_OP_MMIO_READ, 1, PC_TESTDEV_MMIO_BASE + 0xffff, 0, r), 0x01);
    io(VIREO_DEV_OP_IO_WRITE, 1, 0x2003, 1, r);
    CHECK_EQ_U64(r[VIREO_DEV_REP_NLINES], 1);
    CHECK_EQ_U64(r[VIREO_DEV_REP_LINES], vireo_devline(3, VIREO_LINE_HIGH));
    io(VIREO_DEV_OP_IO_WRITE, 4, 0xe4, 0x7000, r);
    CHECK_EQ_U64(vireo_devflush_gpa(r[VIREO_DEV_REP_FLUSH]), 0x7000);
    /* its neighbours are untouched */
    CHECK_EQ_U64(io(VIREO_DEV_OP_IO_READ, 1, 0xf4, 0, r), 0);
    CHECK_EQ_U64(r[VIREO_DEV_REP_STATUS], VIREO_DEV_OK);
    CHECK_EQ_U64(io(VIREO_DEV_OP_IO_READ, 1, 0x3fd, 0, r), 0x60);

    CHECK_EQ_U64((u64)(s64)board_add_pc_testdev(&b, &why), (u64)-1);
    CHECK(why.range && why.why && why.clash);
    CHECK(!strcmp(why.range, "pc-testdev scratch") && !strcmp(why.clash, "pc-testdev scratch"));
    CHECK_EQ_U64(io(VIREO_DEV_OP_IO_READ, 4, 0xe0, 0, r), 0xcafef00d);
}

int main(void)
{
    test_port_map();
    test_ram_split();
    test_pc_testdev();
    return check_report("devices_board");
}
