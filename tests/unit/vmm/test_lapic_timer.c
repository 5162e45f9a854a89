/*
 * The local APIC timer model (servers/vmm/lapic_timer.c) with the guest
 * TSC advanced by hand: the current count and the expiry TSC for all 8
 * divide encodings, one-shot (fires exactly once), periodic over many
 * periods (once per period, on the exact TSC, wrapping count, no drift at
 * a non-integer TSC/timer ratio), coalesced periods after a long gap,
 * masked timers that count but raise nothing, initial count 0, divide
 * and mode changes while counting, TSC-deadline mode (arm, fire once,
 * clear, disarm with 0, a deadline in the past, the MSR outside the mode,
 * mode switches), and the timer clock Vireo suggests (lapic_timer_khz).
 * Expected TSCs are computed here with 128-bit arithmetic.
 */
#include "lapic_check.h"

/* SDM figure 11-10: bits 3,1,0 of the divide configuration. */
static const struct {
    u32 bits, divisor;
} divides[8] = {{0x0, 2},  {0x1, 4},  {0x2, 8},   {0x3, 16},
                {0x8, 32}, {0x9, 64}, {0xa, 128}, {0xb, 1}};

/* The first TSC at which `counts` counts at `divisor` have elapsed since
 * start: ceil(counts * divisor * tsc / timer). */
static u64 at_count(u64 start, u64 counts, u32 divisor, u64 tsc_khz, u64 timer_khz)
{
    unsigned __int128 ticks = (unsigned __int128)counts * divisor * tsc_khz;
    return start + (u64)((ticks + timer_khz - 1) / timer_khz);
}

static void timer_setup(u32 lvt, u32 divide_bits)
{
    sw_enable();
    wr(APIC_REG_TIMER_DIVIDE, divide_bits);
    wr(APIC_REG_LVT_TIMER, lvt);
}

static void test_divide_one_shot(void)
{
    for (int d = 0; d < 8; d++) {
        fresh(0);
        timer_setup(0x40, divides[d].bits);
        CHECK_EQ_U64(rd(APIC_REG_TIMER_DIVIDE), divides[d].bits);
        u64 start = now, step = 30ull * divides[d].divisor; /* TSC per count */
        wr(APIC_REG_TIMER_INITIAL, 1000);
        u64 expiry = start + 1000 * step;
        CHECK_EQ_U64(lapic_next_event(&a), expiry);
        static const u64 counts[] = {0, 1, 10, 500, 999};
        for (unsigned i = 0; i < 5; i++) {
            now = start + counts[i] * step;
            CHECK_EQ_U64(rd(APIC_REG_TIMER_CURRENT), 1000 - counts[i]);
            now += step - 1; /* one TSC tick before the next count */
            CHECK_EQ_U64(rd(APIC_REG_TIMER_CURRENT), 1000 - counts[i]);
        }
        now = expiry - 1;
        lapic_update(&a, now);
        CHECK(irr_empty());
        CHECK_EQ_U64(rd(APIC_REG_TIMER_CURRENT), 1);
        now = expiry;
        lapic_update(&a, now);
        CHECK(bit(a.irr, 0x40));
        CHECK_EQ_U64(rd(APIC_REG_TIMER_CURRENT), 0);
        CHECK_EQ_U64(lapic_next_event(&a), LAPIC_NO_EVENT);
        CHECK_EQ_U64(lapic_pending(&a), 0x40);
        take_and_eoi(0x40);
        /* Once only. */
        for (int k = 1; k < 50; k++) {
            now = expiry + (u64)k * 1000 * step;
            lapic_update(&a, now);
            CHECK(irr_empty());
            CHECK_EQ_U64(rd(APIC_REG_TIMER_CURRENT), 0);
        }
        /* The initial count still reads back. */
        CHECK_EQ_U64(rd(APIC_REG_TIMER_INITIAL), 1000);
    }
}

/* Periodic: each period's expiry at its exact TSC, once, and the count
 * reloads from the initial count. */
static void periodic_run(u64 tsc_khz, u64 timer_khz, u32 initial, int d, int periods)
{
    lapic_reset(&a, 0, true, tsc_khz, timer_khz);
    now = 777777;
    timer_setup(0x20000 | 0x41, divides[d].bits);
    u64 start = now;
    wr(APIC_REG_TIMER_INITIAL, initial);
    for (int k = 1; k <= periods; k++) {
        u32 div = divides[d].divisor;
        u64 expiry = at_count(start, (u64)k * initial, div, tsc_khz, timer_khz);
        CHECK_EQ_U64(lapic_next_event(&a), expiry);
        now = expiry - 1;
        lapic_update(&a, now);
        CHECK(irr_empty());
        CHECK_EQ_U64(rd(APIC_REG_TIMER_CURRENT), 1);
        now = expiry;
        lapic_update(&a, now);
        CHECK(bit(a.irr, 0x41));
        CHECK_EQ_U64(rd(APIC_REG_TIMER_CURRENT), initial); /* reloaded */
        take_and_eoi(0x41);
        lapic_update(&a, now);
        CHECK(irr_empty());
        /* Halfway through the next period. */
        u64 half = at_count(start, (u64)k * initial + initial / 2, div, tsc_khz, timer_khz);
        now = half;
        CHECK_EQ_U64(rd(APIC_REG_TIMER_CURRENT), initial - initial / 2);
        CHECK(irr_empty());
    }
}

static void test_periodic(void)
{
    periodic_run(TEST_TSC_KHZ, TEST_TIMER_KHZ, 100, 7, 200);
    periodic_run(TEST_TSC_KHZ, TEST_TIMER_KHZ, 37, 2, 100);
    /* A TSC/timer ratio that is no integer: 2,893,456 kHz against
     * 99,774 kHz, over 5000 periods: the 5000th expiry is where the
     * formula puts it, no rounding carried from period to period. */
    periodic_run(2893456, 99774, 1000, 7, 5000);
    periodic_run(2893456, 99774, 3, 0, 3000);
    /* The timer at the TSC's own rate (Bochs-like). */
    periodic_run(50000, 50000, 1, 7, 1000);
    periodic_run(50000, 50000, 0xffffffff, 6, 3);
}

static void test_periodic_gap(void)
{
    fresh(0);
    timer_setup(0x20000 | 0x42, 0xb);
    u64 start = now, period = 100 * 30;
    wr(APIC_REG_TIMER_INITIAL, 100);
    /* 10.5 periods pass without a look: one IRR bit, the count halfway,
     * the next expiry on the original schedule. */
    now = start + 10 * period + period / 2;
    lapic_update(&a, now);
    CHECK(bit(a.irr, 0x42));
    CHECK_EQ_U64(rd(APIC_REG_TIMER_CURRENT), 50);
    CHECK_EQ_U64(lapic_next_event(&a), start + 11 * period);
    take_and_eoi(0x42);
    /* A pending vector is not raised twice: IRR holds one. */
    now = start + 13 * period;
    lapic_update(&a, now);
    CHECK(bit(a.irr, 0x42));
    CHECK_EQ_U64(a.isr[0x42 / 32], 0);
    /* Rewriting the initial count restarts from now. */
    take_and_eoi(0x42);
    now += 7;
    start = now;
    wr(APIC_REG_TIMER_INITIAL, 10);
    CHECK_EQ_U64(lapic_next_event(&a), start + 300);
    CHECK_EQ_U64(rd(APIC_REG_TIMER_CURRENT), 10);
    /* Initial count 0 stops it. */
    now += 100;
    wr(APIC_REG_TIMER_INITIAL, 0);
    CHECK_EQ_U64(lapic_next_event(&a), LAPIC_NO_EVENT);
    CHECK_EQ_U64(rd(APIC_REG_TIMER_CURRENT), 0);
    now += 1000000;
    lapic_update(&a, now);
    CHECK(irr_empty());
}

static void test_masked(void)
{
    fresh(0);
    timer_setup(0x30000 | 0x43, 0xb); /* periodic, masked */
    u64 start = now, period = 50 * 30;
    wr(APIC_REG_TIMER_INITIAL, 50);
    CHECK_EQ_U64(lapic_next_event(&a), LAPIC_NO_EVENT); /* nothing to wake for */
    for (int k = 1; k <= 20; k++) {
        now = start + (u64)k * period + 10 * 30;
        lapic_update(&a, now);
        CHECK(irr_empty());
        CHECK_EQ_U64(rd(APIC_REG_TIMER_CURRENT), 40); /* it still counts */
    }
    /* Unmasked: the periods that passed masked raise nothing; the next
     * one does. */
    wr(APIC_REG_LVT_TIMER, 0x20000 | 0x43);
    lapic_update(&a, now);
    CHECK(irr_empty());
    CHECK_EQ_U64(lapic_next_event(&a), start + 21 * period);
    now = start + 21 * period;
    lapic_update(&a, now);
    CHECK(bit(a.irr, 0x43));
    take_and_eoi(0x43);
    /* A one-shot that expires masked ends silently. */
    wr(APIC_REG_LVT_TIMER, 0x10000 | 0x44);
    start = now;
    wr(APIC_REG_TIMER_INITIAL, 5);
    now = start + 5 * 30;
    lapic_update(&a, now);
    CHECK(irr_empty());
    CHECK_EQ_U64(rd(APIC_REG_TIMER_CURRENT), 0);
    wr(APIC_REG_LVT_TIMER, 0x44);
    now += 100000;
    lapic_update(&a, now);
    CHECK(irr_empty());
    /* Software disable masks the timer LVT. */
    wr(APIC_REG_LVT_TIMER, 0x20000 | 0x45);
    wr(APIC_REG_TIMER_INITIAL, 5);
    wr(APIC_REG_SVR, 0xff);
    CHECK_EQ_U64(rd(APIC_REG_LVT_TIMER), 0x30045);
    now += 100000;
    lapic_update(&a, now);
    CHECK(irr_empty());
    CHECK_EQ_U64(lapic_next_event(&a), LAPIC_NO_EVENT);
}

static void test_changes_while_counting(void)
{
    fresh(0);
    timer_setup(0x46, 0xb);
    u64 start = now;
    wr(APIC_REG_TIMER_INITIAL, 1000);
    now = start + 400 * 30;
    CHECK_EQ_U64(rd(APIC_REG_TIMER_CURRENT), 600);
    /* Divide by 2 from here: the count goes on at half the rate. */
    wr(APIC_REG_TIMER_DIVIDE, 0x0);
    CHECK_EQ_U64(rd(APIC_REG_TIMER_CURRENT), 600);
    u64 t = now;
    now = t + 100 * 60;
    CHECK_EQ_U64(rd(APIC_REG_TIMER_CURRENT), 500);
    CHECK_EQ_U64(lapic_next_event(&a), t + 600 * 60);
    /* One-shot -> periodic: counting goes on, then reloads. */
    wr(APIC_REG_LVT_TIMER, 0x20000 | 0x46);
    CHECK_EQ_U64(rd(APIC_REG_TIMER_CURRENT), 500);
    now = t + 600 * 60;
    lapic_update(&a, now);
    CHECK(bit(a.irr, 0x46));
    take_and_eoi(0x46);
    CHECK_EQ_U64(rd(APIC_REG_TIMER_CURRENT), 1000);
    CHECK_EQ_U64(lapic_next_event(&a), t + 1600 * 60);
    /* Periodic -> one-shot: the running period ends it. */
    wr(APIC_REG_LVT_TIMER, 0x46);
    now = t + 1600 * 60;
    lapic_update(&a, now);
    CHECK(bit(a.irr, 0x46));
    take_and_eoi(0x46);
    CHECK_EQ_U64(lapic_next_event(&a), LAPIC_NO_EVENT);
    now += 10000000;
    lapic_update(&a, now);
    CHECK(irr_empty());
    /* Divide changes while stopped just take effect at the next load. */
    wr(APIC_REG_TIMER_DIVIDE, 0x3);
    start = now;
    wr(APIC_REG_TIMER_INITIAL, 10);
    CHECK_EQ_U64(lapic_next_event(&a), start + 10 * 16 * 30);
    /* The guest moves its TSC back: the count waits, no underflow. */
    now = start - 5000;
    CHECK_EQ_U64(rd(APIC_REG_TIMER_CURRENT), 10);
    /* Mode 3 (reserved, xAPIC keeps it): the timer does not run. */
    wr(APIC_REG_LVT_TIMER, 0x60000 | 0x47);
    CHECK_EQ_U64(rd(APIC_REG_LVT_TIMER), 0x60047);
    CHECK_EQ_U64(lapic_next_event(&a), LAPIC_NO_EVENT);
    wr(APIC_REG_TIMER_INITIAL, 10);
    CHECK_EQ_U64(rd(APIC_REG_TIMER_CURRENT), 0);
    CHECK_EQ_U64(lapic_next_event(&a), LAPIC_NO_EVENT);
}

static void test_tsc_deadline(void)
{
    fresh(0);
    timer_setup(0x40000 | 0x48, 0xb);
    CHECK_EQ_U64(lapic_next_event(&a), LAPIC_NO_EVENT);
    u64 deadline = now + 12345;
    lapic_set_tsc_deadline(&a, deadline, now);
    CHECK_EQ_U64(lapic_tsc_deadline(&a), deadline);
    CHECK_EQ_U64(lapic_next_event(&a), deadline);
    CHECK_EQ_U64(rd(APIC_REG_TIMER_CURRENT), 0); /* always 0 in this mode */
    /* The initial count is ignored in TSC-deadline mode. */
    wr(APIC_REG_TIMER_INITIAL, 55);
    CHECK_EQ_U64(rd(APIC_REG_TIMER_INITIAL), 0);
    CHECK_EQ_U64(lapic_next_event(&a), deadline);
    now = deadline - 1;
    lapic_update(&a, now);
    CHECK(irr_empty());
    now = deadline;
    lapic_update(&a, now);
    CHECK(bit(a.irr, 0x48));
    CHECK_EQ_U64(lapic_tsc_deadline(&a), 0); /* fired: disarmed, cleared */
    CHECK_EQ_U64(lapic_next_event(&a), LAPIC_NO_EVENT);
    take_and_eoi(0x48);
    now += 1000000;
    lapic_update(&a, now);
    CHECK(irr_empty());
    /* A deadline in the past fires at once. */
    lapic_set_tsc_deadline(&a, now - 100, now);
    CHECK(bit(a.irr, 0x48));
    CHECK_EQ_U64(lapic_tsc_deadline(&a), 0);
    take_and_eoi(0x48);
    lapic_set_tsc_deadline(&a, now, now);
    CHECK(bit(a.irr, 0x48));
    take_and_eoi(0x48);
    /* Writing 0 disarms. */
    lapic_set_tsc_deadline(&a, now + 500, now);
    lapic_set_tsc_deadline(&a, 0, now);
    CHECK_EQ_U64(lapic_next_event(&a), LAPIC_NO_EVENT);
    now += 1000;
    lapic_update(&a, now);
    CHECK(irr_empty());
    /* Moving the deadline later and earlier. */
    lapic_set_tsc_deadline(&a, now + 500, now);
    lapic_set_tsc_deadline(&a, now + 900, now);
    now += 600;
    lapic_update(&a, now);
    CHECK(irr_empty());
    lapic_set_tsc_deadline(&a, now + 10, now);
    CHECK_EQ_U64(lapic_next_event(&a), now + 10);
    now += 10;
    lapic_update(&a, now);
    CHECK(bit(a.irr, 0x48));
    take_and_eoi(0x48);
    /* Masked: expires (the MSR clears), raises nothing. */
    wr(APIC_REG_LVT_TIMER, 0x50000 | 0x48);
    lapic_set_tsc_deadline(&a, now + 10, now);
    CHECK_EQ_U64(lapic_next_event(&a), LAPIC_NO_EVENT);
    now += 10;
    lapic_update(&a, now);
    CHECK(irr_empty());
    CHECK_EQ_U64(lapic_tsc_deadline(&a), 0);
    /* Leaving TSC-deadline mode disarms and clears the MSR. */
    wr(APIC_REG_LVT_TIMER, 0x40000 | 0x48);
    lapic_set_tsc_deadline(&a, now + 10, now);
    wr(APIC_REG_LVT_TIMER, 0x48);
    CHECK_EQ_U64(lapic_tsc_deadline(&a), 0);
    CHECK_EQ_U64(lapic_next_event(&a), LAPIC_NO_EVENT);
    now += 100;
    lapic_update(&a, now);
    CHECK(irr_empty());
    /* Outside the mode a write is kept but arms nothing ... */
    lapic_set_tsc_deadline(&a, now + 10, now);
    CHECK_EQ_U64(lapic_tsc_deadline(&a), now + 10);
    CHECK_EQ_U64(lapic_next_event(&a), LAPIC_NO_EVENT);
    now += 100;
    lapic_update(&a, now);
    CHECK(irr_empty());
    /* ... and entering the mode disarms (clears) it too; a running
     * one-shot count stops. */
    wr(APIC_REG_TIMER_INITIAL, 1000);
    wr(APIC_REG_LVT_TIMER, 0x40000 | 0x48);
    CHECK_EQ_U64(lapic_tsc_deadline(&a), 0);
    CHECK_EQ_U64(lapic_next_event(&a), LAPIC_NO_EVENT);
    now += 1000 * 30;
    lapic_update(&a, now);
    CHECK(irr_empty());
    /* Back to one-shot: the count stays stopped until the next load. */
    wr(APIC_REG_LVT_TIMER, 0x48);
    CHECK_EQ_U64(rd(APIC_REG_TIMER_CURRENT), 0);
    CHECK_EQ_U64(lapic_next_event(&a), LAPIC_NO_EVENT);
    /* x2APIC: the same timer through the MSRs. */
    to_x2apic();
    CHECK(xwr(APIC_REG_LVT_TIMER, 0x40000 | 0x49));
    lapic_set_tsc_deadline(&a, now + 3, now);
    now += 3;
    lapic_update(&a, now);
    CHECK(bit(a.irr, 0x49));
    /* Disabling the APIC clears the deadline. */
    lapic_set_tsc_deadline(&a, now + 3, now);
    CHECK(lapic_set_base(&a, APIC_DEFAULT_BASE, TEST_PHYS_BITS, now));
    CHECK_EQ_U64(lapic_tsc_deadline(&a), 0);
    CHECK_EQ_U64(lapic_next_event(&a), LAPIC_NO_EVENT);
}

static void test_limits(void)
{
    /* The largest count at divide 128 lies 2^39 timer ticks ahead: 30
     * TSC ticks each, still within 64 bits. */
    fresh(0);
    timer_setup(0x4a, 0xa);
    u64 start = now;
    wr(APIC_REG_TIMER_INITIAL, 0xffffffff);
    CHECK_EQ_U64(lapic_next_event(&a), start + 0xffffffffull * 128 * 30);
    now = start + 0xffffffffull * 128 * 30 - 1;
    CHECK_EQ_U64(rd(APIC_REG_TIMER_CURRENT), 1);
    /* Near the end of the TSC's range an expiry beyond it never comes. */
    now = ~0ull - 1000;
    wr(APIC_REG_TIMER_INITIAL, 0xffffffff);
    CHECK_EQ_U64(lapic_next_event(&a), LAPIC_NO_EVENT);
    /* A zero rate from a careless caller does not divide by zero. */
    lapic_reset(&a, 0, true, 0, 0);
    now = 10;
    timer_setup(0x4b, 0xb);
    wr(APIC_REG_TIMER_INITIAL, 5);
    CHECK_EQ_U64(lapic_next_event(&a), 15);
}

static void test_timer_khz(void)
{
    CHECK_EQ_U64(lapic_timer_khz(3000000), 100000);
    CHECK_EQ_U64(lapic_timer_khz(2893456), 2893456 / 29);
    CHECK_EQ_U64(lapic_timer_khz(3999999), 3999999 / 40);
    CHECK_EQ_U64(lapic_timer_khz(200000), 100000);
    CHECK_EQ_U64(lapic_timer_khz(199999), 199999);
    CHECK_EQ_U64(lapic_timer_khz(50000), 50000);
    CHECK_EQ_U64(lapic_timer_khz(0), 1);
    for (u64 khz = 200000; khz < 6000000; khz += 997) {
        u64 t = lapic_timer_khz(khz);
        CHECK(t >= 83333 && t < 125000);
    }
}

int main(void)
{
    test_divide_one_shot();
    test_periodic();
    test_periodic_gap();
    test_masked();
    test_changes_while_counting();
    test_tsc_deadline();
    test_limits();
    test_timer_khz();
    return check_report("vmm_lapic_timer");
}
