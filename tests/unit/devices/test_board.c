/* Host tests of the device server's port map (servers/devices/board.c):
 * each device answers at its port, with fw_cfg describing the machine. */
#include "board.h"
#include "check.h"

static struct board b;
static u8 out[16];
static unsigned outn;

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
    CHECK_EQ_U64(board_init(&b, 4, 512ull << 20, tx, 0), 0);
    CHECK(port_bus_find(&b.bus, 0x3f8) && port_bus_find(&b.bus, 0x3ff));
    CHECK(!port_bus_find(&b.bus, 0x3f7) && !port_bus_find(&b.bus, 0x400));
    CHECK(port_bus_find(&b.bus, 0xf4) && port_bus_find(&b.bus, 0xf7) &&
          !port_bus_find(&b.bus, 0xf8));
    CHECK(port_bus_find(&b.bus, 0x510) && port_bus_find(&b.bus, 0x511) &&
          !port_bus_find(&b.bus, 0x512));

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

    io(VIREO_DEV_OP_IO_WRITE, 1, 0xf4, 2, r);
    CHECK_EQ_U64(r[VIREO_DEV_REP_STATUS], VIREO_DEV_STOP);
    CHECK_EQ_U64(r[VIREO_DEV_REP_STOP], 5);
}

int main(void)
{
    test_port_map();
    return check_report("devices_board");
}
