/* The device server's machine (board.h). */
#include "board.h"

int board_init(struct board *b, u16 cpus, u64 ram_bytes, uart_tx_fn com1_tx, void *tx_ctx)
{
    port_bus_init(&b->bus);
    dev_dispatch_init(&b->dispatch, &b->bus);
    uart_init(&b->com1, com1_tx, tx_ctx, &b->dispatch.sink, BOARD_COM1_LINE);
    debug_exit_init(&b->debug_exit, &b->dispatch.sink);
    fw_cfg_init(&b->fw_cfg, cpus, ram_bytes);

    const struct port_range ranges[] = {
        uart_port_range(&b->com1, BOARD_COM1_PORT),
        debug_exit_port_range(&b->debug_exit, DEBUG_EXIT_PORT, DEBUG_EXIT_PORTS),
        fw_cfg_port_range(&b->fw_cfg, FW_CFG_PORT_SEL),
    };
    for (unsigned i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++)
        if (port_bus_add(&b->bus, &ranges[i]) != 0)
            return -1;
    return 0;
}
