/* lib/date.c: civil dates to seconds since 1970, the decoding of an
 * MC146818's registers, and the time at a TSC value. */
#include "check.h"
#include <vireo/date.h>

static u64 epoch_of(u32 year, u8 mon, u8 mday, u8 hour, u8 min, u8 sec)
{
    const struct date_time t = {
        .year = year, .mon = mon, .mday = mday, .hour = hour, .min = min, .sec = sec};
    return date_to_epoch(&t);
}

static void test_civil(void)
{
    CHECK(!date_is_leap(1900) && date_is_leap(2000) && date_is_leap(2024) && !date_is_leap(2025) &&
          !date_is_leap(2100) && date_is_leap(2400));
    CHECK_EQ_U64(date_days_in_month(2, 2000), 29);
    CHECK_EQ_U64(date_days_in_month(2, 2100), 28);
    CHECK_EQ_U64(date_days_in_month(4, 2025), 30);
    CHECK_EQ_U64(date_days_in_month(12, 2025), 31);
    CHECK_EQ_U64(date_days_in_month(0, 2025), 0);
    CHECK_EQ_U64(date_days_in_month(13, 2025), 0);

    CHECK_EQ_U64(epoch_of(1970, 1, 1, 0, 0, 1), 1);
    CHECK_EQ_U64(epoch_of(2000, 1, 1, 0, 0, 0), 946684800);
    CHECK_EQ_U64(epoch_of(2000, 2, 29, 12, 0, 0), 951825600);
    CHECK_EQ_U64(epoch_of(2000, 3, 1, 0, 0, 0), 951868800);
    CHECK_EQ_U64(epoch_of(2004, 12, 31, 0, 0, 0), 1104451200);
    CHECK_EQ_U64(epoch_of(2024, 2, 29, 0, 0, 0), 1709164800);
    CHECK_EQ_U64(epoch_of(2025, 1, 1, 0, 0, 0), 1735689600);
    CHECK_EQ_U64(epoch_of(2026, 12, 2, 6, 40, 12), 1796193612);
    CHECK_EQ_U64(epoch_of(2099, 12, 31, 23, 59, 59), 4102444799);
    CHECK_EQ_U64(epoch_of(2100, 3, 1, 0, 0, 0), 4107542400);
    CHECK_EQ_U64(epoch_of(9999, 12, 31, 23, 59, 59), 253402300799);

    /* not dates: 0 */
    CHECK_EQ_U64(epoch_of(2025, 2, 29, 0, 0, 0), 0);
    CHECK_EQ_U64(epoch_of(2100, 2, 29, 0, 0, 0), 0);
    CHECK_EQ_U64(epoch_of(2025, 4, 31, 0, 0, 0), 0);
    CHECK_EQ_U64(epoch_of(2025, 0, 1, 0, 0, 0), 0);
    CHECK_EQ_U64(epoch_of(2025, 13, 1, 0, 0, 0), 0);
    CHECK_EQ_U64(epoch_of(2025, 1, 0, 0, 0, 0), 0);
    CHECK_EQ_U64(epoch_of(2025, 1, 1, 24, 0, 0), 0);
    CHECK_EQ_U64(epoch_of(2025, 1, 1, 0, 60, 0), 0);
    CHECK_EQ_U64(epoch_of(2025, 1, 1, 0, 0, 60), 0);
    CHECK_EQ_U64(epoch_of(1969, 12, 31, 23, 59, 59), 0);
    CHECK_EQ_U64(epoch_of(10000, 1, 1, 0, 0, 0), 0);

    /* every day from 1970 to 9999 is the one after the day before */
    u64 n = 0, bad = 0;
    for (u32 y = 1970; y <= 9999; y++) {
        for (unsigned m = 1; m <= 12; m++) {
            for (unsigned d = 1; d <= date_days_in_month(m, y); d++)
                bad += date_days_from_civil(y, m, d) != n++;
        }
    }
    CHECK_EQ_U64(bad, 0);
    CHECK_EQ_U64(n, 253402300800ull / DATE_S_PER_DAY);
}

static u64 cmos(u8 b, u8 century, u8 year, u8 mon, u8 mday, u8 hour, u8 min, u8 sec,
                struct date_time *t)
{
    const struct date_cmos c = {.sec = sec,
                                .min = min,
                                .hour = hour,
                                .mday = mday,
                                .mon = mon,
                                .year = year,
                                .century = century,
                                .reg_b = b};
    return date_from_cmos(&c, t);
}

#define BCD_24H DATE_CMOS_B_24H
#define BIN_24H (DATE_CMOS_B_24H | DATE_CMOS_B_BINARY)
#define BCD_12H 0u
#define BIN_12H DATE_CMOS_B_BINARY
#define PM      DATE_CMOS_HOUR_PM

static void test_cmos(void)
{
    struct date_time t = {0};
    /* BCD, 24-hour: the PC's usual (B 0x02) */
    CHECK_EQ_U64(cmos(BCD_24H, 0x20, 0x26, 0x12, 0x02, 0x06, 0x40, 0x12, &t), 1796193612);
    CHECK(t.year == 2026 && t.mon == 12 && t.mday == 2 && t.hour == 6 && t.min == 40 &&
          t.sec == 12);
    CHECK_EQ_U64(cmos(BCD_24H, 0x20, 0x00, 0x02, 0x29, 0x12, 0x00, 0x00, 0), 951825600);
    CHECK_EQ_U64(cmos(BCD_24H, 0x20, 0x99, 0x12, 0x31, 0x23, 0x59, 0x59, 0), 4102444799);
    /* binary */
    CHECK_EQ_U64(cmos(BIN_24H, 20, 26, 12, 2, 6, 40, 12, 0), 1796193612);
    CHECK_EQ_U64(cmos(BIN_24H, 20, 99, 12, 31, 23, 59, 59, 0), 4102444799);
    /* 12-hour: 12 AM is 0, 12 PM noon, bit 7 PM, in BCD and binary */
    CHECK_EQ_U64(cmos(BCD_12H, 0x20, 0x26, 0x12, 0x02, 0x06, 0x40, 0x12, 0), 1796193612);
    CHECK_EQ_U64(cmos(BCD_12H, 0x20, 0x26, 0x12, 0x02, PM | 0x06, 0x40, 0x12, 0),
                 1796193612 + 12 * 3600);
    CHECK_EQ_U64(cmos(BCD_12H, 0x20, 0x26, 0x12, 0x02, 0x12, 0x40, 0x12, &t),
                 1796193612 - 6 * 3600);
    CHECK_EQ_U64(t.hour, 0);
    CHECK_EQ_U64(cmos(BCD_12H, 0x20, 0x26, 0x12, 0x02, PM | 0x12, 0x40, 0x12, &t),
                 1796193612 + 6 * 3600);
    CHECK_EQ_U64(t.hour, 12);
    CHECK_EQ_U64(cmos(BCD_12H, 0x20, 0x99, 0x12, 0x31, PM | 0x11, 0x59, 0x59, 0), 4102444799);
    CHECK_EQ_U64(cmos(BIN_12H, 20, 26, 12, 2, PM | 6, 40, 12, 0), 1796193612 + 12 * 3600);
    CHECK_EQ_U64(cmos(BIN_12H, 20, 26, 12, 2, 12, 40, 12, 0), 1796193612 - 6 * 3600);
    CHECK_EQ_U64(cmos(BCD_12H, 0x20, 0x26, 0x12, 0x02, 0x00, 0x40, 0x12, 0), 0);
    CHECK_EQ_U64(cmos(BCD_12H, 0x20, 0x26, 0x12, 0x02, 0x13, 0x40, 0x12, 0), 0);
    /* in 24-hour mode bit 7 is no PM flag: not an hour */
    CHECK_EQ_U64(cmos(BCD_24H, 0x20, 0x26, 0x12, 0x02, PM | 0x06, 0x40, 0x12, 0), 0);
    /* the century: 0 or not a century reads as 20; 19 is 19xx (unknown) */
    CHECK_EQ_U64(cmos(BCD_24H, 0x00, 0x26, 0x12, 0x02, 0x06, 0x40, 0x12, 0), 1796193612);
    CHECK_EQ_U64(cmos(BCD_24H, 0xff, 0x26, 0x12, 0x02, 0x06, 0x40, 0x12, 0), 1796193612);
    CHECK_EQ_U64(cmos(BCD_24H, 0x05, 0x26, 0x12, 0x02, 0x06, 0x40, 0x12, 0), 1796193612);
    CHECK_EQ_U64(cmos(BIN_24H, 0, 26, 12, 2, 6, 40, 12, 0), 1796193612);
    CHECK_EQ_U64(cmos(BCD_24H, 0x19, 0x99, 0x12, 0x31, 0x23, 0x59, 0x59, 0), 0);
    CHECK_EQ_U64(cmos(BCD_24H, 0x21, 0x00, 0x01, 0x01, 0x00, 0x00, 0x00, 0), 0);
    /* not BCD, out of range, no such day, an absent clock: unknown, *t
     * untouched */
    t = (struct date_time){.year = 1};
    CHECK_EQ_U64(cmos(BCD_24H, 0x20, 0x2a, 0x12, 0x02, 0x06, 0x40, 0x12, &t), 0);
    CHECK_EQ_U64(cmos(BCD_24H, 0x20, 0x26, 0x13, 0x02, 0x06, 0x40, 0x12, &t), 0);
    CHECK_EQ_U64(cmos(BCD_24H, 0x20, 0x26, 0x12, 0x02, 0x06, 0x60, 0x12, &t), 0);
    CHECK_EQ_U64(cmos(BCD_24H, 0x20, 0x25, 0x02, 0x29, 0x06, 0x40, 0x12, &t), 0);
    CHECK_EQ_U64(cmos(BCD_24H, 0x20, 0x26, 0x12, 0x00, 0x06, 0x40, 0x12, &t), 0);
    CHECK_EQ_U64(cmos(BIN_24H, 20, 100, 1, 1, 0, 0, 0, &t), 0);
    CHECK_EQ_U64(cmos(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, &t), 0);
    CHECK_EQ_U64(cmos(0, 0, 0, 0, 0, 0, 0, 0, &t), 0);
    CHECK_EQ_U64(t.year, 1);
    /* 2000-01-01 00:00:00 is a date (its seconds are not 0) */
    CHECK_EQ_U64(cmos(BCD_24H, 0x20, 0x00, 0x01, 0x01, 0x00, 0x00, 0x00, 0), 946684800);
}

static void test_at_tsc(void)
{
    u32 ns = 7;
    /* 2.5 GHz, 90.4 s after the reading */
    CHECK_EQ_U64(date_at_tsc(1796193612, 1000, 1000 + 226000000000ull, 2500000, &ns),
                 1796193612 + 90);
    CHECK_EQ_U64(ns, 400000000);
    CHECK_EQ_U64(date_at_tsc(1796193612, 1000, 1000, 2500000, &ns), 1796193612);
    CHECK_EQ_U64(ns, 0);
    CHECK_EQ_U64(date_at_tsc(1796193612, 1000, 999, 2500000, &ns), 1796193612);
    CHECK_EQ_U64(ns, 0);
    CHECK_EQ_U64(date_at_tsc(1796193612, 0, 2999999999ull, 0, &ns), 1796193612 + 2);
    CHECK_EQ_U64(ns, 999999999);
    CHECK_EQ_U64(date_at_tsc(5, 0, 3, 2500000, 0), 5);
    /* a year of a 5 GHz TSC */
    CHECK_EQ_U64(date_at_tsc(0, 0, 365ull * 86400 * 5000000000ull + 10, 5000000, &ns),
                 365ull * 86400);
    CHECK_EQ_U64(ns, 2);
}

int main(void)
{
    test_civil();
    test_cmos();
    test_at_tsc();
    return check_report("lib_date");
}
