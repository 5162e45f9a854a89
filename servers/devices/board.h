/*
 * The device server's machine: which models sit at which ports and lines.
 * Pure (no system calls), like the models, so it builds on the host too.
 *
 *   0x40..0x43    interval timer (i8254): channel 0 is interrupt line 0
 *   0x60, 0x64    keyboard controller (i8042): no keyboard or mouse behind it;
 *                 its output port's reset and A20 lines; lines 1 and 12
 *   0x61          the PIT's channel 2 gate and speaker (NMI status and control)
 *   0x80          POST code / I/O delay port
 *   0x92          System Control Port A (fast reset, A20), the i8042's
 *   0x70, 0x71    CMOS RAM and RTC (MC146818A): index, data; interrupt line 8
 *   0xf4..0xf7    QEMU isa-debug-exit
 *   0x3f8..0x3ff  UART 16550A (COM1), interrupt line 4
 *   0x510, 0x511  QEMU fw_cfg (selector, data): CPU count and RAM size
 *   0xcf8..0xcff  PCI configuration mechanism #1: the host bridge at
 *                 00:00.0 is QEMU q35's (Intel 82G33 MCH, 8086:29c0)
 *
 * With board_add_pc_testdev(), QEMU's pc-testdev too (pc_testdev.h): ports
 * 0xe0..0xeb and 0x2000..0x2017 (interrupt lines 0..23) and MMIO at
 * 0xff000000 (64 KiB), the only MMIO device.
 *
 * The interrupt controllers (i8259 pair at 0x20/0xa0 and ELCR at 0x4d0,
 * IOAPIC at 0xfec00000) are not here: the VMM has them, beside the local
 * APIC (docs/DEVICES.md, "Interrupt routing").
 *
 * RAM is all below 4 GiB up to BOARD_LOW_RAM_MAX (3 GiB, where the VMM's
 * guest RAM ends: the MMIO space below 4 GiB starts there), the rest
 * above 4 GiB; the CMOS memory-size bytes say so.
 */
#ifndef VIREO_DEVICES_BOARD_H
#define VIREO_DEVICES_BOARD_H

#include "cmos_rtc.h"
#include "debug_exit.h"
#include "dispatch.h"
#include "fw_cfg.h"
#include "i8042.h"
#include "mmio_bus.h"
#include "pc_testdev.h"
#include "pci_host.h"
#include "pit8254.h"
#include "post_port.h"
#include "port_bus.h"
#include "uart16550.h"

#define BOARD_COM1_PORT   0x3f8u
#define BOARD_COM1_LINE   4u
#define BOARD_PIT_PORT    0x40u
#define BOARD_PIT_LINE    0u
#define BOARD_PORT61      0x61u
#define BOARD_RTC_PORT    0x70u
#define BOARD_RTC_LINE    8u
#define BOARD_PCI_PORT    0xcf8u
#define BOARD_LOW_RAM_MAX 0xc0000000ull

/* QEMU q35's host bridge as a guest sees it (QEMU's default subsystem IDs:
 * Red Hat, "QEMU Virtual Machine"). */
#define BOARD_HOST_BRIDGE_VENDOR        0x8086u
#define BOARD_HOST_BRIDGE_DEVICE        0x29c0u
#define BOARD_HOST_BRIDGE_SUBSYS_VENDOR 0x1af4u
#define BOARD_HOST_BRIDGE_SUBSYS        0x1100u

struct board {
    struct port_bus bus;
    struct mmio_bus mmio;
    struct dev_dispatch dispatch;
    struct uart16550 com1;
    struct debug_exit debug_exit;
    struct fw_cfg fw_cfg;
    struct cmos_rtc rtc;
    struct pit pit;
    struct i8042 kbc;
    struct post_port post;
    struct pci_host pci;
    bool has_pc_testdev;
    struct pc_testdev pc_testdev;
};

/* Why board_add_pc_testdev() failed: the range refused, why, and the range
 * in its way (0 if none). */
struct board_refusal {
    const char *range;
    const char *why;
    const char *clash;
};

/* Builds the machine; com1_tx receives the guest's UART output bytes. The
 * RTC reads rtc_epoch_s (seconds since 1970, UTC) and rtc_epoch_ns
 * (< 10^9) past it now; the RTC and the PIT run from clock (nanoseconds,
 * never going back). 0, or -1 if a range did not fit the bus (a bug in
 * this table). */
int board_init(struct board *b, u16 cpus, u64 ram_bytes, u64 rtc_epoch_s, u32 rtc_epoch_ns,
               cmos_rtc_clock_fn clock, void *clock_ctx, uart_tx_fn com1_tx, void *tx_ctx);

/* Adds QEMU's pc-testdev to a board board_init() built. 0, or -1 if one
 * of its ranges did not fit (a bug in the board's tables): *why says which
 * and what is in its way. */
int board_add_pc_testdev(struct board *b, struct board_refusal *why);

/* Brings time-driven devices (the PIT, the RTC) up to the present: line
 * changes they make are pending in b->dispatch and ride in the next
 * reply. Returns the clock time at which one of them may next change a
 * line (BOARD_NO_EVENT: none), when the VMM is to poll. */
#define BOARD_NO_EVENT (~0ull)
u64 board_advance(struct board *b);

/* Whether the guest pulled the reset line (the keyboard controller, port
 * 0x92) since the last call. */
bool board_take_reset(struct board *b);

#endif
