/* The local APIC (xAPIC through MMIO, or x2APIC through MSRs when firmware
 * left it in that mode) and its timer. */
#ifndef KERNEL_X86_APIC_H
#define KERNEL_X86_APIC_H

#include <vireo/types.h>

/* The scheduler's tick: budgets and timeouts are checked this often. */
#define APIC_TIMER_HZ 1000

/* Enables the BSP's APIC, calibrates its timer against the PIT, starts it
 * periodic at APIC_TIMER_HZ and checks that it ticks. Stops the system if
 * anything of that fails. */
void apic_init_bsp(void);

void apic_eoi(void);
u32 apic_read_error(void);
u32 apic_id(void);
void apic_timer_interrupt(void);
u64 apic_timer_ticks(void);

/* TSC cycles per millisecond, measured against the PIT. */
u64 tsc_khz(void);

#endif
