/*
 * The local APIC timer: one-shot and periodic count-down from the initial
 * count at the timer clock divided by the divide configuration, and
 * TSC-deadline mode (SDM 11.5.4). Time is the guest TSC; the timer clock
 * runs at timer_khz against the TSC's tsc_khz, and every conversion goes
 * through one exact 128-bit multiply-divide, so the k-th periodic expiry
 * lies at the same TSC whether the VMM looks every microsecond or once an
 * hour (no accumulated rounding).
 */
#include "lapic_timer.h"

/* floor(a * b / c) (or the ceiling), with the 128-bit product; ~0 when
 * the result does not fit 64 bits, which callers read as "never". */
static u64 mul_div(u64 a, u64 b, u64 c, bool round_up)
{
    u64 hi, lo, q, r;
    __asm__("mulq %3" : "=a"(lo), "=d"(hi) : "a"(a), "rm"(b) : "cc");
    if (hi >= c)
        return ~0ull;
    __asm__("divq %4" : "=a"(q), "=d"(r) : "a"(lo), "d"(hi), "rm"(c) : "cc");
    if (round_up && r)
        return q == ~0ull ? ~0ull : q + 1;
    return q;
}

u64 lapic_timer_khz(u64 tsc_khz)
{
    /* Below 200 MHz (Bochs counts one TSC tick per instruction) the TSC
     * itself is the plausible bus clock; above, divide it to ~100 MHz as
     * the bus and crystal clocks of real parts are (Intel: 100 MHz bus,
     * 24/25 MHz crystal; AMD: 100 MHz). */
    if (tsc_khz < 200000)
        return tsc_khz ? tsc_khz : 1;
    u64 ratio = (tsc_khz + 50000) / 100000;
    return tsc_khz / ratio;
}

u32 lapic_timer_mode(const struct lapic *a)
{
    return (a->lvt[LAPIC_LVT_TIMER] & APIC_LVT_TIMER_MODE) >> APIC_LVT_TIMER_SHIFT;
}

static bool counting_mode(u32 mode)
{
    return mode == APIC_TIMER_ONE_SHOT || mode == APIC_TIMER_PERIODIC;
}

/* Divide configuration bits 3,1,0: 2^(n+1), with 0b111 dividing by 1. */
static u32 divisor(u32 divide)
{
    u32 n = (divide & 3) | ((divide >> 1) & 4);
    return n == 7 ? 1 : 2u << n;
}

/* Counts the timer has decremented between timer_start and now. */
static u64 counts_since_start(const struct lapic *a, u64 now)
{
    if (now <= a->timer_start)
        return 0; /* the guest moved its TSC back: the count waits */
    return mul_div(now - a->timer_start, a->timer_khz, a->tsc_khz, false) /
           divisor(a->timer_divide);
}

/* Counts from timer_start at which the count reaches zero for the
 * (k+1)-th time: the first segment's count, then whole periods. */
static bool zero_at(const struct lapic *a, u64 k, u64 *counts)
{
    return !__builtin_mul_overflow(k, (u64)a->timer_initial, counts) &&
           !__builtin_add_overflow(*counts, (u64)a->timer_count0, counts);
}

/* Guest TSC of the (k+1)-th expiry since timer_start: the first TSC at
 * which counts_since_start reaches it (the ceiling of the conversion). */
static u64 expiry_tsc(const struct lapic *a, u64 k)
{
    u64 counts, ticks, t;
    if (!zero_at(a, k, &counts) ||
        __builtin_mul_overflow(counts, (u64)divisor(a->timer_divide), &ticks))
        return LAPIC_NO_EVENT;
    u64 delta = mul_div(ticks, a->tsc_khz, a->timer_khz, true);
    if (delta == ~0ull || __builtin_add_overflow(a->timer_start, delta, &t))
        return LAPIC_NO_EVENT;
    return t;
}

/* Loads the count: counting starts now from count0. */
static void start_count(struct lapic *a, u32 count0, u64 now)
{
    a->timer_start = now;
    a->timer_count0 = count0;
    a->timer_expiries = 0;
    a->timer_deadline = count0 ? expiry_tsc(a, 0) : LAPIC_NO_EVENT;
}

void lapic_timer_reset(struct lapic *a)
{
    a->timer_initial = a->timer_divide = a->timer_count0 = 0;
    a->timer_start = a->timer_expiries = 0;
    a->timer_deadline = LAPIC_NO_EVENT;
    a->tsc_deadline = 0;
}

static void expire(struct lapic *a)
{
    u32 lvt = a->lvt[LAPIC_LVT_TIMER];
    if (!(lvt & APIC_LVT_MASKED))
        lapic_accept(a, lvt & APIC_LVT_VECTOR, false);
}

void lapic_update(struct lapic *a, u64 now)
{
    if (a->timer_deadline == LAPIC_NO_EVENT || now < a->timer_deadline)
        return;
    expire(a);
    u32 mode = lapic_timer_mode(a);
    if (mode == APIC_TIMER_PERIODIC && a->timer_initial) {
        /* Every zero passed since the last update is one expiry; they
         * share the one IRR bit. now >= timer_deadline means the count
         * has reached zero at least timer_expiries + 1 times. */
        u64 done = counts_since_start(a, now), first;
        zero_at(a, 0, &first);
        a->timer_expiries = 1 + (done - first) / a->timer_initial;
        a->timer_deadline = expiry_tsc(a, a->timer_expiries);
        return;
    }
    /* One-shot (or a periodic count whose initial count became 0) ends;
     * TSC-deadline disarms itself and clears the MSR. */
    if (mode == APIC_TIMER_TSC_DEADLINE)
        a->tsc_deadline = 0;
    a->timer_expiries++;
    a->timer_deadline = LAPIC_NO_EVENT;
}

u64 lapic_next_event(const struct lapic *a)
{
    if (a->lvt[LAPIC_LVT_TIMER] & APIC_LVT_MASKED)
        return LAPIC_NO_EVENT;
    return a->timer_deadline;
}

void lapic_timer_write_lvt(struct lapic *a, u32 lvt, u64 now)
{
    (void)now;
    u32 old = lapic_timer_mode(a);
    a->lvt[LAPIC_LVT_TIMER] = lvt;
    u32 mode = lapic_timer_mode(a);
    if (mode == old || (counting_mode(mode) && counting_mode(old)))
        return; /* one-shot <-> periodic: the count goes on */
    /* Entering or leaving TSC-deadline mode disarms the timer (SDM
     * 11.5.4.1); the deadline MSR is cleared with it, so that in
     * TSC-deadline mode it reads non-zero exactly while armed. */
    a->timer_deadline = LAPIC_NO_EVENT;
    if (mode == APIC_TIMER_TSC_DEADLINE || old == APIC_TIMER_TSC_DEADLINE)
        a->tsc_deadline = 0;
}

void lapic_timer_write_initial(struct lapic *a, u32 count, u64 now)
{
    u32 mode = lapic_timer_mode(a);
    if (mode == APIC_TIMER_TSC_DEADLINE)
        return; /* ignored in TSC-deadline mode */
    a->timer_initial = count;
    if (counting_mode(mode))
        start_count(a, count, now); /* 0 stops the timer */
}

void lapic_timer_write_divide(struct lapic *a, u32 divide, u64 now)
{
    divide &= APIC_TIMER_DIVIDE_BITS;
    if (divide == a->timer_divide)
        return;
    bool running = counting_mode(lapic_timer_mode(a)) && a->timer_deadline != LAPIC_NO_EVENT;
    u32 count = running ? lapic_timer_current(a, now) : 0;
    a->timer_divide = divide;
    /* The count goes on from where it is at the new rate (the fraction
     * of one count already elapsed is dropped). */
    if (running)
        start_count(a, count, now);
}

u32 lapic_timer_current(const struct lapic *a, u64 now)
{
    if (!counting_mode(lapic_timer_mode(a)) || a->timer_deadline == LAPIC_NO_EVENT)
        return 0; /* stopped, expired one-shot, TSC-deadline mode */
    u64 zero;
    if (!zero_at(a, a->timer_expiries, &zero))
        return 0;
    u64 done = counts_since_start(a, now);
    return done >= zero ? 0 : (u32)(zero - done);
}

u64 lapic_tsc_deadline(const struct lapic *a)
{
    return a->tsc_deadline;
}

void lapic_set_tsc_deadline(struct lapic *a, u64 value, u64 now)
{
    lapic_update(a, now);
    a->tsc_deadline = value;
    if (lapic_timer_mode(a) != APIC_TIMER_TSC_DEADLINE)
        return; /* kept, arms nothing */
    a->timer_deadline = value ? value : LAPIC_NO_EVENT;
    lapic_update(a, now); /* a deadline already passed fires at once */
}
