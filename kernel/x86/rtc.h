/* The host's date: its CMOS real-time clock (an MC146818 at ports 0x70
 * and 0x71), read once at boot. */
#ifndef KERNEL_X86_RTC_H
#define KERNEL_X86_RTC_H

#include <vireo/types.h>

/* Reads the date and time (after the TSC's rate is measured: the waits
 * are timed by it) and logs it. */
void rtc_init_bsp(void);
/* Seconds since 1970-01-01 00:00:00 UTC at the read, 0 if unknown. */
u64 rtc_epoch_s(void);
/* The TSC at the read (0 if unknown). */
u64 rtc_epoch_tsc(void);

#endif
