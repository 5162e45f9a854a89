/*
 * Interrupts in guests: a guest registers a handler per vector 32-255,
 * which gives the vector an interrupt gate (IF is clear in the handler).
 * A vector without one has an empty IDT entry, as before: an interrupt on
 * it raises #GP(vector * 8 + 2), an unexpected exception, and the guest
 * exits with status 1.
 * The handler gets the saved frame: it may read where the interrupt came
 * in (f->rip) and must signal the end of interrupt itself (rt_apic_eoi()
 * for the local APIC, guest/apic.h).
 */
#ifndef GUEST_IRQ_H
#define GUEST_IRQ_H

#include <guest/trap.h>
#include <stdbool.h>
#include <stdint.h>

#define RT_FIRST_IRQ_VECTOR 32

typedef void (*rt_irq_fn)(struct rt_frame *f);

/* Handles vector (32-255; not RT_VEC_USER_RETURN) with fn; 0 removes it. */
void rt_irq_handler(unsigned vector, rt_irq_fn fn);

/* The TSC, ordered against the instructions around it (LFENCE before
 * and after RDTSC). */
static inline uint64_t rt_tsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi)::"memory");
    return (uint64_t)hi << 32 | lo;
}

/* Halts with interrupts enabled until *counter reaches target or
 * tsc_budget TSC ticks have passed, interrupts disabled again on return;
 * true if the counter got there. Each HLT returns only when an interrupt
 * arrives, so the caller arms one (a timer): the budget bounds the wait
 * when interrupts come but not the expected one. "STI; HLT" is one step:
 * an interrupt cannot come between them (the STI shadow). */
bool rt_halt_until(const volatile unsigned *counter, unsigned target, uint64_t tsc_budget);

/* Spins, interrupts as they are, until *counter reaches target or
 * tsc_budget TSC ticks have passed; true if the counter got there. */
bool rt_spin_until(const volatile unsigned *counter, unsigned target, uint64_t tsc_budget);

#endif
