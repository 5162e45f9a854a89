/*
 * The guest's local APIC (one per vCPU): xAPIC registers in the 4 KiB MMIO
 * page at the APIC base, the same registers as x2APIC MSRs 0x800-0x8ff,
 * IRR/ISR/TMR with TPR/PPR priority, EOI, SVR, the LVTs, the timer in
 * one-shot, periodic and TSC-deadline modes, and self-IPIs through the ICR
 * (docs/LAPIC.md). Pure: time comes in as the guest's TSC; host-tested
 * (tests/unit/vmm/test_lapic.c). Register numbers and bits:
 * abi/vireo/x86/apic.h.
 *
 * Every call that takes `now` first brings the timer up to `now`
 * (lapic_update), so an expiry that happened before a register write is
 * raised with the LVT as it was then.
 */
#ifndef VIREO_VMM_LAPIC_H
#define VIREO_VMM_LAPIC_H

#include <vireo/types.h>
#include <vireo/x86/apic.h>
#include <vireo/x86/msr.h>

#define LAPIC_DEFAULT_BASE APIC_DEFAULT_BASE
#define LAPIC_PAGE_SIZE    APIC_PAGE_SIZE
#define LAPIC_NO_EVENT     (~0ull)
#define LAPIC_MSR_FIRST    MSR_X2APIC_BASE /* x2APIC MSRs: 0x800 + (xAPIC offset >> 4) */
#define LAPIC_MSR_LAST     (MSR_X2APIC_BASE + APIC_MSR_COUNT - 1)

struct lapic {
    u32 id;              /* APIC ID: xAPIC bits 31:24 of the ID register (writable), x2APIC all */
    u32 initial_id;      /* the ID at reset: the x2APIC ID, and what disabling keeps */
    u64 base_msr;        /* IA32_APIC_BASE: base | EN (bit 11) | EXTD (bit 10) | BSP (bit 8) */
    bool x2apic_capable; /* CPUID.1:ECX[21] as the guest sees it: EXTD writable */
    u64 tsc_khz;         /* the guest TSC's rate */
    u64 timer_khz;       /* the timer's input clock before the divider */
    u32 tpr, ldr, dfr, svr;
    u32 esr;              /* what the last ESR write latched (what a read returns) */
    u32 esr_pending;      /* errors since the last ESR write */
    bool error_irq_armed; /* the error LVT fires once until the next ESR write */
    bool nmi_pending;     /* an NMI IPI to this vCPU (lapic_take_nmi) */
    u32 icr_lo, icr_hi;   /* icr_hi: xAPIC bits 31:24, x2APIC the 32-bit destination */
    u32 lvt[7];           /* CMCI, timer, thermal, perf, LINT0, LINT1, error (enum lapic_lvt) */
    u32 irr[8], isr[8], tmr[8];
    u32 eoi_broadcast[8]; /* level-triggered vectors EOI'd, not yet told the IOAPIC */
    /* The count-down timer (one-shot/periodic): the count held
     * timer_count0 at guest TSC timer_start and has reached zero
     * timer_expiries times since; periodic reloads timer_initial. */
    u32 timer_initial, timer_divide;
    u32 timer_count0;
    u64 timer_start;    /* guest TSC when the count was loaded */
    u64 timer_expiries; /* expiries since timer_start */
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

/* The version register: 0x14 with LVT entries up to CMCI (index 6). */
#define LAPIC_MAX_LVT 6u
#define LAPIC_VERSION (APIC_VERSION_INTEGRATED | LAPIC_MAX_LVT << APIC_VERSION_MAX_LVT_SHIFT)

/* Power-on/reset state (SDM 11.4.7.1): enabled xAPIC at 0xfee00000,
 * software-disabled (SVR 0xff), LVTs masked, x2APIC capable (clear
 * a->x2apic_capable afterwards when CPUID hides x2APIC). bsp: the boot
 * processor. timer_khz: lapic_timer_khz(tsc_khz) unless the VMM
 * advertises another rate. */
void lapic_reset(struct lapic *a, u32 id, bool bsp, u64 tsc_khz, u64 timer_khz);

/* The timer clock Vireo offers for a TSC rate: the TSC divided down to
 * about 100 MHz (a plausible bus/crystal clock, docs/LAPIC.md), the TSC
 * itself when it is slower than 200 MHz (emulators). */
u64 lapic_timer_khz(u64 tsc_khz);

/* IA32_APIC_BASE. lapic_set_base: false for a write the CPU refuses with
 * #GP (reserved bits, bits above the physical-address width phys_bits,
 * x2APIC enabled without EN, x2APIC -> xAPIC or disabled -> x2APIC
 * without passing through the allowed states, EXTD without x2APIC
 * support); disabling resets the state as the SDM says; BSP is read-only. */
u64 lapic_base_msr(const struct lapic *a);
bool lapic_set_base(struct lapic *a, u64 value, u32 phys_bits, u64 now);

/* Mode: xAPIC MMIO answers only while enabled and not in x2APIC mode. */
bool lapic_enabled(const struct lapic *a);
bool lapic_x2apic(const struct lapic *a);
/* The guest-physical page the xAPIC registers are at (when enabled, xAPIC). */
u64 lapic_mmio_base(const struct lapic *a);

/* xAPIC MMIO at offset (0..0xfff) of the page, size 1/2/4/8 bytes: the
 * bytes of the access that fall on bytes 0-3 of a 16-byte register slot
 * act on that 32-bit register (a narrower write merges into its value),
 * bytes 4-15 of a slot read 0 and ignore writes. A reserved slot reads 0
 * and sets the error status's "illegal register address" bit, read or
 * write; writes to read-only registers are ignored. */
u64 lapic_mmio_read(struct lapic *a, u32 offset, u32 size, u64 now);
void lapic_mmio_write(struct lapic *a, u32 offset, u32 size, u64 value, u64 now);

/* x2APIC MSR index 0x800..0x8ff. false: #GP (not in x2APIC mode, no such
 * register, read of a write-only one, write of a read-only one, reserved
 * bits written, a non-zero EOI or ESR write). */
bool lapic_msr_read(struct lapic *a, u32 msr, u64 now, u64 *value);
bool lapic_msr_write(struct lapic *a, u32 msr, u64 value, u64 now);

/* IA32_TSC_DEADLINE (MSR 0x6e0): readable and writable in every mode;
 * arms the timer only in TSC-deadline mode (0 disarms); cleared when it
 * fires and when the timer leaves or enters TSC-deadline mode. */
u64 lapic_tsc_deadline(const struct lapic *a);
void lapic_set_tsc_deadline(struct lapic *a, u64 value, u64 now);

/* CR8 is TPR[7:4] (64-bit mode MOV CR8); a write clears TPR[3:0]. */
u32 lapic_cr8(const struct lapic *a);
void lapic_set_cr8(struct lapic *a, u32 value);

/* An interrupt arrives (fixed delivery): vector 16..255 sets IRR (and TMR
 * for level, clears it for edge); vectors 0-15 set the "received illegal
 * vector" error. Nothing is accepted while the APIC is disabled or
 * software-disabled. */
void lapic_accept(struct lapic *a, u32 vector, bool level);

/* Brings the timer up to `now`: an expiry sets IRR for the timer's vector
 * unless the LVT is masked, and re-arms a periodic timer. Expiries missed
 * in between coalesce into the one IRR bit, as on hardware. */
void lapic_update(struct lapic *a, u64 now);

/* The vector to deliver now (IRR's highest above the PPR class, APIC
 * software-enabled), or -1. */
int lapic_pending(const struct lapic *a);
/* The guest took the vector (interrupt acknowledge): IRR -> ISR. */
void lapic_ack(struct lapic *a, u32 vector);

/* A level-triggered vector the guest ended with EOI since the last call
 * (the EOI message the IOAPIC takes to clear its remote IRR), clearing it;
 * -1 if none. */
int lapic_take_eoi_broadcast(struct lapic *a);

/* Whether an interrupt message's destination names this APIC: physical
 * (its ID; the broadcast ID) or logical (LDR, DFR flat or cluster; x2APIC
 * clusters), SDM 11.6.2. */
bool lapic_is_destination(const struct lapic *a, u32 dest, bool logical);

/* Whether LINT0 passes the i8259's INTR as ExtINT (LVT0 unmasked, mode
 * ExtINT, the APIC software-enabled), or the APIC is disabled for good
 * (IA32_APIC_BASE EN clear: INTR goes to the CPU directly). */
bool lapic_extint_open(const struct lapic *a);

/* An NMI IPI is pending: true once, clearing it (the VMM injects NMI). */
bool lapic_take_nmi(struct lapic *a);

/* Guest TSC of the next timer expiry that raises an interrupt,
 * LAPIC_NO_EVENT if none is armed (or the timer LVT is masked). */
u64 lapic_next_event(const struct lapic *a);

#endif
