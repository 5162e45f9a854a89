/*
 * The guest-physical memory a multiboot guest sees (docs/VMM.md): RAM from
 * 0 to the VM's RAM size, the PC's conventional hole below 1 MiB, and the
 * page where the boot information goes (the addresses QEMU's -kernel
 * uses). Everything the loader places is checked here.
 */
#ifndef VIREO_VMM_MB1_MEMORY_H
#define VIREO_VMM_MB1_MEMORY_H

#include "mb1_why.h"
#include <vireo/types.h>

#define MB1_LOW_RAM_END    0x9fc00ull  /* lower memory [0, here): 639 KiB */
#define MB1_HIGH_RAM_START 0x100000ull /* [MB1_LOW_RAM_END, 1 MiB) reserved */

/* The boot information page: memory map, info structure, GDT. */
#define MB1_BOOT_PAGE      0x9000ull
#define MB1_BOOT_PAGE_SIZE 0x1000ull
#define MB1_MMAP_ADDR      0x9000u /* QEMU's e820 copy */
#define MB1_INFO_ADDR      0x9500u /* QEMU's info structure: EBX */
#define MB1_GDT_ADDR       0x9560u

/* RAM sizes a multiboot VM may have: whole pages, enough for an image
 * above 1 MiB, and all of it below the MMIO space under 4 GiB (LAPIC,
 * IOAPIC, PCI), so that one memory-map entry describes it. */
#define MB1_RAM_MIN 0x200000ull
#define MB1_RAM_MAX 0xc0000000ull

#define MB1_MMAP_ENTRIES 3

struct mb1_mmap_range {
    u64 base, length;
    u32 type; /* MB1_MMAP_AVAILABLE or MB1_MMAP_RESERVED */
};

/* Refuses a RAM size outside [MB1_RAM_MIN, MB1_RAM_MAX] or not whole pages. */
bool mb1_ram_check(u64 ram_size, const struct mb1_why *why);

/* The memory map for ram_size (checked): lower memory, the reserved hole
 * up to 1 MiB, RAM from 1 MiB to the end. */
void mb1_memory_map(u64 ram_size, struct mb1_mmap_range map[MB1_MMAP_ENTRIES]);

/* Refuses [gpa, gpa + len) unless it is inside RAM, outside the reserved
 * hole and outside the boot information page; `what` names the range in
 * the reason ("segment 1", "module 0"). len 0 always fits. */
bool mb1_place_check(u64 ram_size, u64 gpa, u64 len, const char *what, const struct mb1_why *why);

#endif
