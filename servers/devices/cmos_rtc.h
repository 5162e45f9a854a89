/*
 * The PC's CMOS RAM and real-time clock: a Motorola MC146818A as the PC
 * has it (ports 0x70 index, 0x71 data; interrupt line 8). 128 bytes: the
 * 14 clock registers and 114 bytes of NVRAM holding the PC's standard
 * contents (the memory-size bytes QEMU and SeaBIOS use, the equipment
 * byte, the century, the AT checksum).
 *
 * Index port: bits 6:0 pick the byte; bit 7 is the PC's NMI-disable gate,
 * kept in nmi_disabled and never part of the index. Reading it gives 0xff
 * (as on QEMU). Data port: the byte the index picks.
 *
 * The clock runs from a time base the model is given (clock: nanoseconds
 * since any epoch, never going back), through the chip's 32.768 kHz
 * divider chain: the update cycle once a second (UIP reads 1 for the last
 * 8 divider clocks, 244 us, before it), the periodic flag at the rate
 * select, the alarm compare after each update. Events are brought up to
 * the clock's present on every data-port access and by cmos_rtc_advance();
 * cmos_rtc_next_event() says when the interrupt line may next go up, for a
 * caller that polls on a timer.
 *
 * The date and time are held in binary and converted to the format
 * register B selects (BCD or binary, 24 or 12 hour with bit 7 = PM) on
 * every read and from it on every write, so changing the format shows the
 * same time in the new one (as QEMU does; the chip itself would leave the
 * old bytes). Day of week (1 = Sunday) counts on its own at midnight, as
 * the chip does; the century byte (0x32, also at 0x37) counts with the
 * year, and leap years follow the Gregorian rules. Out-of-range values a
 * guest writes are kept and normalised at the next update.
 */
#ifndef VIREO_DEVICES_CMOS_RTC_H
#define VIREO_DEVICES_CMOS_RTC_H

#include "dev.h"
#include "port_bus.h"

#define CMOS_RTC_PORT  0x70u /* index; data at + 1 */
#define CMOS_RTC_PORTS 2u
#define CMOS_RTC_SIZE  128u

/* CMOS byte indices. */
enum cmos_reg {
    CMOS_SECONDS = 0x00,
    CMOS_SECONDS_ALARM = 0x01,
    CMOS_MINUTES = 0x02,
    CMOS_MINUTES_ALARM = 0x03,
    CMOS_HOURS = 0x04,
    CMOS_HOURS_ALARM = 0x05,
    CMOS_DAY_OF_WEEK = 0x06,
    CMOS_DAY_OF_MONTH = 0x07,
    CMOS_MONTH = 0x08,
    CMOS_YEAR = 0x09,
    CMOS_REG_A = 0x0a,
    CMOS_REG_B = 0x0b,
    CMOS_REG_C = 0x0c,
    CMOS_REG_D = 0x0d,
    CMOS_SHUTDOWN = 0x0f,
    CMOS_FLOPPY = 0x10,      /* drive types: 0, none */
    CMOS_EQUIPMENT = 0x14,   /* 0x06: FPU, PS/2 mouse (QEMU's value) */
    CMOS_BASE_MEM_LO = 0x15, /* KiB below 1 MiB, at most 640 */
    CMOS_BASE_MEM_HI = 0x16,
    CMOS_EXT_MEM_LO = 0x17, /* KiB from 1 MiB, at most 0xffff */
    CMOS_EXT_MEM_HI = 0x18,
    CMOS_CHECKSUM_HI = 0x2e, /* sum of 0x10..0x2d, big-endian */
    CMOS_CHECKSUM_LO = 0x2f,
    CMOS_EXT_MEM2_LO = 0x30, /* the same as 0x17/0x18 */
    CMOS_EXT_MEM2_HI = 0x31,
    CMOS_CENTURY = 0x32,    /* in the format register B selects */
    CMOS_MEM_16M_LO = 0x34, /* 64 KiB units from 16 MiB to the hole below 4 GiB */
    CMOS_MEM_16M_HI = 0x35,
    CMOS_CENTURY_PS2 = 0x37, /* the IBM PS/2 century byte: the same as 0x32 */
    CMOS_MEM_4G_LO = 0x5b,   /* 64 KiB units above 4 GiB, 24 bits */
    CMOS_MEM_4G_MID = 0x5c,
    CMOS_MEM_4G_HI = 0x5d,
    CMOS_CHECKSUM_FIRST = 0x10,
    CMOS_CHECKSUM_LAST = 0x2d,
};

#define CMOS_INDEX_MASK   0x7fu
#define CMOS_INDEX_NMI    0x80u /* NMI disable */
#define CMOS_ALARM_ANY    0xc0u /* alarm byte with both top bits set: don't care */
#define CMOS_EQUIPMENT_PC 0x06u

#define CMOS_A_UIP     0x80u /* update in progress (read-only) */
#define CMOS_A_DV      0x70u /* divider: 010 runs from 32.768 kHz, 11x holds it in reset */
#define CMOS_A_DV_32K  0x20u
#define CMOS_A_RS      0x0fu /* periodic rate select: 0 off, else 65536 >> RS Hz (1, 2: 256, 128 Hz) */
#define CMOS_A_DEFAULT 0x26u /* 32.768 kHz, 1024 Hz */

#define CMOS_B_SET     0x80u /* stop updates (the time can be set); clears UIE */
#define CMOS_B_PIE     0x40u /* periodic interrupt enable */
#define CMOS_B_AIE     0x20u /* alarm interrupt enable */
#define CMOS_B_UIE     0x10u /* update-ended interrupt enable */
#define CMOS_B_SQWE    0x08u /* square-wave output (not wired on a PC) */
#define CMOS_B_DM      0x04u /* data mode: 1 binary, 0 BCD */
#define CMOS_B_24H     0x02u /* 1: 24-hour, 0: 12-hour with bit 7 = PM */
#define CMOS_B_DSE     0x01u /* daylight saving enable (kept, not acted on) */
#define CMOS_B_DEFAULT 0x02u /* BCD, 24-hour, no interrupts (QEMU's) */

#define CMOS_C_IRQF 0x80u /* PF & PIE | AF & AIE | UF & UIE: the interrupt line */
#define CMOS_C_PF   0x40u /* periodic */
#define CMOS_C_AF   0x20u /* alarm */
#define CMOS_C_UF   0x10u /* update ended */

#define CMOS_D_VRT 0x80u /* valid RAM and time: the battery is good */

#define CMOS_RTC_HZ       32768u /* the divider chain's input */
#define CMOS_UIP_CLOCKS   8u     /* UIP rises this many divider clocks before an update: 244 us */
#define CMOS_RTC_NO_EVENT (~0ull)
#define CMOS_RTC_MAX_S    253402300799ull /* 9999-12-31 23:59:59 */

/* The time base: nanoseconds since any fixed epoch, never going back. */
typedef u64 (*cmos_rtc_clock_fn)(void *ctx);

struct cmos_rtc_config {
    u64 epoch_s;      /* the date and time at init: seconds since 1970-01-01 00:00:00 UTC */
    u32 epoch_ns;     /* and nanoseconds past epoch_s (< 10^9; more counts as 10^9 - 1) */
    u64 ram_below_4g; /* bytes of RAM from 0 up to the MMIO hole below 4 GiB */
    u64 ram_above_4g; /* bytes of RAM from 4 GiB up */
    cmos_rtc_clock_fn clock;
    void *clock_ctx;
};

/* The date and time in binary. */
struct cmos_rtc_time {
    u8 sec, min, hour; /* hour 0..23 */
    u8 wday;           /* 1..7, 1 = Sunday */
    u8 mday, mon;      /* 1..31, 1..12 */
    u32 year;          /* with the century */
};

struct cmos_rtc {
    u8 index;
    bool nmi_disabled;           /* bit 7 of the last index write */
    u8 ram[CMOS_RTC_SIZE];       /* NVRAM, alarms, A (UIP clear) and B; not the time, C or D */
    struct cmos_rtc_time time;   /* seconds, ..., year, century */
    u8 flags;                    /* C's PF, AF, UF */
    u64 origin_ns, origin_count; /* the divider count was origin_count at clock origin_ns */
    u64 count;                   /* divider clocks counted so far (while the divider runs) */
    cmos_rtc_clock_fn clock;
    void *clock_ctx;
    struct dev_line irq;
};

/* Reset state (A 0x26, B 0x02, C 0, D 0x80), the PC's NVRAM contents for
 * cfg's RAM sizes, the time cfg->epoch_s (at most CMOS_RTC_MAX_S) and
 * cfg->epoch_ns at the clock's present; the first update comes when that
 * second ends (one second later with epoch_ns 0). */
void cmos_rtc_init(struct cmos_rtc *r, const struct cmos_rtc_config *cfg,
                   const struct dev_sink *sink, u16 line);

/* Register access (port_bus callbacks; offset 0 index, 1 data; size 1). */
u32 cmos_rtc_read(void *dev, u16 offset, unsigned size);
void cmos_rtc_write(void *dev, u16 offset, unsigned size, u32 value);
/* A port_bus range for the RTC at base (0x70 on a PC). */
struct port_range cmos_rtc_port_range(struct cmos_rtc *r, u16 base);

/* Brings updates, flags and the interrupt line up to the clock's present. */
void cmos_rtc_advance(struct cmos_rtc *r);
/* The clock time at which an enabled flag not yet set next rises (the
 * interrupt line may go up), or CMOS_RTC_NO_EVENT. As of the last advance. */
u64 cmos_rtc_next_event(const struct cmos_rtc *r);

/* Date conversions (for the glue and tests): seconds since 1970 to the
 * date (with its day of week), and the number of days in a month. */
void cmos_rtc_time_from_epoch(u64 epoch_s, struct cmos_rtc_time *t);
unsigned cmos_rtc_days_in_month(unsigned mon, u32 year);

#endif
