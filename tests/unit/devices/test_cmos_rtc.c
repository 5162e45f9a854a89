/* Host tests of the CMOS RAM and RTC model (servers/devices/cmos_rtc.c),
 * on a clock the test moves by hand. */
#include "check.h"
#include "cmos_rtc.h"
#include "recorder.h"

#define IRQ 8
#define NS  1000000000ull
/* the first clock time at which the divider has counted c clocks (from 0) */
#define AT_CLOCKS(c) (((c) / 32768ull) * NS + (((c) % 32768ull) * NS + 32767) / 32768)

static struct recorder rec;
static struct cmos_rtc rtc;
static u64 now_ns;

static u64 test_clock(void *ctx)
{
    (void)ctx;
    return now_ns;
}

static void reset_ram(u64 epoch, u64 t0, u64 below, u64 above)
{
    recorder_init(&rec);
    now_ns = t0;
    const struct cmos_rtc_config cfg = {.epoch_s = epoch,
                                        .ram_below_4g = below,
                                        .ram_above_4g = above,
                                        .clock = test_clock,
                                        .clock_ctx = 0};
    cmos_rtc_init(&rtc, &cfg, &rec.sink, IRQ);
}

static void reset(u64 epoch)
{
    reset_ram(epoch, 0, 128ull << 20, 0);
}

static u8 rd(u8 index)
{
    cmos_rtc_write(&rtc, 0, 1, index);
    return (u8)cmos_rtc_read(&rtc, 1, 1);
}

static void wr(u8 index, u8 v)
{
    cmos_rtc_write(&rtc, 0, 1, index);
    cmos_rtc_write(&rtc, 1, 1, v);
}

/* 2024-02-29 00:00:00 UTC, a Thursday */
#define LEAP_DAY 1709164800ull

static void test_reset_values(void)
{
    reset(LEAP_DAY + 13 * 3600 + 45 * 60 + 7); /* 13:45:07 */
    CHECK_EQ_U64(rd(CMOS_REG_A), 0x26);
    CHECK_EQ_U64(rd(CMOS_REG_B), 0x02);
    CHECK_EQ_U64(rd(CMOS_REG_C), 0x00);
    CHECK_EQ_U64(rd(CMOS_REG_D), 0x80);
    CHECK_EQ_U64(rd(CMOS_SECONDS), 0x07);
    CHECK_EQ_U64(rd(CMOS_MINUTES), 0x45);
    CHECK_EQ_U64(rd(CMOS_HOURS), 0x13);
    CHECK_EQ_U64(rd(CMOS_DAY_OF_WEEK), 5);
    CHECK_EQ_U64(rd(CMOS_DAY_OF_MONTH), 0x29);
    CHECK_EQ_U64(rd(CMOS_MONTH), 0x02);
    CHECK_EQ_U64(rd(CMOS_YEAR), 0x24);
    CHECK_EQ_U64(rd(CMOS_CENTURY), 0x20);
    CHECK_EQ_U64(rd(CMOS_CENTURY_PS2), 0x20);
    CHECK_EQ_U64(rd(CMOS_SECONDS_ALARM), 0);
    CHECK_EQ_U64(rd(CMOS_MINUTES_ALARM), 0);
    CHECK_EQ_U64(rd(CMOS_HOURS_ALARM), 0);
    CHECK_EQ_U64(rd(CMOS_SHUTDOWN), 0);
    CHECK_EQ_U64(rd(CMOS_FLOPPY), 0);
    CHECK_EQ_U64(rd(CMOS_EQUIPMENT), 0x06);
    CHECK_EQ_U64(rec.lines, 0);
    CHECK(!rtc.irq.level);

    /* the Unix epoch itself: 1970-01-01 was a Thursday */
    reset(0);
    CHECK_EQ_U64(rd(CMOS_YEAR), 0x70);
    CHECK_EQ_U64(rd(CMOS_CENTURY), 0x19);
    CHECK_EQ_U64(rd(CMOS_MONTH), 0x01);
    CHECK_EQ_U64(rd(CMOS_DAY_OF_MONTH), 0x01);
    CHECK_EQ_U64(rd(CMOS_DAY_OF_WEEK), 5);
    CHECK_EQ_U64(rd(CMOS_HOURS), 0);

    /* beyond 9999 the date stops at its last second */
    reset(~0ull);
    CHECK_EQ_U64(rd(CMOS_CENTURY), 0x99);
    CHECK_EQ_U64(rd(CMOS_YEAR), 0x99);
    CHECK_EQ_U64(rd(CMOS_MONTH), 0x12);
    CHECK_EQ_U64(rd(CMOS_DAY_OF_MONTH), 0x31);
    CHECK_EQ_U64(rd(CMOS_SECONDS), 0x59);
}

static void test_epoch_conversion(void)
{
    static const struct {
        u64 epoch;
        u32 year;
        u8 mon, mday, wday, hour, min, sec;
    } cases[] = {
        {0, 1970, 1, 1, 5, 0, 0, 0},
        {951782400, 2000, 2, 29, 3, 0, 0, 0}, /* 2000 is a leap year (divisible by 400) */
        {951868800, 2000, 3, 1, 4, 0, 0, 0},
        {4107542399ull, 2100, 2, 28, 1, 23, 59, 59}, /* 2100 is not */
        {4107542400ull, 2100, 3, 1, 2, 0, 0, 0},
        {1735689599, 2024, 12, 31, 3, 23, 59, 59},
        {1735689600, 2025, 1, 1, 4, 0, 0, 0},
        {2147483647, 2038, 1, 19, 3, 3, 14, 7},
    };
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct cmos_rtc_time t;
        cmos_rtc_time_from_epoch(cases[i].epoch, &t);
        CHECK_EQ_U64(t.year, cases[i].year);
        CHECK_EQ_U64(t.mon, cases[i].mon);
        CHECK_EQ_U64(t.mday, cases[i].mday);
        CHECK_EQ_U64(t.wday, cases[i].wday);
        CHECK_EQ_U64(t.hour, cases[i].hour);
        CHECK_EQ_U64(t.min, cases[i].min);
        CHECK_EQ_U64(t.sec, cases[i].sec);
    }
    CHECK_EQ_U64(cmos_rtc_days_in_month(2, 2024), 29);
    CHECK_EQ_U64(cmos_rtc_days_in_month(2, 2023), 28);
    CHECK_EQ_U64(cmos_rtc_days_in_month(2, 1900), 28);
    CHECK_EQ_U64(cmos_rtc_days_in_month(2, 2000), 29);
    CHECK_EQ_U64(cmos_rtc_days_in_month(4, 2000), 30);
    CHECK_EQ_U64(cmos_rtc_days_in_month(12, 2000), 31);
    CHECK_EQ_U64(cmos_rtc_days_in_month(13, 2000), 31); /* nonsense months count as long */
}

static void test_index_port(void)
{
    reset(LEAP_DAY);
    /* bit 7 gates NMIs and is no part of the index */
    cmos_rtc_write(&rtc, 0, 1, CMOS_INDEX_NMI | CMOS_REG_D);
    CHECK(rtc.nmi_disabled);
    CHECK_EQ_U64(rtc.index, CMOS_REG_D);
    for (unsigned i = 0; i < 1000; i++) { /* what tests/guest/portio does */
        cmos_rtc_write(&rtc, 0, 1, CMOS_INDEX_NMI | CMOS_REG_D);
        if (cmos_rtc_read(&rtc, 1, 1) != CMOS_D_VRT) {
            CHECK(false);
            break;
        }
    }
    cmos_rtc_write(&rtc, 0, 1, CMOS_REG_D);
    CHECK(!rtc.nmi_disabled);
    CHECK_EQ_U64(cmos_rtc_read(&rtc, 1, 1), 0x80);
    /* 0x80 | 0x50 and 0x50 are the same NVRAM byte */
    wr(0x50, 0xa5);
    CHECK_EQ_U64(rd(0x80 | 0x50), 0xa5);
    wr(0x80 | 0x51, 0x5a);
    CHECK_EQ_U64(rd(0x51), 0x5a);
    /* the index port reads 0xff, as on QEMU, and leaves the index alone */
    cmos_rtc_write(&rtc, 0, 1, 0x50);
    CHECK_EQ_U64(cmos_rtc_read(&rtc, 0, 1), 0xff);
    CHECK_EQ_U64(cmos_rtc_read(&rtc, 1, 1), 0xa5);
    /* the range is two byte-wide ports */
    struct port_range pr = cmos_rtc_port_range(&rtc, CMOS_RTC_PORT);
    CHECK_EQ_U64(pr.base, 0x70);
    CHECK_EQ_U64(pr.count, 2);
    CHECK_EQ_U64(pr.sizes, PORT_SIZE_1);
}

static void test_nvram(void)
{
    reset(LEAP_DAY);
    /* every NVRAM byte holds what is written */
    for (unsigned i = 0x0e; i < CMOS_RTC_SIZE; i++) {
        if (i == CMOS_CENTURY || i == CMOS_CENTURY_PS2)
            continue;
        wr((u8)i, (u8)(i * 7 + 1));
    }
    bool all = true;
    for (unsigned i = 0x0e; i < CMOS_RTC_SIZE; i++)
        if (i != CMOS_CENTURY && i != CMOS_CENTURY_PS2)
            all &= rd((u8)i) == (u8)(i * 7 + 1);
    CHECK(all);
    /* C and D are read-only; so is A's UIP bit */
    wr(CMOS_REG_C, 0xff);
    wr(CMOS_REG_D, 0x00);
    CHECK_EQ_U64(rd(CMOS_REG_C), 0);
    CHECK_EQ_U64(rd(CMOS_REG_D), 0x80);
    wr(CMOS_REG_A, 0xa6);
    CHECK_EQ_U64(rtc.ram[CMOS_REG_A], 0x26);
    CHECK_EQ_U64(rd(CMOS_REG_A), 0x26);
    /* B is read/write (SET clears UIE) */
    wr(CMOS_REG_B, 0x7f);
    CHECK_EQ_U64(rd(CMOS_REG_B), 0x7f);
    wr(CMOS_REG_B, 0xff);
    CHECK_EQ_U64(rd(CMOS_REG_B), 0xef);
}

static u16 get16(unsigned lo)
{
    return (u16)(rd((u8)lo) | rd((u8)(lo + 1)) << 8);
}

static void check_memory_bytes(u64 below, u64 above, u16 base, u16 ext, u16 m16, u32 high)
{
    reset_ram(LEAP_DAY, 0, below, above);
    CHECK_EQ_U64(get16(CMOS_BASE_MEM_LO), base);
    CHECK_EQ_U64(get16(CMOS_EXT_MEM_LO), ext);
    CHECK_EQ_U64(get16(CMOS_EXT_MEM2_LO), ext);
    CHECK_EQ_U64(get16(CMOS_MEM_16M_LO), m16);
    CHECK_EQ_U64(rd(CMOS_MEM_4G_LO) | rd(CMOS_MEM_4G_MID) << 8 | (u32)rd(CMOS_MEM_4G_HI) << 16,
                 high);
    unsigned sum = 0;
    for (unsigned i = CMOS_CHECKSUM_FIRST; i <= CMOS_CHECKSUM_LAST; i++)
        sum += rd((u8)i);
    CHECK_EQ_U64(rd(CMOS_CHECKSUM_HI) << 8 | rd(CMOS_CHECKSUM_LO), sum);
}

static void test_memory_size(void)
{
    const u64 k = 1024, m = 1024 * k, g = 1024 * m;
    /* below 1 MiB: base memory only */
    check_memory_bytes(512 * k, 0, 512, 0, 0, 0);
    check_memory_bytes(1 * m, 0, 640, 0, 0, 0);
    /* 2 MiB: 1 MiB of extended memory, nothing above 16 MiB */
    check_memory_bytes(2 * m, 0, 640, 1024, 0, 0);
    check_memory_bytes(16 * m, 0, 640, 15 * 1024, 0, 0);
    /* 128 MiB: 0x1fc00 KiB extended, capped at 0xffff; 112 MiB above 16 */
    check_memory_bytes(128 * m, 0, 640, 0xffff, 112 * 16, 0);
    check_memory_bytes(64 * m + 1 * m, 0, 640, 0xffff, 49 * 16, 0);
    check_memory_bytes(64 * m, 0, 640, 63 * 1024, 48 * 16, 0);
    /* 256 MiB, 3 GiB, and 3 GiB + 5 GiB above 4 GiB */
    check_memory_bytes(256 * m, 0, 640, 0xffff, 240 * 16, 0);
    check_memory_bytes(3 * g, 0, 640, 0xffff, (u16)((3 * g - 16 * m) / (64 * k)), 0);
    check_memory_bytes(3 * g, 5 * g, 640, 0xffff, (u16)((3 * g - 16 * m) / (64 * k)),
                       (u32)(5 * g / (64 * k)));
    /* 4 GiB below would need 65280 units: still fits; 1 TiB above saturates */
    check_memory_bytes(4 * g, 0, 640, 0xffff, 0xff00, 0);
    check_memory_bytes(3 * g, 2048 * g, 640, 0xffff, (u16)((3 * g - 16 * m) / (64 * k)), 0xffffff);
}

static void test_formats_read(void)
{
    /* 2024-02-29 00:00:00 .. 23:00:00 in each format */
    static const struct {
        unsigned hour;
        u8 bcd24, bin24, bcd12, bin12;
    } hours[] = {
        {0, 0x00, 0, 0x12, 12},     {1, 0x01, 1, 0x01, 1},           {9, 0x09, 9, 0x09, 9},
        {11, 0x11, 11, 0x11, 11},   {12, 0x12, 12, 0x92, 0x80 | 12}, {13, 0x13, 13, 0x81, 0x81},
        {19, 0x19, 19, 0x87, 0x87}, {23, 0x23, 23, 0x91, 0x80 | 11},
    };
    for (unsigned i = 0; i < sizeof(hours) / sizeof(hours[0]); i++) {
        reset(LEAP_DAY + hours[i].hour * 3600 + 58 * 60 + 39);
        CHECK_EQ_U64(rd(CMOS_HOURS), hours[i].bcd24);
        wr(CMOS_REG_B, CMOS_B_24H | CMOS_B_DM);
        CHECK_EQ_U64(rd(CMOS_HOURS), hours[i].bin24);
        wr(CMOS_REG_B, 0);
        CHECK_EQ_U64(rd(CMOS_HOURS), hours[i].bcd12);
        wr(CMOS_REG_B, CMOS_B_DM);
        CHECK_EQ_U64(rd(CMOS_HOURS), hours[i].bin12);
    }
    /* the other fields in binary: 58 minutes, 39 seconds, 2024-02-29 */
    wr(CMOS_REG_B, CMOS_B_24H | CMOS_B_DM);
    CHECK_EQ_U64(rd(CMOS_SECONDS), 39);
    CHECK_EQ_U64(rd(CMOS_MINUTES), 58);
    CHECK_EQ_U64(rd(CMOS_DAY_OF_MONTH), 29);
    CHECK_EQ_U64(rd(CMOS_MONTH), 2);
    CHECK_EQ_U64(rd(CMOS_YEAR), 24);
    CHECK_EQ_U64(rd(CMOS_CENTURY), 20);
    CHECK_EQ_U64(rd(CMOS_DAY_OF_WEEK), 5);
    wr(CMOS_REG_B, CMOS_B_24H);
    CHECK_EQ_U64(rd(CMOS_SECONDS), 0x39);
    CHECK_EQ_U64(rd(CMOS_MINUTES), 0x58);
}

static void test_formats_write(void)
{
    reset(LEAP_DAY);
    /* BCD, 24-hour: 2031-12-25 17:38:52, a Thursday */
    wr(CMOS_REG_B, CMOS_B_SET | CMOS_B_24H);
    wr(CMOS_SECONDS, 0x52);
    wr(CMOS_MINUTES, 0x38);
    wr(CMOS_HOURS, 0x17);
    wr(CMOS_DAY_OF_WEEK, 5);
    wr(CMOS_DAY_OF_MONTH, 0x25);
    wr(CMOS_MONTH, 0x12);
    wr(CMOS_YEAR, 0x31);
    CHECK_EQ_U64(rtc.time.sec, 52);
    CHECK_EQ_U64(rtc.time.min, 38);
    CHECK_EQ_U64(rtc.time.hour, 17);
    CHECK_EQ_U64(rtc.time.mday, 25);
    CHECK_EQ_U64(rtc.time.mon, 12);
    CHECK_EQ_U64(rtc.time.year, 2031);
    CHECK_EQ_U64(rtc.time.wday, 5);
    /* the century byte at 0x32 and its PS/2 alias */
    wr(CMOS_CENTURY, 0x21);
    CHECK_EQ_U64(rtc.time.year, 2131);
    wr(CMOS_CENTURY_PS2, 0x20);
    CHECK_EQ_U64(rtc.time.year, 2031);

    /* binary, 24-hour */
    wr(CMOS_REG_B, CMOS_B_SET | CMOS_B_24H | CMOS_B_DM);
    wr(CMOS_HOURS, 21);
    wr(CMOS_MINUTES, 59);
    wr(CMOS_YEAR, 99);
    wr(CMOS_CENTURY, 19);
    CHECK_EQ_U64(rtc.time.hour, 21);
    CHECK_EQ_U64(rtc.time.min, 59);
    CHECK_EQ_U64(rtc.time.year, 1999);
    CHECK_EQ_U64(rd(CMOS_YEAR), 99);

    /* 12-hour, BCD: bit 7 is PM; 12 AM is midnight, 12 PM noon */
    wr(CMOS_REG_B, CMOS_B_SET);
    static const struct {
        u8 reg;
        unsigned hour;
    } h12[] = {{0x12, 0}, {0x01, 1}, {0x11, 11}, {0x92, 12}, {0x81, 13}, {0x91, 23}, {0x89, 21}};
    for (unsigned i = 0; i < sizeof(h12) / sizeof(h12[0]); i++) {
        wr(CMOS_HOURS, h12[i].reg);
        CHECK_EQ_U64(rtc.time.hour, h12[i].hour);
        CHECK_EQ_U64(rd(CMOS_HOURS), h12[i].reg);
    }
    /* 12-hour, binary */
    wr(CMOS_REG_B, CMOS_B_SET | CMOS_B_DM);
    wr(CMOS_HOURS, 0x80 | 12);
    CHECK_EQ_U64(rtc.time.hour, 12);
    wr(CMOS_HOURS, 0x80 | 7);
    CHECK_EQ_U64(rtc.time.hour, 19);
    wr(CMOS_HOURS, 12);
    CHECK_EQ_U64(rtc.time.hour, 0);
    CHECK_EQ_U64(rd(CMOS_HOURS), 12);
    /* and back in 24-hour BCD the same time shows as such */
    wr(CMOS_HOURS, 0x80 | 7);
    wr(CMOS_REG_B, CMOS_B_SET | CMOS_B_24H);
    CHECK_EQ_U64(rd(CMOS_HOURS), 0x19);
}

/* Moves the clock to t and reads register A. */
static u8 reg_a_at(u64 t)
{
    now_ns = t;
    return rd(CMOS_REG_A);
}

static void test_update_cycle(void)
{
    reset(LEAP_DAY + 10); /* 00:00:10 at clock 0; updates at 1 s, 2 s, ... */
    wr(CMOS_REG_A, 0x20); /* no periodic flags in the way */
    /* UIP: the last 8 divider clocks (244.14 us) before each update */
    const u64 uip_from = AT_CLOCKS(32768 - 8);
    CHECK_EQ_U64(uip_from, 999755860);
    CHECK_EQ_U64(reg_a_at(0) & CMOS_A_UIP, 0);
    CHECK_EQ_U64(reg_a_at(uip_from - 1) & CMOS_A_UIP, 0);
    CHECK_EQ_U64(reg_a_at(uip_from), CMOS_A_UIP | 0x20);
    CHECK_EQ_U64(rd(CMOS_SECONDS), 0x10); /* the update has not happened yet */
    CHECK_EQ_U64(reg_a_at(NS - 1) & CMOS_A_UIP, CMOS_A_UIP);
    CHECK_EQ_U64(rd(CMOS_SECONDS), 0x10);
    CHECK_EQ_U64(reg_a_at(NS), 0x20); /* updated: UIP down, one second on */
    CHECK_EQ_U64(rd(CMOS_SECONDS), 0x11);
    CHECK_EQ_U64(rd(CMOS_REG_C), CMOS_C_UF);
    CHECK_EQ_U64(rd(CMOS_REG_C), 0); /* read clears */
    CHECK_EQ_U64(reg_a_at(NS + uip_from) & CMOS_A_UIP, CMOS_A_UIP);
    CHECK_EQ_U64(reg_a_at(2 * NS) & CMOS_A_UIP, 0);
    CHECK_EQ_U64(rd(CMOS_SECONDS), 0x12);
    /* a long gap catches up at once */
    now_ns = 2 * NS + 3600 * NS;
    CHECK_EQ_U64(rd(CMOS_SECONDS), 0x12);
    CHECK_EQ_U64(rd(CMOS_HOURS), 0x01);
    CHECK_EQ_U64(rd(CMOS_MINUTES), 0x00);
    /* the clock never goes back */
    now_ns = 5 * NS;
    CHECK_EQ_U64(rd(CMOS_HOURS), 0x01);
    CHECK_EQ_U64(rd(CMOS_SECONDS), 0x12);
    CHECK_EQ_U64(rec.lines, 0); /* no interrupt enabled: the line stays low */
}

/* Sets the time (BCD, 24-hour) with SET, then lets the clock run. */
static void set_time(u8 year, u8 mon, u8 mday, u8 wday, u8 hour, u8 min, u8 sec)
{
    wr(CMOS_REG_B, CMOS_B_SET | CMOS_B_24H);
    wr(CMOS_YEAR, year);
    wr(CMOS_MONTH, mon);
    wr(CMOS_DAY_OF_MONTH, mday);
    wr(CMOS_DAY_OF_WEEK, wday);
    wr(CMOS_HOURS, hour);
    wr(CMOS_MINUTES, min);
    wr(CMOS_SECONDS, sec);
    wr(CMOS_REG_B, CMOS_B_24H);
}

static void tick(unsigned seconds)
{
    now_ns += seconds * NS;
    cmos_rtc_advance(&rtc);
}

static void check_date(u8 century, u8 year, u8 mon, u8 mday, u8 wday, u8 hour, u8 min, u8 sec)
{
    CHECK_EQ_U64(rd(CMOS_CENTURY), century);
    CHECK_EQ_U64(rd(CMOS_YEAR), year);
    CHECK_EQ_U64(rd(CMOS_MONTH), mon);
    CHECK_EQ_U64(rd(CMOS_DAY_OF_MONTH), mday);
    CHECK_EQ_U64(rd(CMOS_DAY_OF_WEEK), wday);
    CHECK_EQ_U64(rd(CMOS_HOURS), hour);
    CHECK_EQ_U64(rd(CMOS_MINUTES), min);
    CHECK_EQ_U64(rd(CMOS_SECONDS), sec);
}

static void test_rollover(void)
{
    reset(LEAP_DAY);
    now_ns = NS / 2; /* between updates */
    /* seconds into minutes, hours, days; Saturday into Sunday */
    set_time(0x24, 0x03, 0x09, 7, 0x23, 0x59, 0x58);
    tick(1);
    check_date(0x20, 0x24, 0x03, 0x09, 7, 0x23, 0x59, 0x59);
    tick(1);
    check_date(0x20, 0x24, 0x03, 0x10, 1, 0x00, 0x00, 0x00);
    /* into a leap day, and out of it */
    set_time(0x24, 0x02, 0x28, 4, 0x23, 0x59, 0x59);
    tick(1);
    check_date(0x20, 0x24, 0x02, 0x29, 5, 0x00, 0x00, 0x00);
    set_time(0x24, 0x02, 0x29, 5, 0x23, 0x59, 0x59);
    tick(1);
    check_date(0x20, 0x24, 0x03, 0x01, 6, 0x00, 0x00, 0x00);
    /* no leap day in 2023 or 2100; one in 2000 */
    set_time(0x23, 0x02, 0x28, 3, 0x23, 0x59, 0x59);
    tick(1);
    check_date(0x20, 0x23, 0x03, 0x01, 4, 0x00, 0x00, 0x00);
    wr(CMOS_REG_B, CMOS_B_SET | CMOS_B_24H);
    wr(CMOS_CENTURY, 0x21);
    set_time(0x00, 0x02, 0x28, 1, 0x23, 0x59, 0x59);
    tick(1);
    check_date(0x21, 0x00, 0x03, 0x01, 2, 0x00, 0x00, 0x00);
    wr(CMOS_REG_B, CMOS_B_SET | CMOS_B_24H);
    wr(CMOS_CENTURY, 0x20);
    set_time(0x00, 0x02, 0x28, 2, 0x23, 0x59, 0x59);
    tick(1);
    check_date(0x20, 0x00, 0x02, 0x29, 3, 0x00, 0x00, 0x00);
    /* 30-day months, the year, the century */
    set_time(0x25, 0x04, 0x30, 4, 0x23, 0x59, 0x59);
    tick(1);
    check_date(0x20, 0x25, 0x05, 0x01, 5, 0x00, 0x00, 0x00);
    set_time(0x24, 0x12, 0x31, 3, 0x23, 0x59, 0x59);
    tick(1);
    check_date(0x20, 0x25, 0x01, 0x01, 4, 0x00, 0x00, 0x00);
    wr(CMOS_REG_B, CMOS_B_SET | CMOS_B_24H);
    wr(CMOS_CENTURY, 0x20);
    set_time(0x99, 0x12, 0x31, 6, 0x23, 0x59, 0x59);
    tick(1);
    check_date(0x21, 0x00, 0x01, 0x01, 7, 0x00, 0x00, 0x00);
    /* in 12-hour binary: 11:59:59 PM on to 12:00:00 AM, 12:59:59 on to 1 */
    wr(CMOS_REG_B, CMOS_B_SET | CMOS_B_DM);
    wr(CMOS_HOURS, 0x80 | 11);
    wr(CMOS_MINUTES, 59);
    wr(CMOS_SECONDS, 59);
    wr(CMOS_REG_B, CMOS_B_DM);
    tick(1);
    CHECK_EQ_U64(rd(CMOS_HOURS), 12);
    CHECK_EQ_U64(rd(CMOS_DAY_OF_MONTH), 2);
    tick(3599);
    CHECK_EQ_U64(rd(CMOS_HOURS), 12);
    tick(1);
    CHECK_EQ_U64(rd(CMOS_HOURS), 1);
    tick(11 * 3600);
    CHECK_EQ_U64(rd(CMOS_HOURS), 0x80 | 12); /* noon */
    /* 366 days of 2000 in one catch-up, then 400 years at once */
    wr(CMOS_REG_B, CMOS_B_SET | CMOS_B_24H);
    wr(CMOS_CENTURY, 0x20);
    set_time(0x00, 0x01, 0x01, 7, 0x00, 0x00, 0x00);
    tick(366 * 86400);
    check_date(0x20, 0x01, 0x01, 0x01, 2, 0x00, 0x00, 0x00);
    now_ns += 146097ull * 86400 * NS;
    check_date(0x24, 0x01, 0x01, 0x01, 2, 0x00, 0x00, 0x00);
    /* an out-of-range value a guest wrote is normalised at the update */
    set_time(0x25, 0x06, 0x31, 1, 0x12, 0x00, 0x00);
    tick(12 * 3600);
    check_date(0x24, 0x25, 0x07, 0x01, 2, 0x00, 0x00, 0x00);
}

static void test_set_freezes(void)
{
    reset(LEAP_DAY + 30);
    wr(CMOS_REG_A, 0x20);
    wr(CMOS_REG_B, CMOS_B_SET | CMOS_B_24H);
    now_ns = 10 * NS;
    CHECK_EQ_U64(rd(CMOS_SECONDS), 0x30); /* no update while SET */
    CHECK_EQ_U64(rd(CMOS_REG_C), 0);      /* ... and no update-ended flag */
    now_ns = 10 * NS + AT_CLOCKS(32768 - 4);
    CHECK_EQ_U64(rd(CMOS_REG_A) & CMOS_A_UIP, 0); /* UIP stays 0 */
    /* the divider kept its phase: the first update is at the next second */
    wr(CMOS_REG_B, CMOS_B_24H);
    CHECK_EQ_U64(rd(CMOS_REG_A) & CMOS_A_UIP, CMOS_A_UIP);
    now_ns = 11 * NS - 1;
    CHECK_EQ_U64(rd(CMOS_SECONDS), 0x30);
    now_ns = 11 * NS;
    CHECK_EQ_U64(rd(CMOS_SECONDS), 0x31);
    CHECK_EQ_U64(rd(CMOS_REG_C), CMOS_C_UF);
    /* SET clears UIE (the chip's rule) */
    wr(CMOS_REG_B, CMOS_B_UIE | CMOS_B_24H);
    wr(CMOS_REG_B, CMOS_B_SET | CMOS_B_UIE | CMOS_B_24H);
    CHECK_EQ_U64(rd(CMOS_REG_B), CMOS_B_SET | CMOS_B_24H);
    /* the periodic flag keeps coming while SET */
    rd(CMOS_REG_C);
    wr(CMOS_REG_A, 0x2f); /* 2 Hz */
    now_ns = 11 * NS + NS / 2;
    CHECK_EQ_U64(rd(CMOS_REG_C), CMOS_C_PF);

    /* a divider in reset counts nothing; out of reset, the first update
     * comes half a second later */
    reset(LEAP_DAY);
    now_ns = NS / 4;
    wr(CMOS_REG_A, 0x66);
    CHECK_EQ_U64(rd(CMOS_REG_C), CMOS_C_PF); /* from before the reset */
    now_ns = 5 * NS;
    CHECK_EQ_U64(rd(CMOS_SECONDS), 0x00);
    CHECK_EQ_U64(rd(CMOS_REG_C), 0);
    CHECK_EQ_U64(rd(CMOS_REG_A), 0x66);
    CHECK_EQ_U64(cmos_rtc_next_event(&rtc), CMOS_RTC_NO_EVENT);
    wr(CMOS_REG_A, 0x26);
    now_ns = 5 * NS + NS / 2 - 1;
    CHECK_EQ_U64(rd(CMOS_SECONDS), 0x00);
    now_ns = 5 * NS + NS / 2;
    CHECK_EQ_U64(rd(CMOS_SECONDS), 0x01);
}

static void test_periodic(void)
{
    reset(LEAP_DAY);
    /* RS 6 (1024 Hz, 32 divider clocks) is the default: PF comes without
     * PIE, the line does not */
    now_ns = AT_CLOCKS(32) - 1;
    CHECK_EQ_U64(rd(CMOS_REG_C), 0);
    now_ns = AT_CLOCKS(32);
    CHECK_EQ_U64(now_ns, 976563);
    CHECK_EQ_U64(rd(CMOS_REG_C), CMOS_C_PF);
    CHECK_EQ_U64(rec.lines, 0);
    /* PIE with PF already set raises the line at once */
    now_ns = AT_CLOCKS(64);
    wr(CMOS_REG_B, CMOS_B_PIE | CMOS_B_24H);
    CHECK(rec_level(&rec));
    CHECK_EQ_U64(rec.line[0], IRQ);
    CHECK_EQ_U64(rd(CMOS_REG_C), CMOS_C_IRQF | CMOS_C_PF);
    CHECK(!rec_level(&rec)); /* reading C lowers it */
    CHECK_EQ_U64(rec.lines, 2);
    CHECK_EQ_U64(rd(CMOS_REG_C), 0);
    /* the next one on the divider's own phase */
    CHECK_EQ_U64(cmos_rtc_next_event(&rtc), AT_CLOCKS(96));
    now_ns = AT_CLOCKS(96) - 1;
    cmos_rtc_advance(&rtc);
    CHECK(!rec_level(&rec));
    now_ns = AT_CLOCKS(96);
    cmos_rtc_advance(&rtc);
    CHECK(rec_level(&rec));
    CHECK_EQ_U64(rtc.irq.line, IRQ);
    /* several periods unread: one PF, one level */
    now_ns = AT_CLOCKS(96 + 32 * 5);
    cmos_rtc_advance(&rtc);
    CHECK_EQ_U64(rec.lines, 3);
    CHECK_EQ_U64(rd(CMOS_REG_C), CMOS_C_IRQF | CMOS_C_PF);
    CHECK_EQ_U64(rec.lines, 4);
    CHECK(!rec_level(&rec));

    /* every rate select: 1 and 2 repeat 8 and 9; 3..15 are 8192 Hz..2 Hz */
    static const u32 clocks[16] = {0,   128, 256, 4,    8,    16,   32,   64,
                                   128, 256, 512, 1024, 2048, 4096, 8192, 16384};
    for (unsigned rs = 1; rs < 16; rs++) {
        reset(LEAP_DAY);
        wr(CMOS_REG_A, (u8)(0x20 | rs));
        wr(CMOS_REG_B, CMOS_B_PIE | CMOS_B_24H);
        rd(CMOS_REG_C);
        u64 p = clocks[rs];
        CHECK_EQ_U64(cmos_rtc_next_event(&rtc), AT_CLOCKS(p));
        now_ns = AT_CLOCKS(p) - 1;
        CHECK_EQ_U64(rd(CMOS_REG_C), 0);
        now_ns = AT_CLOCKS(p);
        CHECK_EQ_U64(rd(CMOS_REG_C), CMOS_C_IRQF | CMOS_C_PF);
        now_ns = AT_CLOCKS(2 * p) - 1;
        CHECK_EQ_U64(rd(CMOS_REG_C), 0);
        now_ns = AT_CLOCKS(2 * p);
        CHECK_EQ_U64(rd(CMOS_REG_C) & ~CMOS_C_UF, CMOS_C_IRQF | CMOS_C_PF);
    }
    /* RS 0: no periodic flag at all */
    reset(LEAP_DAY);
    wr(CMOS_REG_A, 0x20);
    wr(CMOS_REG_B, CMOS_B_PIE | CMOS_B_24H);
    now_ns = NS / 2;
    CHECK_EQ_U64(rd(CMOS_REG_C), 0);
    CHECK_EQ_U64(cmos_rtc_next_event(&rtc), CMOS_RTC_NO_EVENT);
    /* disabling PIE drops the line although PF stays set */
    wr(CMOS_REG_A, 0x2f);
    now_ns = NS;
    cmos_rtc_advance(&rtc);
    CHECK(rec_level(&rec));
    wr(CMOS_REG_B, CMOS_B_24H);
    CHECK(!rec_level(&rec));
    CHECK_EQ_U64(rd(CMOS_REG_C), CMOS_C_PF | CMOS_C_UF);
}

static void test_update_interrupt(void)
{
    reset(LEAP_DAY);
    wr(CMOS_REG_A, 0x20); /* no periodic flags in the way */
    wr(CMOS_REG_B, CMOS_B_UIE | CMOS_B_24H);
    CHECK_EQ_U64(cmos_rtc_next_event(&rtc), NS);
    now_ns = NS - 1;
    cmos_rtc_advance(&rtc);
    CHECK_EQ_U64(rec.lines, 0);
    now_ns = NS;
    cmos_rtc_advance(&rtc);
    CHECK(rec_level(&rec));
    CHECK_EQ_U64(rec.line[0], IRQ);
    CHECK_EQ_U64(cmos_rtc_next_event(&rtc), CMOS_RTC_NO_EVENT); /* UF pending already */
    CHECK_EQ_U64(rd(CMOS_REG_C), CMOS_C_IRQF | CMOS_C_UF);
    CHECK(!rec_level(&rec));
    CHECK_EQ_U64(cmos_rtc_next_event(&rtc), 2 * NS);
    now_ns = 3 * NS;
    cmos_rtc_advance(&rtc);
    CHECK(rec_level(&rec));
    CHECK_EQ_U64(rd(CMOS_REG_C), CMOS_C_IRQF | CMOS_C_UF);
    /* UIE off: UF still rises, the line does not */
    wr(CMOS_REG_B, CMOS_B_24H);
    unsigned before = rec.lines;
    now_ns = 4 * NS;
    CHECK_EQ_U64(rd(CMOS_REG_C), CMOS_C_UF);
    CHECK_EQ_U64(rec.lines, before);
    /* SET: no updates, so no update interrupt even with UIE set again */
    wr(CMOS_REG_B, CMOS_B_SET | CMOS_B_24H);
    rtc.ram[CMOS_REG_B] |= CMOS_B_UIE; /* as if the guest set it after SET */
    now_ns = 6 * NS;
    CHECK_EQ_U64(rd(CMOS_REG_C), 0);
    CHECK_EQ_U64(cmos_rtc_next_event(&rtc), CMOS_RTC_NO_EVENT);
}

static void test_alarm(void)
{
    reset(LEAP_DAY + 10 * 3600); /* 10:00:00 */
    wr(CMOS_REG_A, 0x20);
    /* alarm at 10:00:03 */
    wr(CMOS_HOURS_ALARM, 0x10);
    wr(CMOS_MINUTES_ALARM, 0x00);
    wr(CMOS_SECONDS_ALARM, 0x03);
    wr(CMOS_REG_B, CMOS_B_AIE | CMOS_B_24H);
    rd(CMOS_REG_C);
    now_ns = 2 * NS;
    CHECK_EQ_U64(rd(CMOS_REG_C), CMOS_C_UF);
    CHECK_EQ_U64(rec.lines, 0);
    CHECK_EQ_U64(cmos_rtc_next_event(&rtc), 3 * NS);
    now_ns = 3 * NS;
    cmos_rtc_advance(&rtc);
    CHECK(rec_level(&rec));
    CHECK_EQ_U64(rec.line[0], IRQ);
    CHECK_EQ_U64(rd(CMOS_REG_C), CMOS_C_IRQF | CMOS_C_AF | CMOS_C_UF);
    CHECK(!rec_level(&rec));
    now_ns = 4 * NS;
    CHECK_EQ_U64(rd(CMOS_REG_C), CMOS_C_UF); /* once a day only */
    /* a day later it fires again, caught up in one step */
    now_ns = 3 * NS + 86400 * NS - 1;
    CHECK_EQ_U64(rd(CMOS_REG_C), CMOS_C_UF);
    now_ns = 3 * NS + 86400 * NS;
    CHECK_EQ_U64(rd(CMOS_REG_C), CMOS_C_IRQF | CMOS_C_AF | CMOS_C_UF);
    /* don't-care bytes (0xc0..0xff): every minute at :30, then every second */
    wr(CMOS_HOURS_ALARM, 0xc0);
    wr(CMOS_MINUTES_ALARM, 0xff);
    wr(CMOS_SECONDS_ALARM, 0x30);
    rd(CMOS_REG_C);
    now_ns += 26 * NS; /* 10:00:29 */
    CHECK_EQ_U64(rd(CMOS_SECONDS), 0x29);
    CHECK_EQ_U64(rd(CMOS_REG_C), CMOS_C_UF);
    now_ns += NS;
    CHECK_EQ_U64(rd(CMOS_REG_C), CMOS_C_IRQF | CMOS_C_AF | CMOS_C_UF);
    now_ns += 59 * NS;
    CHECK_EQ_U64(rd(CMOS_REG_C), CMOS_C_UF);
    now_ns += NS;
    CHECK_EQ_U64(rd(CMOS_SECONDS), 0x30);
    CHECK_EQ_U64(rd(CMOS_REG_C), CMOS_C_IRQF | CMOS_C_AF | CMOS_C_UF);
    wr(CMOS_SECONDS_ALARM, 0xc5);
    for (unsigned i = 0; i < 3; i++) {
        now_ns += NS;
        CHECK_EQ_U64(rd(CMOS_REG_C), CMOS_C_IRQF | CMOS_C_AF | CMOS_C_UF);
    }
    /* AF rises without AIE, the line does not */
    wr(CMOS_REG_B, CMOS_B_24H);
    unsigned before = rec.lines;
    now_ns += NS;
    CHECK_EQ_U64(rd(CMOS_REG_C), CMOS_C_AF | CMOS_C_UF);
    CHECK_EQ_U64(rec.lines, before);

    /* the alarm compares in the current format: 12-hour, 1:00:00 PM */
    reset(LEAP_DAY + 12 * 3600 + 59 * 60 + 58); /* 12:59:58 */
    wr(CMOS_REG_A, 0x20);
    wr(CMOS_REG_B, 0); /* 12-hour BCD */
    wr(CMOS_HOURS_ALARM, 0x81);
    wr(CMOS_MINUTES_ALARM, 0x00);
    wr(CMOS_SECONDS_ALARM, 0x00);
    wr(CMOS_REG_B, CMOS_B_AIE);
    now_ns = NS;
    CHECK_EQ_U64(rd(CMOS_REG_C), CMOS_C_UF);
    now_ns = 2 * NS;
    CHECK_EQ_U64(rd(CMOS_HOURS), 0x81);
    CHECK_EQ_U64(rd(CMOS_REG_C), CMOS_C_IRQF | CMOS_C_AF | CMOS_C_UF);
    /* 1:00:00 AM is 0x01: not the same */
    now_ns = 2 * NS + 12 * 3600 * NS - 1;
    rd(CMOS_REG_C);
    now_ns = 2 * NS + 12 * 3600 * NS;
    CHECK_EQ_U64(rd(CMOS_HOURS), 0x01);
    CHECK_EQ_U64(rd(CMOS_REG_C), CMOS_C_UF);
    /* an alarm passed over during a long gap still counts */
    wr(CMOS_HOURS_ALARM, 0xc0);
    wr(CMOS_MINUTES_ALARM, 0x01);
    wr(CMOS_SECONDS_ALARM, 0x15); /* 01:01:15, passed by 01:01:30 */
    rd(CMOS_REG_C);
    now_ns += 90 * NS;
    CHECK_EQ_U64(rd(CMOS_MINUTES), 0x01);
    CHECK_EQ_U64(rd(CMOS_SECONDS), 0x30);
    CHECK_EQ_U64(rd(CMOS_REG_C), CMOS_C_IRQF | CMOS_C_AF | CMOS_C_UF);
}

static void test_no_clock(void)
{
    /* a model without a clock stands still at its initial time */
    recorder_init(&rec);
    const struct cmos_rtc_config cfg = {.epoch_s = LEAP_DAY, .ram_below_4g = 1 << 20};
    cmos_rtc_init(&rtc, &cfg, &rec.sink, IRQ);
    CHECK_EQ_U64(rd(CMOS_SECONDS), 0);
    CHECK_EQ_U64(rd(CMOS_REG_A), 0x26);
    CHECK_EQ_U64(rd(CMOS_REG_D), 0x80);
    /* and the clock may start anywhere: its value at init is the time's */
    reset_ram(LEAP_DAY, 123456789ull * NS + 5, 1 << 20, 0);
    now_ns = 123456789ull * NS + 5 + NS - 1;
    CHECK_EQ_U64(rd(CMOS_SECONDS), 0x00);
    now_ns += 1;
    CHECK_EQ_U64(rd(CMOS_SECONDS), 0x01);
}

static void test_epoch_ns(void)
{
    /* 0.75 s into its second at init: the first update 0.25 s on, then
     * every second (UIP the 244 us before each) */
    recorder_init(&rec);
    now_ns = 0;
    const struct cmos_rtc_config cfg = {.epoch_s = LEAP_DAY + 59,
                                        .epoch_ns = 750000000,
                                        .ram_below_4g = 1 << 20,
                                        .clock = test_clock};
    cmos_rtc_init(&rtc, &cfg, &rec.sink, IRQ);
    wr(CMOS_REG_A, 0x20);
    CHECK_EQ_U64(rd(CMOS_SECONDS), 0x59);
    now_ns = 250000000 - 244140;
    CHECK_EQ_U64(rd(CMOS_REG_A) & CMOS_A_UIP, CMOS_A_UIP);
    now_ns = 250000000 - 1;
    CHECK_EQ_U64(rd(CMOS_SECONDS), 0x59);
    now_ns = 250000000;
    CHECK_EQ_U64(rd(CMOS_SECONDS), 0x00);
    CHECK_EQ_U64(rd(CMOS_MINUTES), 0x01);
    now_ns = 1250000000 - 1;
    CHECK_EQ_U64(rd(CMOS_SECONDS), 0x00);
    now_ns = 1250000000;
    CHECK_EQ_U64(rd(CMOS_SECONDS), 0x01);
    /* a nanosecond count of a second or more: the second's last moment */
    reset(LEAP_DAY);
    const struct cmos_rtc_config late = {
        .epoch_s = LEAP_DAY, .epoch_ns = 2000000000u, .clock = test_clock};
    cmos_rtc_init(&rtc, &late, &rec.sink, IRQ);
    CHECK_EQ_U64(rd(CMOS_SECONDS), 0x00);
    now_ns = 30518; /* one divider clock */
    CHECK_EQ_U64(rd(CMOS_SECONDS), 0x01);
}

int main(void)
{
    test_reset_values();
    test_epoch_conversion();
    test_index_port();
    test_nvram();
    test_memory_size();
    test_formats_read();
    test_formats_write();
    test_update_cycle();
    test_rollover();
    test_set_freezes();
    test_periodic();
    test_update_interrupt();
    test_alarm();
    test_no_clock();
    test_epoch_ns();
    return check_report("devices_cmos_rtc");
}
