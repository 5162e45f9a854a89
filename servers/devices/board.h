/*
 * The device server's machine: which models sit at which ports and lines.
 * Pure (no system calls), like the models, so it builds on the host too.
 *
 *   0x3f8..0x3ff  UART 16550A (COM1), interrupt line 4
 *   0xf4..0xf7    QEMU isa-debug-exit
 *   0x510, 0x511  QEMU fw_cfg (selector, data): CPU count and RAM size
 */
#ifndef VIREO_DEVICES_BOARD_H
#define VIREO_DEVICES_BOARD_H

#include "debug_exit.h"
#include "dispatch.h"
#include "fw_cfg.h"
#include "port_bus.h"
#include "uart16550.h"

#define BOARD_COM1_PORT 0x3f8u
#define BOARD_COM1_LINE 4u

struct board {
    struct port_bus bus;
    struct dev_dispatch dispatch;
    struct uart16550 com1;
    struct debug_exit debug_exit;
    struct fw_cfg fw_cfg;
};

/* Builds the machine; com1_tx receives the guest's UART output bytes.
 * 0, or -1 if a range did not fit the bus (a bug in this table). */
int board_init(struct board *b, u16 cpus, u64 ram_bytes, uart_tx_fn com1_tx, void *tx_ctx);

#endif
