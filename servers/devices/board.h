/*
 * The device server's machine: which models sit at which ports and lines.
 * Pure (no system calls), like the models, so it builds on the host too.
 *
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
#include "mmio_bus.h"
#include "pc_testdev.h"
#include "pci_host.h"
#include "port_bus.h"
#include "uart16550.h"

#define BOARD_COM1_PORT   0x3f8u
#define BOARD_COM1_LINE   4u
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
 * RTC reads rtc_epoch_s (seconds since 1970, UTC) now and runs from clock
 * (nanoseconds, never going back). 0, or -1 if a range did not fit the
 * bus (a bug in this table). */
int board_init(struct board *b, u16 cpus, u64 ram_bytes, u64 rtc_epoch_s, cmos_rtc_clock_fn clock,
               void *clock_ctx, uart_tx_fn com1_tx, void *tx_ctx);

/* Adds QEMU's pc-testdev to a board board_init() built. 0, or -1 if one
 * of its ranges did not fit (a bug in the board's tables): *why says which
 * and what is in its way. */
int board_add_pc_testdev(struct board *b, struct board_refusal *why);

/* Brings time-driven devices (the RTC) up to the present: line changes
 * they make are pending in b->dispatch and ride in the next reply. */
void board_advance(struct board *b);

#endif
