/* Dates and the host's CMOS clock registers (date.h). */
#include <vireo/date.h>

bool date_is_leap(u32 year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

unsigned date_days_in_month(unsigned mon, u32 year)
{
    static const u8 days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (mon < 1 || mon > 12)
        return 0;
    return days[mon - 1] + (mon == 2 && date_is_leap(year));
}

bool date_valid(const struct date_time *t)
{
    return t->year >= 1970 && t->year <= 9999 && t->mday >= 1 &&
           t->mday <= date_days_in_month(t->mon, t->year) && t->hour < 24 && t->min < 60 &&
           t->sec < 60;
}

/* Leap years from year 1 to year y, both included. */
static u64 leaps_through(u32 y)
{
    return y / 4 - y / 100 + y / 400;
}

u64 date_days_from_civil(u32 year, unsigned mon, unsigned mday)
{
    /* days before each month's first in a common year */
    static const u16 before[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
    u64 days = (u64)(year - 1970) * 365 + leaps_through(year - 1) - leaps_through(1969);
    days += before[mon - 1] + (mon > 2 && date_is_leap(year));
    return days + mday - 1;
}

u64 date_to_epoch(const struct date_time *t)
{
    if (!date_valid(t))
        return 0;
    return date_days_from_civil(t->year, t->mon, t->mday) * DATE_S_PER_DAY + t->hour * 3600u +
           t->min * 60u + t->sec;
}

/* A register's value: binary as it is, or two BCD digits; -1 for a digit
 * above 9. */
static int decode(u8 v, bool binary)
{
    if (binary)
        return v;
    if ((v & 0x0f) > 9 || (v >> 4) > 9)
        return -1;
    return (v >> 4) * 10 + (v & 0x0f);
}

u64 date_from_cmos(const struct date_cmos *c, struct date_time *t)
{
    bool binary = c->reg_b & DATE_CMOS_B_BINARY;
    int sec = decode(c->sec, binary), min = decode(c->min, binary);
    int mday = decode(c->mday, binary), mon = decode(c->mon, binary);
    int year = decode(c->year, binary), century = decode(c->century, binary);
    bool pm = false;
    u8 hour_reg = c->hour;
    if (!(c->reg_b & DATE_CMOS_B_24H)) {
        pm = hour_reg & DATE_CMOS_HOUR_PM;
        hour_reg &= (u8)~DATE_CMOS_HOUR_PM;
    }
    int hour = decode(hour_reg, binary);
    if (sec < 0 || min < 0 || hour < 0 || mday < 0 || mon < 0 || year < 0 || year > 99)
        return 0;
    if (!(c->reg_b & DATE_CMOS_B_24H)) {
        if (hour < 1 || hour > 12)
            return 0;
        hour = hour % 12 + (pm ? 12 : 0); /* 12 AM is 0, 12 PM is 12 */
    }
    if (century < 19 || century > 99)
        century = 20;
    struct date_time d = {.year = (u32)(century * 100 + year),
                          .mon = (u8)mon,
                          .mday = (u8)mday,
                          .hour = (u8)hour,
                          .min = (u8)min,
                          .sec = (u8)sec};
    if (d.year < 2000 || d.year > 2099)
        return 0;
    u64 s = date_to_epoch(&d);
    if (s && t)
        *t = d;
    return s;
}

u64 date_at_tsc(u64 epoch_s, u64 epoch_tsc, u64 tsc, u64 tsc_khz, u32 *ns)
{
    u64 khz = tsc_khz ? tsc_khz : 1000000u;
    if (khz > 0xffffffffu)
        khz = 0xffffffffu; /* keeps rem * 10^6 below 2^64 */
    u64 d = tsc > epoch_tsc ? tsc - epoch_tsc : 0;
    u64 hz = khz * 1000u;
    if (ns)
        *ns = (u32)(d % hz * 1000000u / khz);
    return epoch_s + d / hz;
}
