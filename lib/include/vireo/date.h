/*
 * Dates (proleptic Gregorian, UTC, no leap seconds): the civil date to
 * seconds since 1970-01-01 00:00:00, the decoding of an MC146818 RTC's
 * registers (the host's CMOS clock, which the kernel reads at boot), and
 * the time of day at a TSC value given one known moment. Pure,
 * host-tested (tests/unit/lib/test_date.c).
 */
#ifndef VIREO_LIB_DATE_H
#define VIREO_LIB_DATE_H

#include <vireo/types.h>

#define DATE_S_PER_DAY 86400u
#define DATE_NS_PER_S  1000000000u

/* The date and time in binary, year with its century. */
struct date_time {
    u32 year;
    u8 mon, mday;      /* 1..12, 1..days in the month */
    u8 hour, min, sec; /* 0..23, 0..59, 0..59 */
};

bool date_is_leap(u32 year);
/* 28..31; 0 for a month outside 1..12. */
unsigned date_days_in_month(unsigned mon, u32 year);
/* Whether every field is in range (year 1970..9999, the day within its
 * month). */
bool date_valid(const struct date_time *t);
/* Days from 1970-01-01 to year-mon-mday (a valid date, year >= 1970). */
u64 date_days_from_civil(u32 year, unsigned mon, unsigned mday);
/* Seconds since 1970-01-01 00:00:00 UTC at t; 0 if t is not valid. */
u64 date_to_epoch(const struct date_time *t);

/* An MC146818's time registers as read (seconds 0x00, minutes 0x02,
 * hours 0x04, day of month 0x07, month 0x08, year 0x09, the PC's century
 * byte 0x32) and its register B (0x0b), which says how they are coded. */
struct date_cmos {
    u8 sec, min, hour, mday, mon, year, century;
    u8 reg_b;
};
#define DATE_CMOS_B_24H    0x02u /* hours 0..23; clear: 1..12 with bit 7 for PM */
#define DATE_CMOS_B_BINARY 0x04u /* binary; clear: BCD */
#define DATE_CMOS_HOUR_PM  0x80u

/* The date registers c hold: BCD or binary, 12- or 24-hour as register B
 * says; a century byte of 0 or one that does not decode to 19..99 counts
 * as 20. Returns the seconds since 1970 and fills *t (if not NULL), or 0
 * if a field does not decode or the year is outside 2000..2099 (a
 * battery-less or unset clock: the date is unknown). */
u64 date_from_cmos(const struct date_cmos *c, struct date_time *t);

/* The time of day at TSC value tsc, tsc_khz ticks per millisecond, when
 * it was epoch_s at TSC epoch_tsc: seconds since 1970 returned, the
 * nanoseconds past them in *ns (if not NULL). A tsc before epoch_tsc is
 * taken as epoch_tsc; tsc_khz 0 as 1 GHz. */
u64 date_at_tsc(u64 epoch_s, u64 epoch_tsc, u64 tsc, u64 tsc_khz, u32 *ns);

#endif
