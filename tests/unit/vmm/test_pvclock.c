/* kvmclock's arithmetic and structures (servers/vmm/pvclock.c): the scale
 * of a TSC rate against exact nanoseconds (within 1 ppm, over an hour of
 * ticks too), the scale as the guest multiplies it (96-bit product), the
 * rate a guest derives back from it, the time info's fields, and the
 * version protocol of both writes; the wall clock's epoch is the RTC's. */
#include "check.h"
#include "pvclock.h"
#include "../../../servers/devices/devices_arg.h"
#include <stdlib.h>
#include <string.h>
#include <vireo/wallclock.h>

_Static_assert(VIREO_WALL_EPOCH_S == DEVICES_RTC_EPOCH_S, "kvmclock and the RTC share the epoch");

typedef unsigned __int128 u128;

/* The exact nanoseconds of ticks at khz, rounded down. */
static u64 exact_ns(u64 ticks, u64 khz)
{
    return (u64)((u128)ticks * 1000000u / khz);
}

/* What a guest computes: the shifted ticks times mul, 128 bits wide. */
static u64 guest_ns(u64 ticks, u32 mul, s8 shift)
{
    u64 t = shift < 0 ? ticks >> -shift : ticks << shift;
    return (u64)(((u128)t * mul) >> 32);
}

/* |got - want| within 1 ppm of want, or 1 ns (rounding) for small ones. */
static bool within_ppm(u64 got, u64 want)
{
    u64 d = got > want ? got - want : want - got;
    return d <= 1 || (u128)d * 1000000u < want;
}

/* The rate a guest derives from the scale: (10^6 << 32) / mul, shifted
 * back (Linux's pvclock_tsc_khz does this). */
static u64 derived_khz(u32 mul, s8 shift)
{
    u64 khz = (1000000ull << 32) / mul;
    return shift < 0 ? khz << -shift : khz >> shift;
}

static void check_rate(u64 khz)
{
    u32 mul;
    s8 shift;
    pvclock_scale(khz, &mul, &shift);
    CHECK(mul >> 31); /* 32 significant bits */
    bool ok = true;
    /* From one tick to an hour of them, and a day. */
    const u64 ticks[] = {1,
                         2,
                         999,
                         khz,
                         khz * 1000,
                         khz * 1000 + 12345,
                         khz * 1000 * 60,
                         khz * 1000 * 3600,
                         khz * 1000 * 3600 + 987654321,
                         khz * 1000 * 86400};
    for (unsigned i = 0; i < sizeof(ticks) / sizeof(ticks[0]); i++) {
        u64 ns = pvclock_ns(ticks[i], mul, shift);
        ok &= ns == guest_ns(ticks[i], mul, shift);
        ok &= within_ppm(ns, exact_ns(ticks[i], khz));
    }
    for (int i = 0; i < 20000; i++) {
        u64 t = ((u64)rand() << 31 | (u64)rand()) % (khz * 1000 * 3600 + 1);
        u64 ns = pvclock_ns(t, mul, shift);
        ok &= ns == guest_ns(t, mul, shift) && within_ppm(ns, exact_ns(t, khz));
    }
    if (!ok)
        fprintf(stderr, "  rate %llu kHz: mul %#x shift %d\n", (unsigned long long)khz, mul, shift);
    CHECK(ok);
    /* An hour: short by less than 2^-31 of it (1.7 us; 1 ppm is 3.6 ms). */
    u64 hour = pvclock_ns(khz * 1000 * 3600, mul, shift);
    CHECK(hour <= 3600000000000ull && 3600000000000ull - hour < 1700);
    /* The guest gets the rate back to its resolution, 2^-shift kHz. */
    u64 back = derived_khz(mul, shift), step = shift < 0 ? 1ull << -shift : 1;
    CHECK(back <= khz + step && back + step >= khz);
}

static void test_scale(void)
{
    const u64 rates[] = {1000000, 2500000, 3700000, 123456, 2899999, 1, 999, 1000001, 4294967295u};
    for (unsigned i = 0; i < sizeof(rates) / sizeof(rates[0]); i++)
        check_rate(rates[i]);
    u32 mul;
    s8 shift;
    /* 1 GHz: a tick is a nanosecond, exactly. */
    pvclock_scale(1000000, &mul, &shift);
    CHECK_EQ_U64(mul, 1u << 31);
    CHECK_EQ_U64((u64)(s64)shift, 1);
    CHECK_EQ_U64(pvclock_ns(123456789012345ull, mul, shift), 123456789012345ull);
    /* 2.5 GHz: 0.4 ns = 0.8 * 2^-1; the guest derives 2500000 kHz. */
    pvclock_scale(2500000, &mul, &shift);
    CHECK_EQ_U64((u64)(s64)shift, (u64)-1);
    CHECK_EQ_U64(mul, 3435973836u);
    CHECK_EQ_U64(derived_khz(mul, shift), 2500000);
    pvclock_scale(123456, &mul, &shift);
    CHECK_EQ_U64((u64)(s64)shift, 4);
    CHECK_EQ_U64(derived_khz(mul, shift), 123456);
    /* Unknown (0): 1 GHz. */
    u32 mul0;
    s8 shift0;
    pvclock_scale(0, &mul0, &shift0);
    pvclock_scale(PVCLOCK_DEFAULT_KHZ, &mul, &shift);
    CHECK(mul0 == mul && shift0 == shift);
    /* The split product against the 128-bit one, at any scale. */
    bool ok = true;
    for (int i = 0; i < 100000; i++) {
        u64 t = (u64)rand() << 33 ^ (u64)rand() << 11 ^ (u64)rand();
        u32 m = (u32)rand() << 1 ^ (u32)rand();
        s8 sh = (s8)(rand() % 64 - 32);
        ok &= pvclock_ns(t, m, sh) == guest_ns(t, m, sh);
    }
    CHECK(ok);
}

static void test_time_info(void)
{
    struct vireo_pvclock_vcpu_time_info t;
    memset(&t, 0xa5, sizeof(t));
    pvclock_time_info(&t, 0x123456789abcull, 987654321ull, 3700000);
    u32 mul;
    s8 shift;
    pvclock_scale(3700000, &mul, &shift);
    CHECK_EQ_U64(t.version, 0);
    CHECK_EQ_U64(t.pad0, 0);
    CHECK_EQ_U64(t.tsc_timestamp, 0x123456789abcull);
    CHECK_EQ_U64(t.system_time, 987654321ull);
    CHECK_EQ_U64(t.tsc_to_system_mul, mul);
    CHECK_EQ_U64((u64)(s64)t.tsc_shift, (u64)(s64)shift);
    CHECK_EQ_U64(t.flags, PVCLOCK_TSC_STABLE_BIT);
    CHECK(t.pad[0] == 0 && t.pad[1] == 0);
}

/* A guest's read of the time info at TSC tsc (false: a write is under way). */
static bool guest_read(const u8 *p, u64 tsc, u64 *ns)
{
    struct vireo_pvclock_vcpu_time_info t;
    memcpy(&t, p, sizeof(t));
    if (t.version & 1)
        return false;
    *ns = t.system_time + guest_ns(tsc - t.tsc_timestamp, t.tsc_to_system_mul, t.tsc_shift);
    return true;
}

static void test_writes(void)
{
    /* The time info at an odd address amid guard bytes: every field but
     * the version as filled, versions 2, 4, .. from zeroed memory, the
     * next even one from junk, nothing outside the 32 bytes touched. */
    u8 buf[64 + 3];
    memset(buf, 0xee, sizeof(buf));
    u8 *p = buf + 17;
    memset(p, 0, 32);
    struct vireo_pvclock_vcpu_time_info t, got;
    pvclock_time_info(&t, 1000000, 5000, 2500000);
    pvclock_write_time(p, &t);
    memcpy(&got, p, sizeof(got));
    CHECK_EQ_U64(got.version, 2);
    got.version = 0;
    CHECK(memcmp(&got, &t, sizeof(t)) == 0);
    pvclock_write_time(p, &t);
    memcpy(&got, p, sizeof(got));
    CHECK_EQ_U64(got.version, 4);
    u32 junk = 7;
    memcpy(p, &junk, 4);
    pvclock_write_time(p, &t);
    memcpy(&got, p, sizeof(got));
    CHECK_EQ_U64(got.version, 10); /* odd 9 while written */
    bool guards = true;
    for (unsigned i = 0; i < sizeof(buf); i++) {
        if (i < 17 || i >= 17 + 32)
            guards &= buf[i] == 0xee;
    }
    CHECK(guards);
    /* A guest reading it: the system time at the timestamp, then one
     * second of 2.5 GHz later a second more (mul rounds down: less a
     * nanosecond at most). */
    u64 ns;
    CHECK(guest_read(p, 1000000, &ns) && ns == 5000);
    CHECK(guest_read(p, 1000000 + 2500000000ull, &ns) && ns + 1 >= 5000 + 1000000000ull &&
          ns <= 5000 + 1000000000ull);
    u32 odd = 11;
    memcpy(p, &odd, 4);
    CHECK(!guest_read(p, 1000000, &ns));

    /* The wall clock: 12 bytes, version, seconds, nanoseconds. */
    memset(buf, 0xee, sizeof(buf));
    p = buf + 5;
    memset(p, 0, 12);
    pvclock_write_wall(p, (u32)VIREO_WALL_EPOCH_S, 123);
    struct vireo_pvclock_wall_clock w;
    memcpy(&w, p, sizeof(w));
    CHECK_EQ_U64(w.version, 2);
    CHECK_EQ_U64(w.sec, VIREO_WALL_EPOCH_S);
    CHECK_EQ_U64(w.nsec, 123);
    pvclock_write_wall(p, 1, 2);
    memcpy(&w, p, sizeof(w));
    CHECK(w.version == 4 && w.sec == 1 && w.nsec == 2);
    guards = true;
    for (unsigned i = 0; i < sizeof(buf); i++) {
        if (i < 5 || i >= 5 + 12)
            guards &= buf[i] == 0xee;
    }
    CHECK(guards);
}

static void test_wall_at_start(void)
{
    u32 sec, nsec;
    /* the host's date unknown: the fallback */
    pvclock_wall_at_start(0, 5, 1000, 2500000, VIREO_WALL_EPOCH_S, &sec, &nsec);
    CHECK(sec == VIREO_WALL_EPOCH_S && nsec == 0);
    /* 2026-12-02 06:40:12 UTC at TSC 10^9, the VM 7.5 s later at 2.5 GHz */
    const u64 e = 1796193612, khz = 2500000;
    pvclock_wall_at_start(e, 1000000000, 1000000000 + 7 * khz * 1000 + khz * 500, khz, 1, &sec,
                          &nsec);
    CHECK(sec == e + 7 && nsec == 500000000);
    /* one tick: 0.4 ns, down to 0 */
    pvclock_wall_at_start(e, 10, 11, khz, 1, &sec, &nsec);
    CHECK(sec == e && nsec == 0);
    pvclock_wall_at_start(e, 10, 13, khz, 1, &sec, &nsec);
    CHECK(sec == e && nsec == 1);
    /* a start before the reading counts as the reading; rate 0 as 1 GHz */
    pvclock_wall_at_start(e, 1000, 10, khz, 1, &sec, &nsec);
    CHECK(sec == e && nsec == 0);
    pvclock_wall_at_start(e, 0, 3000000123ull, 0, 1, &sec, &nsec);
    CHECK(sec == e + 3 && nsec == 123);
    /* 100 days of a 5 GHz TSC, and seconds past 32 bits held at the top */
    pvclock_wall_at_start(e, 0, 100ull * 86400 * 5000000000ull + 5, 5000000, 1, &sec, &nsec);
    CHECK(sec == e + 100 * 86400 && nsec == 1);
    pvclock_wall_at_start(0xfffffff0ull, 0, 100ull * 1000000000, 1000000, 1, &sec, &nsec);
    CHECK(sec == 0xffffffffu && nsec == 0);
}

int main(void)
{
    srand(1);
    test_wall_at_start();
    test_scale();
    test_time_info();
    test_writes();
    return check_report("vmm_pvclock");
}
