/* The kernel's own page tables: the direct map of RAM at
 * VIREO_PHYSMAP_BASE, the kernel image with W^X, and uncached MMIO windows.
 * No identity map, nothing user-accessible. */
#ifndef KERNEL_X86_KERNEL_MAP_H
#define KERNEL_X86_KERNEL_MAP_H

#include <vireo/boot_info.h>
#include <vireo/types.h>
#include <vireo/x86/pte.h>

/* Builds the tables from the boot memory map and switches CR3 to them. */
void kernel_map_init(const struct vireo_boot_info *boot);

/* Physical address of the kernel's PML4 (its upper half is shared by every
 * address space). */
u64 kernel_pml4(void);

/* Maps device registers uncached, no-execute; returns their address. */
volatile void *kernel_map_mmio(u64 phys, u64 size);

#endif
