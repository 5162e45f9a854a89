/* kvmclock's scale and the writes of its structures (pvclock.h). */
#include "pvclock.h"
#include <string.h>

void pvclock_scale(u64 tsc_khz, u32 *mul, s8 *shift)
{
    /* ns per tick is 10^6 / tsc_khz = (a / b) * 2^sh with a / b brought
     * into [1/2, 1); mul = a / b in 32-bit fixed point. a < b < 2^32
     * throughout, so a << 32 fits in 64 bits. */
    u64 a = 1000000u, b = tsc_khz ? tsc_khz : PVCLOCK_DEFAULT_KHZ;
    int sh = 0;
    if (b >> 32)
        b = 0xffffffffu;
    while (a >= b) {
        b <<= 1;
        sh++;
    }
    while (2 * a < b) {
        a <<= 1;
        sh--;
    }
    *mul = (u32)((a << 32) / b);
    *shift = (s8)sh;
}

u64 pvclock_ns(u64 ticks, u32 mul, s8 shift)
{
    if (shift < 0)
        ticks >>= -shift;
    else
        ticks <<= shift;
    /* (ticks * mul) >> 32 without a 128-bit type: the high half of ticks
     * contributes whole, the low half's product its top 32 bits. */
    return (ticks >> 32) * mul + (((ticks & 0xffffffffu) * mul) >> 32);
}

void pvclock_time_info(struct vireo_pvclock_vcpu_time_info *t, u64 tsc, u64 system_ns, u64 tsc_khz)
{
    *t = (struct vireo_pvclock_vcpu_time_info){.tsc_timestamp = tsc, .system_time = system_ns};
    pvclock_scale(tsc_khz, &t->tsc_to_system_mul, &t->tsc_shift);
    t->flags = PVCLOCK_TSC_STABLE_BIT;
}

void pvclock_wall_at_start(u64 epoch_s, u64 epoch_tsc, u64 start_tsc, u64 tsc_khz, u64 fallback_s,
                           u32 *sec, u32 *nsec)
{
    u64 s = fallback_s, ns = 0;
    if (epoch_s) {
        u64 khz = tsc_khz ? tsc_khz : PVCLOCK_DEFAULT_KHZ;
        if (khz > 0xffffffffu)
            khz = 0xffffffffu; /* keeps the remainder times 10^6 in 64 bits */
        u64 d = start_tsc > epoch_tsc ? start_tsc - epoch_tsc : 0, hz = khz * 1000u;
        s = epoch_s + d / hz;
        ns = d % hz * 1000000u / khz;
    }
    *sec = s > 0xffffffffu ? 0xffffffffu : (u32)s;
    *nsec = (u32)ns;
}

/* Compiler barriers: the version goes out before and after the fields. */
#define BARRIER() __asm__ volatile("" ::: "memory")

/* The odd version that starts a write over what p holds (even, or junk
 * from before the guest's first use). */
static u32 begin(void *p)
{
    u32 v;
    memcpy(&v, p, sizeof(v));
    v = (v + 1) | 1;
    memcpy(p, &v, sizeof(v));
    BARRIER();
    return v;
}

static void end(void *p, u32 odd)
{
    BARRIER();
    u32 v = odd + 1;
    memcpy(p, &v, sizeof(v));
}

void pvclock_write_time(void *p, const struct vireo_pvclock_vcpu_time_info *t)
{
    u32 odd = begin(p);
    memcpy((u8 *)p + sizeof(t->version), (const u8 *)t + sizeof(t->version),
           sizeof(*t) - sizeof(t->version));
    end(p, odd);
}

void pvclock_write_wall(void *p, u32 sec, u32 nsec)
{
    u32 odd = begin(p);
    memcpy((u8 *)p + offsetof(struct vireo_pvclock_wall_clock, sec), &sec, sizeof(sec));
    memcpy((u8 *)p + offsetof(struct vireo_pvclock_wall_clock, nsec), &nsec, sizeof(nsec));
    end(p, odd);
}
