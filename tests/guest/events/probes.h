/* The probes of probes.S: see there. */
#ifndef EVENTS_PROBES_H
#define EVENTS_PROBES_H

#include <stdint.h>

#define EVENT_PROBE(name)                                                                          \
    void name(void *page);                                                                         \
    extern const char name##_at[], name##_after[];

EVENT_PROBE(flushed_stack_int3)
EVENT_PROBE(flushed_stack_int_n)
EVENT_PROBE(flushed_stack_icebp)
EVENT_PROBE(flushed_stack_ud)
EVENT_PROBE(flushed_stack_gp)
EVENT_PROBE(flushed_stack_de)
EVENT_PROBE(flushed_table_int3)
EVENT_PROBE(flushed_stack_intr)
extern const char flushed_stack_intr_end[];
void flushed_stack_nmi(void *page, volatile uint32_t *icr, uint32_t lo);
extern const char flushed_stack_nmi_after[];
void sti_cpuid(void);
extern const char sti_cpuid_after[];

#endif
