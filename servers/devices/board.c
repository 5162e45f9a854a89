/* The device server's machine (board.h). */
#include "board.h"

int board_init(struct board *b, u16 cpus, u64 ram_bytes, u64 rtc_epoch_s, cmos_rtc_clock_fn clock,
               void *clock_ctx, uart_tx_fn com1_tx, void *tx_ctx)
{
    port_bus_init(&b->bus);
    dev_dispatch_init(&b->dispatch, &b->bus);
    uart_init(&b->com1, com1_tx, tx_ctx, &b->dispatch.sink, BOARD_COM1_LINE);
    debug_exit_init(&b->debug_exit, &b->dispatch.sink);
    fw_cfg_init(&b->fw_cfg, cpus, ram_bytes);

    u64 low = ram_bytes < BOARD_LOW_RAM_MAX ? ram_bytes : BOARD_LOW_RAM_MAX;
    const struct cmos_rtc_config rtc = {.epoch_s = rtc_epoch_s,
                                        .ram_below_4g = low,
                                        .ram_above_4g = ram_bytes - low,
                                        .clock = clock,
                                        .clock_ctx = clock_ctx};
    cmos_rtc_init(&b->rtc, &rtc, &b->dispatch.sink, BOARD_RTC_LINE);

    const struct pci_host_id host_bridge = {.vendor = BOARD_HOST_BRIDGE_VENDOR,
                                            .device = BOARD_HOST_BRIDGE_DEVICE,
                                            .class_code = PCI_CLASS_HOST_BRIDGE,
                                            .revision = 0,
                                            .subsys_vendor = BOARD_HOST_BRIDGE_SUBSYS_VENDOR,
                                            .subsys = BOARD_HOST_BRIDGE_SUBSYS};
    pci_host_init(&b->pci, &host_bridge);

    const struct port_range ranges[] = {
        /* the bus searches in this order: the busiest first */
        uart_port_range(&b->com1, BOARD_COM1_PORT),
        cmos_rtc_port_range(&b->rtc, BOARD_RTC_PORT),
        pci_host_port_range(&b->pci, BOARD_PCI_PORT),
        debug_exit_port_range(&b->debug_exit, DEBUG_EXIT_PORT, DEBUG_EXIT_PORTS),
        fw_cfg_port_range(&b->fw_cfg, FW_CFG_PORT_SEL),
    };
    for (unsigned i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++)
        if (port_bus_add(&b->bus, &ranges[i]) != 0)
            return -1;
    return 0;
}

void board_advance(struct board *b)
{
    cmos_rtc_advance(&b->rtc);
}
