/* The PC's CMOS RAM and MC146818A real-time clock (cmos_rtc.h). */
#include <string.h>
#include <vireo/date.h>

#include "cmos_rtc.h"

#define NS_PER_S       1000000000ull
#define S_PER_DAY      86400u
#define DAYS_PER_400Y  146097u           /* a whole number of weeks, too */
#define RELEASE_CLOCKS (CMOS_RTC_HZ / 2) /* a divider leaving reset: first update 500 ms on */

/* ---- the calendar ---- */

/* The calendar is the runtime's (lib/date.c); a guest's nonsense month
 * rolls over like a long one. */
unsigned cmos_rtc_days_in_month(unsigned mon, u32 year)
{
    unsigned days = date_days_in_month(mon, year);
    return days ? days : 31;
}

void cmos_rtc_time_from_epoch(u64 epoch_s, struct cmos_rtc_time *t)
{
    if (epoch_s > CMOS_RTC_MAX_S)
        epoch_s = CMOS_RTC_MAX_S;
    u64 days = epoch_s / S_PER_DAY;
    u32 tod = (u32)(epoch_s % S_PER_DAY);
    t->sec = (u8)(tod % 60);
    t->min = (u8)(tod / 60 % 60);
    t->hour = (u8)(tod / 3600);
    t->wday = (u8)((days + 4) % 7 + 1); /* 1970-01-01 was a Thursday (5) */
    /* days to the civil date, counting from 0000-03-01 (400-year eras) */
    u64 z = days + 719468;
    u64 era = z / DAYS_PER_400Y;
    u64 doe = z - era * DAYS_PER_400Y;
    u64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    u64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    u64 mp = (5 * doy + 2) / 153;
    t->mday = (u8)(doy - (153 * mp + 2) / 5 + 1);
    t->mon = (u8)(mp < 10 ? mp + 3 : mp - 9);
    t->year = (u32)(yoe + era * 400 + (t->mon <= 2));
}

static void add_days(struct cmos_rtc_time *t, u64 days)
{
    t->wday = (u8)(((t->wday + 6u) % 7 + days % 7) % 7 + 1);
    t->year += (u32)(days / DAYS_PER_400Y * 400);
    days %= DAYS_PER_400Y;
    while (days) {
        unsigned dim = cmos_rtc_days_in_month(t->mon, t->year);
        unsigned left = t->mday < dim ? dim - t->mday : 0; /* days after today in this month */
        if (days <= left) {
            t->mday = (u8)(t->mday + days);
            return;
        }
        days -= left + 1u;
        t->mday = 1;
        if (++t->mon > 12) {
            t->mon = 1;
            t->year++;
        }
    }
}

/* n update cycles: n seconds on, carried into the larger units. */
static void add_seconds(struct cmos_rtc_time *t, u64 n)
{
    u64 s = t->sec + n;
    t->sec = (u8)(s % 60);
    u64 m = t->min + s / 60;
    t->min = (u8)(m % 60);
    u64 h = t->hour + m / 60;
    t->hour = (u8)(h % 24);
    add_days(t, h / 24);
}

/* ---- register formats ---- */

static u8 reg_b(const struct cmos_rtc *r)
{
    return r->ram[CMOS_REG_B];
}

static u8 to_reg(const struct cmos_rtc *r, unsigned v)
{
    if (reg_b(r) & CMOS_B_DM)
        return (u8)v;
    return (u8)((v / 10 % 10) << 4 | v % 10);
}

static u8 from_reg(const struct cmos_rtc *r, u8 v)
{
    if (reg_b(r) & CMOS_B_DM)
        return v;
    return (u8)((v >> 4) * 10 + (v & 0x0f));
}

static u8 hour_to_reg(const struct cmos_rtc *r, unsigned h)
{
    if (reg_b(r) & CMOS_B_24H)
        return to_reg(r, h);
    h %= 24;
    return (u8)(to_reg(r, h % 12 ? h % 12 : 12) | (h >= 12 ? 0x80u : 0));
}

static u8 hour_from_reg(const struct cmos_rtc *r, u8 v)
{
    if (reg_b(r) & CMOS_B_24H)
        return from_reg(r, v);
    return (u8)(from_reg(r, v & 0x7f) % 12 + (v & 0x80 ? 12 : 0)); /* 12 AM is 0 */
}

/* ---- the divider chain ---- */

static bool divider_runs(const struct cmos_rtc *r)
{
    return (r->ram[CMOS_REG_A] & CMOS_A_DV) <= CMOS_A_DV_32K; /* 000, 001, 010 as on QEMU */
}

static u64 now(const struct cmos_rtc *r)
{
    return r->clock ? r->clock(r->clock_ctx) : 0;
}

/* The divider count at clock time t. */
static u64 count_at(const struct cmos_rtc *r, u64 t)
{
    if (t <= r->origin_ns)
        return r->origin_count;
    u64 d = t - r->origin_ns;
    return r->origin_count + d / NS_PER_S * CMOS_RTC_HZ + d % NS_PER_S * CMOS_RTC_HZ / NS_PER_S;
}

/* The first clock time at which the count reaches c (>= origin_count). */
static u64 time_of_count(const struct cmos_rtc *r, u64 c)
{
    u64 d = c - r->origin_count;
    return r->origin_ns + d / CMOS_RTC_HZ * NS_PER_S +
           (d % CMOS_RTC_HZ * NS_PER_S + CMOS_RTC_HZ - 1) / CMOS_RTC_HZ;
}

static void restart_divider(struct cmos_rtc *r, u64 t, u64 count)
{
    r->origin_ns = t;
    r->origin_count = count;
    r->count = count;
}

/* Divider clocks per periodic flag, 0 if the rate select is off. */
static u64 periodic_clocks(const struct cmos_rtc *r)
{
    unsigned rs = r->ram[CMOS_REG_A] & CMOS_A_RS;
    if (rs == 0)
        return 0;
    if (rs <= 2) /* 1 and 2 repeat 8 and 9 (256, 128 Hz) */
        rs += 7;
    return 1ull << (rs - 1);
}

static bool alarm_byte_matches(u8 alarm, u8 value)
{
    return (alarm & CMOS_ALARM_ANY) == CMOS_ALARM_ANY || alarm == value;
}

static bool alarm_matches(const struct cmos_rtc *r, u32 tod)
{
    return alarm_byte_matches(r->ram[CMOS_SECONDS_ALARM], to_reg(r, tod % 60)) &&
           alarm_byte_matches(r->ram[CMOS_MINUTES_ALARM], to_reg(r, tod / 60 % 60)) &&
           alarm_byte_matches(r->ram[CMOS_HOURS_ALARM], hour_to_reg(r, tod / 3600));
}

/* n update cycles: the time moves on, UF rises, AF if any of the n new
 * times matched the alarm (a day's worth covers every time of day). */
static void update_cycles(struct cmos_rtc *r, u64 n)
{
    if (!(r->flags & CMOS_C_AF)) {
        u64 tod0 = r->time.hour * 3600ull + r->time.min * 60ull + r->time.sec;
        u64 checks = n < S_PER_DAY ? n : S_PER_DAY;
        for (u64 k = 1; k <= checks; k++) {
            if (alarm_matches(r, (u32)((tod0 + k) % S_PER_DAY))) {
                r->flags |= CMOS_C_AF;
                break;
            }
        }
    }
    add_seconds(&r->time, n);
    r->flags |= CMOS_C_UF;
}

static bool irqf(const struct cmos_rtc *r)
{
    return r->flags & reg_b(r) & (CMOS_B_PIE | CMOS_B_AIE | CMOS_B_UIE);
}

static void update_irq(struct cmos_rtc *r)
{
    dev_line_set(&r->irq, irqf(r));
}

/* Everything the divider did between the last look and the present. */
static void catch_up(struct cmos_rtc *r)
{
    if (!divider_runs(r))
        return;
    u64 c = count_at(r, now(r));
    if (c <= r->count)
        return;
    u64 p = periodic_clocks(r);
    if (p && c / p != r->count / p)
        r->flags |= CMOS_C_PF;
    u64 updates = c / CMOS_RTC_HZ - r->count / CMOS_RTC_HZ;
    if (updates && !(reg_b(r) & CMOS_B_SET))
        update_cycles(r, updates);
    r->count = c;
}

void cmos_rtc_advance(struct cmos_rtc *r)
{
    catch_up(r);
    update_irq(r);
}

static bool update_in_progress(const struct cmos_rtc *r)
{
    return divider_runs(r) && !(reg_b(r) & CMOS_B_SET) &&
           r->count % CMOS_RTC_HZ >= CMOS_RTC_HZ - CMOS_UIP_CLOCKS;
}

u64 cmos_rtc_next_event(const struct cmos_rtc *r)
{
    if (!divider_runs(r))
        return CMOS_RTC_NO_EVENT;
    u8 b = reg_b(r);
    u64 next = ~0ull; /* in divider clocks */
    u64 p = periodic_clocks(r);
    if (p && (b & CMOS_B_PIE) && !(r->flags & CMOS_C_PF))
        next = (r->count / p + 1) * p;
    bool uf_wanted = (b & CMOS_B_UIE) && !(r->flags & CMOS_C_UF);
    bool af_wanted = (b & CMOS_B_AIE) && !(r->flags & CMOS_C_AF);
    if (!(b & CMOS_B_SET) && (uf_wanted || af_wanted)) {
        u64 u = (r->count / CMOS_RTC_HZ + 1) * CMOS_RTC_HZ;
        if (u < next)
            next = u;
    }
    return next == ~0ull ? CMOS_RTC_NO_EVENT : time_of_count(r, next);
}

/* ---- NVRAM contents ---- */

static void put16(u8 *ram, unsigned lo, u64 v, u64 max)
{
    if (v > max)
        v = max;
    ram[lo] = (u8)v;
    ram[lo + 1] = (u8)(v >> 8);
}

static void pc_contents(struct cmos_rtc *r, u64 below, u64 above)
{
    u8 *ram = r->ram;
    const u64 kib = 1024, mib = 1024 * kib;
    ram[CMOS_FLOPPY] = 0;
    ram[CMOS_EQUIPMENT] = CMOS_EQUIPMENT_PC;
    put16(ram, CMOS_BASE_MEM_LO, below / kib, 640);
    u64 ext = below > mib ? (below - mib) / kib : 0;
    put16(ram, CMOS_EXT_MEM_LO, ext, 0xffff);
    put16(ram, CMOS_EXT_MEM2_LO, ext, 0xffff);
    put16(ram, CMOS_MEM_16M_LO, below > 16 * mib ? (below - 16 * mib) / (64 * kib) : 0, 0xffff);
    u64 high = above / (64 * kib);
    if (high > 0xffffff)
        high = 0xffffff;
    ram[CMOS_MEM_4G_LO] = (u8)high;
    ram[CMOS_MEM_4G_MID] = (u8)(high >> 8);
    ram[CMOS_MEM_4G_HI] = (u8)(high >> 16);
    unsigned sum = 0;
    for (unsigned i = CMOS_CHECKSUM_FIRST; i <= CMOS_CHECKSUM_LAST; i++)
        sum += ram[i];
    ram[CMOS_CHECKSUM_HI] = (u8)(sum >> 8);
    ram[CMOS_CHECKSUM_LO] = (u8)sum;
}

void cmos_rtc_init(struct cmos_rtc *r, const struct cmos_rtc_config *cfg,
                   const struct dev_sink *sink, u16 line)
{
    memset(r, 0, sizeof(*r));
    r->clock = cfg->clock;
    r->clock_ctx = cfg->clock_ctx;
    r->ram[CMOS_REG_A] = CMOS_A_DEFAULT;
    r->ram[CMOS_REG_B] = CMOS_B_DEFAULT;
    pc_contents(r, cfg->ram_below_4g, cfg->ram_above_4g);
    cmos_rtc_time_from_epoch(cfg->epoch_s, &r->time);
    /* the divider part-way through the second: the first update sooner */
    u64 ns = cfg->epoch_ns < NS_PER_S ? cfg->epoch_ns : NS_PER_S - 1;
    restart_divider(r, now(r), ns * CMOS_RTC_HZ / NS_PER_S);
    dev_line_init(&r->irq, sink, line);
}

/* ---- registers ---- */

static u8 read_data(struct cmos_rtc *r)
{
    const struct cmos_rtc_time *t = &r->time;
    u8 i = r->index;
    switch (i) {
    case CMOS_SECONDS:
        return to_reg(r, t->sec);
    case CMOS_MINUTES:
        return to_reg(r, t->min);
    case CMOS_HOURS:
        return hour_to_reg(r, t->hour);
    case CMOS_DAY_OF_WEEK:
        return to_reg(r, t->wday);
    case CMOS_DAY_OF_MONTH:
        return to_reg(r, t->mday);
    case CMOS_MONTH:
        return to_reg(r, t->mon);
    case CMOS_YEAR:
        return to_reg(r, t->year % 100);
    case CMOS_CENTURY:
    case CMOS_CENTURY_PS2:
        return to_reg(r, t->year / 100 % 100);
    case CMOS_REG_A:
        return (u8)(r->ram[CMOS_REG_A] | (update_in_progress(r) ? CMOS_A_UIP : 0));
    case CMOS_REG_C: {
        u8 v = (u8)(r->flags | (irqf(r) ? CMOS_C_IRQF : 0));
        r->flags = 0; /* reading C acknowledges every interrupt */
        return v;
    }
    case CMOS_REG_D:
        return CMOS_D_VRT;
    default: /* alarms, B, NVRAM */
        return r->ram[i];
    }
}

static void write_a(struct cmos_rtc *r, u8 v)
{
    bool ran = divider_runs(r);
    r->ram[CMOS_REG_A] = v & (u8)~CMOS_A_UIP; /* UIP is read-only */
    /* out of reset (or a test mode): the first update half a second on */
    if (!ran && divider_runs(r))
        restart_divider(r, now(r), RELEASE_CLOCKS);
}

static void write_data(struct cmos_rtc *r, u8 v)
{
    struct cmos_rtc_time *t = &r->time;
    switch (r->index) {
    case CMOS_SECONDS:
        t->sec = from_reg(r, v);
        break;
    case CMOS_MINUTES:
        t->min = from_reg(r, v);
        break;
    case CMOS_HOURS:
        t->hour = hour_from_reg(r, v);
        break;
    case CMOS_DAY_OF_WEEK:
        t->wday = from_reg(r, v);
        break;
    case CMOS_DAY_OF_MONTH:
        t->mday = from_reg(r, v);
        break;
    case CMOS_MONTH:
        t->mon = from_reg(r, v);
        break;
    case CMOS_YEAR:
        t->year = t->year / 100 * 100 + from_reg(r, v);
        break;
    case CMOS_CENTURY:
    case CMOS_CENTURY_PS2:
        t->year = from_reg(r, v) * 100u + t->year % 100;
        break;
    case CMOS_REG_A:
        write_a(r, v);
        break;
    case CMOS_REG_B:
        if (v & CMOS_B_SET) /* the chip clears UIE when SET goes on */
            v &= (u8)~CMOS_B_UIE;
        r->ram[CMOS_REG_B] = v;
        break;
    case CMOS_REG_C:
    case CMOS_REG_D: /* read-only */
        break;
    default: /* alarms, NVRAM */
        r->ram[r->index] = v;
        break;
    }
}

u32 cmos_rtc_read(void *dev, u16 offset, unsigned size)
{
    struct cmos_rtc *r = dev;
    (void)size;
    if (offset != 1) /* the index port is write-only: QEMU reads 0xff */
        return 0xff;
    catch_up(r);
    u8 v = read_data(r);
    update_irq(r);
    return v;
}

void cmos_rtc_write(void *dev, u16 offset, unsigned size, u32 value)
{
    struct cmos_rtc *r = dev;
    (void)size;
    if (offset == 0) {
        r->index = (u8)(value & CMOS_INDEX_MASK);
        r->nmi_disabled = value & CMOS_INDEX_NMI;
        return;
    }
    if (offset != 1)
        return;
    catch_up(r); /* what happened before the write, under the old settings */
    write_data(r, (u8)value);
    update_irq(r);
}

struct port_range cmos_rtc_port_range(struct cmos_rtc *r, u16 base)
{
    return (struct port_range){.base = base,
                               .count = CMOS_RTC_PORTS,
                               .sizes = PORT_SIZE_1,
                               .read = cmos_rtc_read,
                               .write = cmos_rtc_write,
                               .dev = r,
                               .name = "cmos-rtc"};
}
