/*
 * What the local APIC's register code (lapic_regs.c) and its state
 * (lapic.c) share inside the model.
 */
#ifndef VIREO_VMM_LAPIC_CORE_H
#define VIREO_VMM_LAPIC_CORE_H

#include "lapic.h"

#define XAPIC_ID_MASK 0xffu

/* The processor priority (SDM 11.8.3.1). */
u32 lapic_ppr(const struct lapic *a);
/* An EOI write: the highest in-service vector is done. */
void lapic_eoi(struct lapic *a);
/* Delivers the IPI the ICR now holds. */
void lapic_send_ipi(struct lapic *a);
/* An error the APIC detected (APIC_ESR_* bits). */
void lapic_record_error(struct lapic *a, u32 bits);

#endif
