/*
 * An Intel MultiProcessor Specification 1.4 table for a Linux guest: how
 * a kernel booted without ACPI (acpi=off) finds its local APICs, its
 * IOAPIC and how the ISA interrupts reach it. The VMM writes it into the
 * last KiB of base memory (0x9fc00, reserved in the e820 map), where the
 * spec says an OS looks for the floating pointer first.
 *
 * What it describes (docs/LINUX.md, "Platform"): `cpus` processors (APIC
 * IDs 0.., the first the BSP, version LAPIC_VERSION), one ISA bus, the
 * IOAPIC (ID ioapic_id at 0xfec00000, version 0x20), ISA IRQ n on
 * its pin n for n = 0..15 but 2 (the board's wiring: irqchip.c), both
 * edge-triggered and active high as ISA conforms; the i8259's INTR as
 * ExtINT on every local APIC's LINT0 and NMI on LINT1 (virtual wire).
 * The floating pointer's feature bytes are 0: a configuration table is
 * present and there is no IMCR (PIC mode is not used).
 *
 * Pure: writes into a buffer, host-tested (tests/unit/vmm/test_mptable.c).
 */
#ifndef VIREO_VMM_MPTABLE_H
#define VIREO_VMM_MPTABLE_H

#include <vireo/types.h>

#define MPTABLE_ADDR      0x9fc00u /* the last KiB below 640 KiB */
#define MPTABLE_MAX_BYTES 1024u
#define MPTABLE_IOAPIC_ID 1u /* the VMM's: after the local APIC's 0 (one vCPU) */
#define MPTABLE_MAX_CPUS  8u /* what fits in the KiB with the interrupts */

/* Writes the floating pointer and the configuration table for a table at
 * guest-physical `addr` into buf (MPTABLE_MAX_BYTES). cpu_signature and
 * cpu_features: CPUID 1 EAX and EDX as the guest sees them. Returns the
 * bytes written, 0 if cpus is 0 or above MPTABLE_MAX_CPUS or ioapic_id is
 * a local APIC's (below cpus) or above 15. */
u32 mptable_build(u8 *buf, u32 addr, u32 cpus, u32 ioapic_id, u32 cpu_signature, u32 cpu_features);

#endif
