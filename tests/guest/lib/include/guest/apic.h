/*
 * The local APIC as guests drive it: registers named by their xAPIC
 * offset (APIC_REG_*, abi/vireo/x86/apic.h), reached through the MMIO page
 * at the base IA32_APIC_BASE holds or, in x2APIC mode, through the MSRs.
 * The runtime reads IA32_APIC_BASE once; a guest that writes it calls
 * rt_apic_sync() afterwards.
 */
#ifndef GUEST_APIC_H
#define GUEST_APIC_H

#include <stdbool.h>
#include <stdint.h>
#include <vireo/x86/apic.h>

/* Re-reads IA32_APIC_BASE: the mode and the page. */
void rt_apic_sync(void);
uint64_t rt_apic_base_msr(void);
bool rt_apic_x2apic(void);

uint32_t rt_apic_read(unsigned reg);
void rt_apic_write(unsigned reg, uint32_t value);
/* A register in the xAPIC page at base, whatever the mode says. */
uint32_t rt_apic_read_at(uint64_t base, unsigned reg);

/* End of interrupt: the highest vector in service is done. */
void rt_apic_eoi(void);
/* Sends an IPI: lo is the ICR's low half, dest the destination (xAPIC:
 * the 8-bit ID, written to ICR bits 63:56 first). */
void rt_apic_icr(uint32_t dest, uint32_t lo);
/* A fixed IPI to this CPU through the ICR's "self" shorthand. */
void rt_apic_self_ipi(unsigned vector);
/* The error status: written (latching the errors), then read. */
uint32_t rt_apic_esr(void);

/* Bit v of a 256-bit register (APIC_REG_ISR, _TMR, _IRR). */
bool rt_apic_vector_set(unsigned reg, unsigned vector);

#endif
