/* What the CPUID policy (servers/vmm/cpuid.c) meets on the host, faked for
 * host tests (fake_cpu.c): a host CPU given as a table of leaves that
 * answers out-of-range leaves as its vendor does, the XCR0 set xstate.h
 * offers, and a local APIC that records what the VMM asks of it. */
#ifndef TESTS_UNIT_VMM_FAKE_CPU_H
#define TESTS_UNIT_VMM_FAKE_CPU_H

#include "cpuid.h"

/* A host: leaf 0 and 0x80000000 say the ranges and the vendor. Leaves
 * not set read 0; leaves above the ranges read as the highest basic leaf
 * (Intel: so the policy must not pass them on). */
void fake_cpu_clear(void);
void fake_cpu_set(u32 leaf, u32 subleaf, u32 eax, u32 ebx, u32 ecx, u32 edx);
struct cpuid_result fake_cpu_cpuid(u32 leaf, u32 subleaf);
/* Hosts with every flag bit set, so the guest sees exactly the policy:
 * a GenuineIntel one (max 0x16 / 0x80000008) and an AuthenticAMD one
 * (max 0x10 / 0x80000021); phys_bits in 0x80000008. */
void fake_cpu_intel(u32 phys_bits);
void fake_cpu_amd(u32 phys_bits);
/* cpuid_configure with the fake host and this policy. */
void fake_cpu_configure(u32 paravirt, const char *const *disable, u32 apic_id);

/* xstate.h: the XCR0 set offered (x87 | SSE | AVX unless changed), sizes
 * as the standard format's for x87/SSE/AVX. */
extern u64 fake_xcr0_mask;

/* What injecting exception `vector` (exit_inject_exception, the shared
 * step) does to the state `before`: the MTD it names, and the state in
 * *out (NULL: not wanted). The oracle of "a fault and nothing else". */
u64 fake_injected(const struct vireo_vcpu_state *before, u32 vector, bool has_error,
                  struct vireo_vcpu_state *out);

/* lapic.h: the last calls (fake_lapic_reset clears them). */
struct fake_lapic_log {
    u64 base;    /* what lapic_base_msr returns */
    bool refuse; /* lapic_set_base / lapic_msr_* return false */
    unsigned set_base, msr_read, msr_write, deadline_set, cr8_set; /* calls */
    bool extint_open;  /* what lapic_extint_open returns (irqchip.c) */
    unsigned accepted; /* lapic_accept calls */
    u64 last_value, last_now;
    u32 last_msr, last_phys_bits;
    u64 deadline;
    u32 cr8;
};
extern struct fake_lapic_log fake_lapic;
void fake_lapic_reset(void);

#endif
