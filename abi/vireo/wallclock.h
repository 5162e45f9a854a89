/* The time of day a VM starts at. The kernel reads the host's CMOS RTC at
 * boot (init_info's and server_info's epoch_s, with the TSC at that
 * moment in epoch_tsc); every VM's clocks start at the host's date and
 * time then, moved on by the TSC: both the device server's CMOS RTC
 * (servers/devices/devices_arg.h) and the VMM's kvmclock wall clock
 * (docs/VMM.md, "Paravirtual clock") come from that one reading, so a
 * guest reading either gets the same date. Where the host's date is
 * unknown (epoch_s 0: no readable RTC, or a date outside 2000..2099) both
 * start at VIREO_WALL_EPOCH_S instead. */
#ifndef VIREO_ABI_WALLCLOCK_H
#define VIREO_ABI_WALLCLOCK_H

#define VIREO_WALL_EPOCH_S 1735689600ull /* 2025-01-01 00:00:00 UTC */

#endif
