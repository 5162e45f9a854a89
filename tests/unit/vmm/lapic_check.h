/*
 * What the local APIC host tests (test_lapic.c, test_lapic_timer.c)
 * share: one APIC under test, the guest's view of its registers through
 * the xAPIC page or the x2APIC MSRs, and a hand-driven guest TSC.
 */
#ifndef TESTS_UNIT_VMM_LAPIC_CHECK_H
#define TESTS_UNIT_VMM_LAPIC_CHECK_H

#include "check.h"
#include "lapic.h"

static struct lapic a;
static u64 now = 1000000;

#define TEST_TSC_KHZ   3000000ull /* 3 GHz */
#define TEST_TIMER_KHZ 100000ull  /* 100 MHz: 30 TSC ticks a timer tick */
#define TEST_PHYS_BITS 40

static inline void fresh(u32 id)
{
    lapic_reset(&a, id, true, TEST_TSC_KHZ, TEST_TIMER_KHZ);
    now = 1000000;
}

static inline u32 rd(u32 reg)
{
    return (u32)lapic_mmio_read(&a, reg, 4, now);
}

static inline void wr(u32 reg, u32 value)
{
    lapic_mmio_write(&a, reg, 4, value, now);
}

/* The ESR as software reads it: write (latching the errors), then read. */
static inline u32 esr(void)
{
    wr(APIC_REG_ESR, 0);
    return rd(APIC_REG_ESR);
}

static inline void sw_enable(void)
{
    wr(APIC_REG_SVR, APIC_SVR_ENABLE | 0xff);
}

static inline u32 msr_of(u32 reg)
{
    return LAPIC_MSR_FIRST + reg / APIC_REG_STRIDE;
}

/* x2APIC register read; ~0 for a #GP (CHECKs expect a value). */
static inline u64 xrd(u32 reg)
{
    u64 v = 0x5555;
    return lapic_msr_read(&a, msr_of(reg), now, &v) ? v : ~0ull;
}

static inline bool xwr(u32 reg, u64 value)
{
    return lapic_msr_write(&a, msr_of(reg), value, now);
}

static inline bool bit(const u32 *r, u32 v)
{
    return r[v / 32] >> (v % 32) & 1;
}

static inline bool irr_empty(void)
{
    for (int i = 0; i < 8; i++)
        if (a.irr[i])
            return false;
    return true;
}

/* The guest took the pending vector and finished it: ack, then EOI. */
static inline void take_and_eoi(u32 vector)
{
    lapic_ack(&a, vector);
    wr(APIC_REG_EOI, 0);
}

static inline void to_x2apic(void)
{
    CHECK(lapic_set_base(&a, APIC_DEFAULT_BASE | APIC_BASE_ENABLE | APIC_BASE_X2APIC,
                         TEST_PHYS_BITS, now));
    CHECK(lapic_x2apic(&a));
}

#endif
