/*
 * The device server's `arg` (abi/bindings.md): the machine fw_cfg
 * describes, and whether the server ends with its VM. The test client
 * (servers/test/devclient.c) reads the same layout from its own `arg` to
 * know what to expect.
 *
 *   bits 15:0   CPUs (fw_cfg NB_CPUS and MAX_CPUS); 0 means 1
 *   bits 31:16  RAM in MiB (fw_cfg RAM_SIZE); 0 means 128
 *   bit 32      EXIT_ON_STOP: once a device has stopped the VM, the next
 *               request ends the server (exit 0) instead of being served
 *   bits 56:33  TSC_KHZ: the TSC's frequency in kHz, the RTC's time base;
 *               0 means unknown, taken as 1 GHz (there is no system call
 *               for it yet, and the server calibrates nothing)
 *   bit 57      PC_TESTDEV: add QEMU's pc-testdev (pc_testdev.h) to the
 *               board, for test kernels written against QEMU
 *   bit 58      RAW_CONSOLE: with `console-input`, COM1's output goes to
 *               the host terminal as it is (uart_console.h, raw mode): an
 *               interactive guest console
 *
 * The RTC starts at the host's date and time now (server_info's epoch_s,
 * the kernel's reading of the host's RTC at boot, moved on by the TSC
 * since), or at DEVICES_RTC_EPOCH_S where the host's is unknown
 * (epoch_s 0). The VMM's kvmclock wall clock comes from the same reading.
 */
#ifndef VIREO_DEVICES_ARG_H
#define VIREO_DEVICES_ARG_H

#include <vireo/bitfield.h>
#include <vireo/wallclock.h>

#define DEVICES_ARG_LAYOUT(X, p)                                                                   \
    X(p, CPUS, 0, 16)                                                                              \
    X(p, RAM_MIB, 16, 16)                                                                          \
    X(p, EXIT_ON_STOP, 32, 1)                                                                      \
    X(p, TSC_KHZ, 33, 24)                                                                          \
    X(p, PC_TESTDEV, 57, 1)                                                                        \
    X(p, RAW_CONSOLE, 58, 1)
VIREO_LAYOUT(DEVICES_ARG, DEVICES_ARG_LAYOUT);

#define DEVICES_DEFAULT_CPUS    1u
#define DEVICES_DEFAULT_RAM_MIB 128u
#define DEVICES_DEFAULT_TSC_KHZ 1000000u           /* 1 GHz: a guess, see TSC_KHZ */
#define DEVICES_RTC_EPOCH_S     VIREO_WALL_EPOCH_S /* without a host date; kvmclock's agrees */

static inline u16 devices_arg_cpus(u64 arg)
{
    u64 n = VIREO_GET(DEVICES_ARG, CPUS, arg);
    return (u16)(n ? n : DEVICES_DEFAULT_CPUS);
}

static inline u64 devices_arg_ram_bytes(u64 arg)
{
    u64 mib = VIREO_GET(DEVICES_ARG, RAM_MIB, arg);
    return (mib ? mib : DEVICES_DEFAULT_RAM_MIB) << 20;
}

static inline u64 devices_arg_tsc_khz(u64 arg)
{
    u64 khz = VIREO_GET(DEVICES_ARG, TSC_KHZ, arg);
    return khz ? khz : DEVICES_DEFAULT_TSC_KHZ;
}

#endif
