/* The time of day a VM starts at. Vireo has no wall-clock source yet:
 * every VM's clocks start at VIREO_WALL_EPOCH_S when it starts, both the
 * device server's CMOS RTC (servers/devices/devices_arg.h,
 * DEVICES_RTC_EPOCH_S) and the VMM's kvmclock wall clock (docs/VMM.md,
 * "Paravirtual clock"), so that a guest reading either gets the same
 * date. */
#ifndef VIREO_ABI_WALLCLOCK_H
#define VIREO_ABI_WALLCLOCK_H

#define VIREO_WALL_EPOCH_S 1735689600ull /* 2025-01-01 00:00:00 UTC */

#endif
