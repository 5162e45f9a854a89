/* The APIC timer against the TSC: one-shot fires once and not early,
 * periodic fires every period and stops at count 0, the current count
 * goes down and reloads, all 8 divide encodings, a masked timer counts
 * but raises nothing, HLT is woken by the timer (SDM 11.5.4). */
#include "tests.h"
#include <guest/cpu.h>

static const struct {
    uint32_t bits, divisor;
} divides[8] = {{0x0, 2},  {0x1, 4},  {0x2, 8},   {0x3, 16},
                {0x8, 32}, {0x9, 64}, {0xa, 128}, {0xb, 1}};

static void spin(uint64_t ticks)
{
    uint64_t t = rt_tsc();
    while (rt_tsc() - t < ticks)
        cpu_relax();
}

/* Starts the timer: LVT, divide by 1, then the count. */
static uint64_t start(uint32_t lvt, uint32_t count)
{
    rt_apic_write(APIC_REG_TIMER_DIVIDE, APIC_TIMER_DIVIDE_BY_1);
    rt_apic_write(APIC_REG_LVT_TIMER, lvt);
    uint64_t t = rt_tsc();
    rt_apic_write(APIC_REG_TIMER_INITIAL, count);
    return t;
}

static void stop(void)
{
    rt_apic_write(APIC_REG_TIMER_INITIAL, 0);
    rt_apic_write(APIC_REG_LVT_TIMER, APIC_LVT_MASKED | VEC_TIMER);
}

static void test_one_shot(void)
{
    record_reset();
    uint32_t count = (uint32_t)counts_for(env.unit);
    uint64_t due = tsc_for(count);
    uint64_t t0 = start(VEC_TIMER, count);
    bool came = wait_hits(VEC_TIMER, 1, late_bound(due));
    uint64_t took = rec[VEC_TIMER].tsc - t0;
    rt_check(came, "one-shot timer fires", "nothing after %lu TSC ticks", late_bound(due));
    rt_check(came && took >= due - due / 20, "one-shot timer: not before its count ran out",
             "after %lu TSC ticks, due after %lu", took, due);
    rt_check(came && took <= late_bound(due), "one-shot timer: not implausibly late",
             "after %lu TSC ticks, due after %lu", took, due);
    rt_note("one-shot of %u counts: due after %lu TSC ticks, came after %lu", count, due, took);
    wait_hits(VEC_TIMER, 2, due);
    rt_check(rec[VEC_TIMER].hits == 1, "one-shot timer fires once", "%u interrupts",
             rec[VEC_TIMER].hits);
    rt_check(rt_apic_read(APIC_REG_TIMER_CURRENT) == 0,
             "one-shot timer: current count 0 at the end", "%u",
             rt_apic_read(APIC_REG_TIMER_CURRENT));
    rt_check(rt_apic_read(APIC_REG_TIMER_INITIAL) == count, "initial count reads back", "%u",
             rt_apic_read(APIC_REG_TIMER_INITIAL));
    stop();
}

static void test_periodic(void)
{
    enum { PERIODS = 5 };
    record_reset();
    uint32_t count = (uint32_t)counts_for(env.unit / 2);
    uint64_t period = tsc_for(count);
    uint64_t t0 = start(APIC_TIMER_PERIODIC << APIC_LVT_TIMER_SHIFT | VEC_TIMER, count);
    bool came = wait_hits(VEC_TIMER, PERIODS, PERIODS * late_bound(period));
    uint64_t took = rec[VEC_TIMER].tsc - t0;
    rt_apic_write(APIC_REG_TIMER_INITIAL, 0); /* count 0 stops it */
    rt_check(came, "periodic timer fires 5 times", "%u interrupts", rec[VEC_TIMER].hits);
    rt_check(came && took >= PERIODS * (period - period / 20),
             "periodic timer: 5 interrupts take at least 5 periods", "%lu TSC ticks, period %lu",
             took, period);
    rt_check(came && took <= PERIODS * late_bound(period),
             "periodic timer: 5 periods not implausibly long", "%lu TSC ticks, period %lu", took,
             period);
    rt_note("periodic, %u counts: period %lu TSC ticks, 5 came after %lu", count, period, took);
    wait_hits(VEC_TIMER, 100, env.ipi_latency * 4); /* one may have been pending */
    unsigned hits = rec[VEC_TIMER].hits;
    wait_hits(VEC_TIMER, hits + 1, 2 * period);
    rt_check(rec[VEC_TIMER].hits == hits, "initial count 0 stops the periodic timer",
             "%u more interrupts", rec[VEC_TIMER].hits - hits);
    stop();
}

static void test_current_count(void)
{
    /* The largest count does not run out during the test (a host that
     * stalls the emulator for a while cannot make it wrap). */
    start(APIC_LVT_MASKED | VEC_TIMER, 0xffffffff);
    uint32_t c[3];
    for (int i = 0; i < 3; i++) {
        c[i] = rt_apic_read(APIC_REG_TIMER_CURRENT);
        spin(env.unit / 8);
    }
    rt_check(c[0] > c[1] && c[1] > c[2], "current count goes down from the initial count",
             "%u, %u, %u", c[0], c[1], c[2]);
    uint32_t count = (uint32_t)counts_for(env.unit);
    start(APIC_LVT_MASKED | APIC_TIMER_PERIODIC << APIC_LVT_TIMER_SHIFT | VEC_TIMER, count);
    spin(env.unit + env.unit / 2);
    uint32_t later = rt_apic_read(APIC_REG_TIMER_CURRENT);
    rt_check(later > 0 && later <= count, "periodic: the count reloads after reaching 0",
             "%u of %u", later, count);
    stop();
}

/* The count's rate at each divide encoding against divide 1. */
static void test_divide(void)
{
    for (int d = 0; d < 8; d++) {
        uint32_t div = divides[d].divisor;
        uint64_t window = tsc_for(4000ull * div), ticks, slack, counts = 0;
        if (window < 100 * env.read_cost)
            window = 100 * env.read_cost;
        rt_apic_write(APIC_REG_TIMER_DIVIDE, divides[d].bits);
        rt_apic_write(APIC_REG_LVT_TIMER, APIC_LVT_MASKED | VEC_TIMER);
        /* Again, longer, while the reads' own time blurs it by > 2%. */
        for (int round = 0; round < 4; round++, window *= 2) {
            rt_apic_write(APIC_REG_TIMER_INITIAL, 0xffffffff);
            counts = count_rate(window, &ticks, &slack);
            if (50 * slack <= ticks)
                break;
        }
        /* counts * div against the divide-1 rate over the window, 10%
         * apart at most beyond what the reads' times leave open. */
        uint64_t got = counts * div * env.rate_tsc;
        uint64_t lo = (ticks > slack ? ticks - slack : 0) * env.rate_counts;
        uint64_t hi = (ticks + slack) * env.rate_counts;
        rt_check(counts && got >= lo - lo / 10 && got <= hi + hi / 10,
                 "divide configuration: the count runs at 1/divisor",
                 "bits %#x (divide by %u): %lu counts in %lu (+-%lu) TSC ticks", divides[d].bits,
                 div, counts, ticks, slack);
        rt_check(rt_apic_read(APIC_REG_TIMER_DIVIDE) == divides[d].bits,
                 "divide configuration reads back", "%#x", rt_apic_read(APIC_REG_TIMER_DIVIDE));
    }
    stop();
}

static void test_masked(void)
{
    record_reset();
    uint32_t count = (uint32_t)counts_for(env.unit / 4);
    start(APIC_LVT_MASKED | VEC_TIMER, count);
    wait_hits(VEC_TIMER, 1, 2 * tsc_for(count) + quiet());
    rt_check(rec[VEC_TIMER].hits == 0 && !rt_apic_vector_set(APIC_REG_IRR, VEC_TIMER),
             "masked one-shot timer raises nothing", "%u interrupts", rec[VEC_TIMER].hits);
    rt_check(rt_apic_read(APIC_REG_TIMER_CURRENT) == 0, "masked one-shot timer counted down to 0",
             "%u", rt_apic_read(APIC_REG_TIMER_CURRENT));
    stop();
}

static void test_hlt(void)
{
    record_reset();
    uint32_t count = (uint32_t)counts_for(env.unit);
    uint64_t due = tsc_for(count);
    uint64_t t0 = start(VEC_TIMER, count);
    bool woke = rt_halt_until(&rec[VEC_TIMER].hits, 1, late_bound(due));
    uint64_t took = rt_tsc() - t0;
    rt_check(woke, "HLT with IF=1: the timer interrupt wakes it", "no timer interrupt");
    rt_check(woke && took >= due - due / 20, "HLT: woken no earlier than the timer was due",
             "after %lu TSC ticks, due after %lu", took, due);
    stop();
}

void test_timer(void)
{
    test_one_shot();
    test_periodic();
    test_current_count();
    test_divide();
    test_masked();
    test_hlt();
}
