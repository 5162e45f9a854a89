/*
 * The guest's local APIC (one per vCPU): xAPIC registers in the 4 KiB MMIO
 * page at the APIC base, the same registers as x2APIC MSRs 0x800-0x8ff,
 * IRR/ISR/TMR with TPR/PPR priority, EOI, SVR, the LVTs, the timer in
 * one-shot, periodic and TSC-deadline modes, and self-IPIs through the ICR
 * (docs/LAPIC.md). Pure: time comes in as the guest's TSC; host-tested
 * (tests/unit/vmm/test_lapic.c).
 */
#ifndef VIREO_VMM_LAPIC_H
#define VIREO_VMM_LAPIC_H

#include <vireo/types.h>

#define LAPIC_DEFAULT_BASE 0xfee00000ull
#define LAPIC_PAGE_SIZE    0x1000u
#define LAPIC_NO_EVENT     (~0ull)
#define LAPIC_MSR_FIRST    0x800u /* x2APIC MSRs: 0x800 + (xAPIC offset >> 4) */
#define LAPIC_MSR_LAST     0x8ffu

struct lapic {
    u32 id;         /* APIC ID (xAPIC: bits 31:24 of the ID register) */
    u64 base_msr;   /* IA32_APIC_BASE: base | EN (bit 11) | EXTD (bit 10) | BSP (bit 8) */
    u64 tsc_khz;    /* the guest TSC's rate */
    u64 timer_khz;  /* the timer's input clock before the divider */
    u32 tpr, ldr, dfr, svr, esr, esr_pending;
    u32 icr_lo, icr_hi;
    u32 lvt[7]; /* CMCI, timer, thermal, perf, LINT0, LINT1, error (enum lapic_lvt) */
    u32 irr[8], isr[8], tmr[8];
    u32 timer_initial, timer_divide;
    u64 timer_start;    /* guest TSC when the count was loaded */
    u64 timer_deadline; /* guest TSC of the next expiry, LAPIC_NO_EVENT if none */
    u64 tsc_deadline;   /* IA32_TSC_DEADLINE */
};

enum lapic_lvt {
    LAPIC_LVT_CMCI,
    LAPIC_LVT_TIMER,
    LAPIC_LVT_THERMAL,
    LAPIC_LVT_PERF,
    LAPIC_LVT_LINT0,
    LAPIC_LVT_LINT1,
    LAPIC_LVT_ERROR,
    LAPIC_LVT_COUNT
};

/* Power-on/reset state (SDM 11.4.7.1): enabled xAPIC at 0xfee00000,
 * software-disabled (SVR 0xff), LVTs masked. bsp: the boot processor. */
void lapic_reset(struct lapic *a, u32 id, bool bsp, u64 tsc_khz, u64 timer_khz);

/* IA32_APIC_BASE. lapic_set_base: false for a write the CPU refuses with
 * #GP (reserved bits, bits above the physical-address width phys_bits,
 * x2APIC enabled without EN, x2APIC -> xAPIC without passing through
 * disabled, EXTD without x2APIC support); disabling resets the state as
 * the SDM says. */
u64 lapic_base_msr(const struct lapic *a);
bool lapic_set_base(struct lapic *a, u64 value, u32 phys_bits, u64 now);

/* Mode: xAPIC MMIO answers only while enabled and not in x2APIC mode. */
bool lapic_enabled(const struct lapic *a);
bool lapic_x2apic(const struct lapic *a);
/* The guest-physical page the xAPIC registers are at (when enabled, xAPIC). */
u64 lapic_mmio_base(const struct lapic *a);

/* xAPIC MMIO at offset (0..0xfff) of the page, size 1/2/4/8 bytes: reads
 * of registers that do not exist read 0, writes to read-only or missing
 * ones set the error status's "illegal register address" bit as hardware
 * does (accesses are architecturally 32-bit aligned; wider or narrower
 * ones act on the 32-bit register containing them). */
u64 lapic_mmio_read(struct lapic *a, u32 offset, u32 size, u64 now);
void lapic_mmio_write(struct lapic *a, u32 offset, u32 size, u64 value, u64 now);

/* x2APIC MSR index 0x800..0x8ff. false: #GP (not in x2APIC mode, no such
 * register, read of a write-only one, reserved bits written, ...). */
bool lapic_msr_read(struct lapic *a, u32 msr, u64 now, u64 *value);
bool lapic_msr_write(struct lapic *a, u32 msr, u64 value, u64 now);

/* IA32_TSC_DEADLINE (MSR 0x6e0): readable and writable in every mode;
 * arms the timer only in TSC-deadline mode. */
u64 lapic_tsc_deadline(const struct lapic *a);
void lapic_set_tsc_deadline(struct lapic *a, u64 value, u64 now);

/* CR8 is TPR[7:4] (64-bit mode MOV CR8). */
u32 lapic_cr8(const struct lapic *a);
void lapic_set_cr8(struct lapic *a, u32 value);

/* An interrupt arrives (fixed delivery): vector 16..255 sets IRR (and TMR
 * for level); vectors 0-15 set the "received illegal vector" error. */
void lapic_accept(struct lapic *a, u32 vector, bool level);

/* Brings the timer up to `now`: an expiry sets IRR for the timer's vector
 * unless the LVT is masked, and re-arms a periodic timer. */
void lapic_update(struct lapic *a, u64 now);

/* The vector to deliver now (IRR's highest above the PPR class, APIC
 * software-enabled), or -1. */
int lapic_pending(const struct lapic *a);
/* The guest took the vector (interrupt acknowledge): IRR -> ISR. */
void lapic_ack(struct lapic *a, u32 vector);

/* Guest TSC of the next timer expiry, LAPIC_NO_EVENT if none is armed. */
u64 lapic_next_event(const struct lapic *a);

#endif
