/*
 * The local APIC timer (lapic_timer.c), as the register code (lapic.c)
 * drives it. The count is never stored as a decrementing value: it is
 * computed from the guest TSC, the load time and the divider, so reading
 * it costs nothing while the guest runs and expiries are exact in TSC
 * units (docs/LAPIC.md "Time").
 */
#ifndef VIREO_VMM_LAPIC_TIMER_H
#define VIREO_VMM_LAPIC_TIMER_H

#include "lapic.h"

/* The timer mode in the LVT timer entry (APIC_TIMER_*; 3 is reserved). */
u32 lapic_timer_mode(const struct lapic *a);

/* Stops the timer and clears its registers (power-up state). */
void lapic_timer_reset(struct lapic *a);

/* Register writes, each after lapic_update(a, now). lvt: the new LVT
 * timer value, already masked to its writable bits. */
void lapic_timer_write_lvt(struct lapic *a, u32 lvt, u64 now);
void lapic_timer_write_initial(struct lapic *a, u32 count, u64 now);
void lapic_timer_write_divide(struct lapic *a, u32 divide, u64 now);

/* The current-count register at `now` (after lapic_update). */
u32 lapic_timer_current(const struct lapic *a, u64 now);

#endif
