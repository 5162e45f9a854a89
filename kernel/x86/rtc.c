/*
 * The host's CMOS RTC (rtc.h). The time registers change during an
 * update cycle: the read waits until register A's UIP bit is clear, reads
 * them, and reads them again until two reads agree. Register B says how
 * they are coded (lib/date.c decodes them). The clock is taken to run in
 * UTC, as QEMU's and Bochs' do by default and tools/run asks for.
 */
#include "rtc.h"
#include "apic.h"
#include "../log.h"
#include <vireo/date.h>
#include <x86/cpu.h>
#include <x86/io.h>

enum {
    CMOS_INDEX = 0x70,
    CMOS_DATA = 0x71,
    REG_SECONDS = 0x00,
    REG_MINUTES = 0x02,
    REG_HOURS = 0x04,
    REG_MDAY = 0x07,
    REG_MONTH = 0x08,
    REG_YEAR = 0x09,
    REG_A = 0x0a,
    REG_B = 0x0b,
    REG_CENTURY = 0x32, /* the PC's century byte (ACPI FADT's default) */
    A_UIP = 0x80,
};
/* An update holds UIP for about 2 ms at most; a clock whose UIP stays set
 * this long is taken as absent (a missing device reads 0xff). */
#define UIP_WAIT_MS 20u
#define READ_TRIES  8u

static u64 epoch_s, epoch_tsc;

static u8 cmos_read(u8 reg)
{
    outb(CMOS_INDEX, reg);
    return inb(CMOS_DATA);
}

static bool wait_uip_clear(u64 deadline)
{
    while (cmos_read(REG_A) & A_UIP) {
        if (rdtsc() > deadline)
            return false;
        cpu_relax();
    }
    return true;
}

static void read_time(struct date_cmos *c)
{
    c->sec = cmos_read(REG_SECONDS);
    c->min = cmos_read(REG_MINUTES);
    c->hour = cmos_read(REG_HOURS);
    c->mday = cmos_read(REG_MDAY);
    c->mon = cmos_read(REG_MONTH);
    c->year = cmos_read(REG_YEAR);
    c->century = cmos_read(REG_CENTURY);
    c->reg_b = cmos_read(REG_B);
}

static bool same(const struct date_cmos *a, const struct date_cmos *b)
{
    return a->sec == b->sec && a->min == b->min && a->hour == b->hour && a->mday == b->mday &&
           a->mon == b->mon && a->year == b->year && a->century == b->century &&
           a->reg_b == b->reg_b;
}

/* Two agreeing reads into *c, the TSC after them in *tsc; false if UIP
 * never clears or the reads never agree. */
static bool read_stable(struct date_cmos *c, u64 *tsc)
{
    u64 khz = tsc_khz() ? tsc_khz() : 1000000u;
    struct date_cmos prev;
    for (unsigned i = 0; i < READ_TRIES; i++) {
        if (!wait_uip_clear(rdtsc() + khz * UIP_WAIT_MS))
            return false;
        read_time(&prev);
        if (!wait_uip_clear(rdtsc() + khz * UIP_WAIT_MS))
            return false;
        read_time(c);
        *tsc = rdtsc();
        if (same(&prev, c))
            return true;
    }
    return false;
}

void rtc_init_bsp(void)
{
    struct date_cmos c;
    u64 tsc = 0;
    if (!read_stable(&c, &tsc)) {
        log_warn("kernel: rtc: unreadable (update never ends or reads disagree): the date is "
                 "unknown\n");
        return;
    }
    struct date_time t;
    u64 s = date_from_cmos(&c, &t);
    if (!s) {
        log_warn("kernel: rtc: no date in 2000..2099 (%02x-%02x-%02x %02x:%02x:%02x, century %02x, "
                 "B %02x): the date is unknown\n",
                 c.year, c.mon, c.mday, c.hour, c.min, c.sec, c.century, c.reg_b);
        return;
    }
    epoch_s = s;
    epoch_tsc = tsc;
    log_info("kernel: rtc: %04u-%02u-%02u %02u:%02u:%02u UTC\n", t.year, t.mon, t.mday, t.hour,
             t.min, t.sec);
}

u64 rtc_epoch_s(void)
{
    return epoch_s;
}

u64 rtc_epoch_tsc(void)
{
    return epoch_tsc;
}
