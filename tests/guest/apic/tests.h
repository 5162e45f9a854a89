/*
 * The apic guest's shared state: what was measured at the start, the
 * interrupt record every handler writes, the checks that may excuse a
 * documented emulator deviation, and the groups of tests (one file each).
 */
#ifndef APIC_TESTS_H
#define APIC_TESTS_H

#include <guest/apic.h>
#include <guest/irq.h>
#include <guest/rt.h>
#include <stdbool.h>
#include <stdint.h>

/* Vectors the tests use. */
#define VEC_TIMER    0xd0
#define VEC_ERROR    0xfe
#define VEC_SPURIOUS 0xff

/* Measured once (main.c), in TSC ticks. */
struct apic_env {
    uint32_t version, id;           /* the xAPIC ID (bits 31:24), CPUID's initial ID */
    uint64_t read_cost;             /* one APIC register read */
    uint64_t ipi_latency;           /* a self-IPI, ICR write to handler entry */
    uint64_t rate_counts, rate_tsc; /* timer counts at divide 1 per TSC */
    uint64_t unit;                  /* the timer tests' duration */
    bool lost;                      /* the APIC could not be enabled again */
};
extern struct apic_env env;

/* What the recording handler saw, per vector (hits counts them all). */
struct irq_record {
    volatile unsigned hits;
    uint64_t tsc, rip;
    bool in_service; /* ISR had the vector in the handler */
};
extern struct irq_record rec[256];
/* The order vectors came in (the first 32). */
extern volatile unsigned order_len;
extern uint8_t order[32];

/* The handler for vector: records it, EOI. */
void record_eoi(struct rt_frame *f);
void record_reset(void);
/* IF=1 until rec[vector] has target hits or budget TSC ticks passed. */
bool wait_hits(unsigned vector, unsigned target, uint64_t budget);

/* Platforms whose documented deviation (docs/GUESTS.md) a check may be
 * excused for, bare only: under Vireo the local APIC is Vireo's. */
#define ON_QEMU  (1u << RT_PLATFORM_QEMU_TCG)
#define ON_BOCHS (1u << RT_PLATFORM_BOCHS)
bool check_dev(bool ok, unsigned deviant, const char *what, const char *details, ...)
    PRINTF_LIKE(4, 5);

/* IA32_APIC_BASE from disabled back to enabled xAPIC (base from msr):
 * false, a deviation where the emulator refuses it (env.lost set). */
bool reenable(uint64_t msr);

/* The xAPIC set-up every group starts from: software-enabled, spurious
 * vector 0xff, LINT0/1 and the error LVT masked, timer stopped, TPR 0. */
void apic_setup(void);
/* How far the running timer counts down in window TSC ticks (0 if it
 * did not, or reached 0), the TSC ticks measured (*ticks) and how far off
 * they may be, from how long the two count reads took (*slack). */
uint64_t count_rate(uint64_t window, uint64_t *ticks, uint64_t *slack);
/* Timer counts at divide 1 for a duration in TSC ticks, and back. */
uint64_t counts_for(uint64_t tsc);
uint64_t tsc_for(uint64_t counts);
/* TSC budget for a wait whose event is due after `due` ticks: waited
 * out only when the event does not come. */
uint64_t late_bound(uint64_t due);
/* How long to wait to see that an interrupt that should not come does
 * not: many times what a self-IPI takes. */
uint64_t quiet(void);

void test_registers(void);
void test_ipi(void);
void test_priority(void);
void test_timer(void);
void test_tsc_deadline(void);
void test_errors(void);
void test_relocation(void);
void test_x2apic(void);
void test_disable(void);

#endif
