/* The device server's machine (board.h). */
#include "board.h"

int board_init(struct board *b, u16 cpus, u64 ram_bytes, u64 rtc_epoch_s, u32 rtc_epoch_ns,
               cmos_rtc_clock_fn clock, void *clock_ctx, uart_tx_fn com1_tx, void *tx_ctx)
{
    port_bus_init(&b->bus);
    mmio_bus_init(&b->mmio);
    dev_dispatch_init(&b->dispatch, &b->bus, &b->mmio);
    b->has_pc_testdev = false;
    uart_init(&b->com1, com1_tx, tx_ctx, &b->dispatch.sink, BOARD_COM1_LINE);
    debug_exit_init(&b->debug_exit, &b->dispatch.sink);
    fw_cfg_init(&b->fw_cfg, cpus, ram_bytes);

    u64 low = ram_bytes < BOARD_LOW_RAM_MAX ? ram_bytes : BOARD_LOW_RAM_MAX;
    const struct cmos_rtc_config rtc = {.epoch_s = rtc_epoch_s,
                                        .epoch_ns = rtc_epoch_ns,
                                        .ram_below_4g = low,
                                        .ram_above_4g = ram_bytes - low,
                                        .clock = clock,
                                        .clock_ctx = clock_ctx};
    cmos_rtc_init(&b->rtc, &rtc, &b->dispatch.sink, BOARD_RTC_LINE);
    i8042_init(&b->kbc, &b->dispatch.sink);
    post_port_init(&b->post);
    pit_init(&b->pit, &b->dispatch.sink, BOARD_PIT_LINE, clock, clock_ctx, clock(clock_ctx));

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
        post_port_port_range(&b->post, POST_PORT),
        pit_port_range(&b->pit, BOARD_PIT_PORT),
        cmos_rtc_port_range(&b->rtc, BOARD_RTC_PORT),
        pit_nmi_port_range(&b->pit, BOARD_PORT61),
        i8042_data_port_range(&b->kbc, I8042_DATA_PORT),
        i8042_cmd_port_range(&b->kbc, I8042_CMD_PORT),
        i8042_port92_range(&b->kbc, I8042_PORT92),
        pci_host_port_range(&b->pci, BOARD_PCI_PORT),
        debug_exit_port_range(&b->debug_exit, DEBUG_EXIT_PORT, DEBUG_EXIT_PORTS),
        fw_cfg_port_range(&b->fw_cfg, FW_CFG_PORT_SEL),
    };
    for (unsigned i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++)
        if (port_bus_add(&b->bus, &ranges[i]) != 0)
            return -1;
    return 0;
}

/* The first range already holding one of r's ports, for the message. */
static const char *port_clash(const struct port_bus *bus, const struct port_range *r)
{
    for (u32 p = r->base; p < (u32)r->base + r->count; p++)
        if (port_bus_find(bus, p))
            return port_bus_find(bus, p)->name;
    return 0;
}

int board_add_pc_testdev(struct board *b, struct board_refusal *why)
{
    struct port_range ports[PC_TESTDEV_PORT_RANGES];
    pc_testdev_port_ranges(&b->pc_testdev, ports);
    for (unsigned i = 0; i < PC_TESTDEV_PORT_RANGES; i++) {
        if (port_bus_add(&b->bus, &ports[i]) != 0) {
            const char *clash = port_clash(&b->bus, &ports[i]);
            *why = (struct board_refusal){.range = ports[i].name,
                                          .why = clash ? "overlaps" : "does not fit the port bus",
                                          .clash = clash};
            return -1;
        }
    }
    const struct mmio_range window = pc_testdev_mmio_range(&b->pc_testdev);
    enum mmio_bus_refusal r = mmio_bus_add(&b->mmio, &window);
    if (r != MMIO_BUS_ADDED) {
        const struct mmio_range *clash = mmio_bus_overlap(&b->mmio, window.base, window.size);
        *why = (struct board_refusal){.range = window.name,
                                      .why = mmio_bus_refusal_name(r),
                                      .clash = clash ? clash->name : 0};
        return -1;
    }
    /* only now: a refused second copy must not reset the first */
    pc_testdev_init(&b->pc_testdev, &b->dispatch.sink);
    b->has_pc_testdev = true;
    return 0;
}

u64 board_advance(struct board *b)
{
    u64 now = b->rtc.clock(b->rtc.clock_ctx);
    cmos_rtc_advance(&b->rtc);
    pit_update(&b->pit, now);
    u64 rtc = cmos_rtc_next_event(&b->rtc);
    u64 pit = pit_next_event(&b->pit, now);
    u64 next = rtc == CMOS_RTC_NO_EVENT ? BOARD_NO_EVENT : rtc;
    if (pit != PIT_NO_EVENT && pit < next)
        next = pit;
    return next;
}

bool board_take_reset(struct board *b)
{
    return i8042_take_reset(&b->kbc);
}
