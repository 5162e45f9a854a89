/*
 * Where an emulated access to guest-physical memory that is no RAM goes:
 * the local APIC's page while it answers there (lapic.h), the IOAPIC's
 * (irqchip.h), else the device server (devices.h). The instruction emulator calls this for every
 * MMIO operand, one call per access of 1, 2, 4 or 8 bytes within one page.
 */
#ifndef VIREO_VMM_MMIO_ROUTE_H
#define VIREO_VMM_MMIO_ROUTE_H

#include "exit_ctx.h"

/* false: the VM was stopped (named in the stop line); *value is then 0. */
bool mmio_route_read(struct exit_ctx *x, u64 gpa, u32 size, u64 *value);
bool mmio_route_write(struct exit_ctx *x, u64 gpa, u32 size, u64 value);

#endif
