/* Checking the kernel module's ELF image and planning where it goes: the
 * image spans [VIREO_KERNEL_VIRT_BASE, end of the highest segment) and is
 * placed so that VIREO_KERNEL_VIRT_BASE + x sits at kernel_phys + x. */
#ifndef LOADER_KERNEL_ELF_H
#define LOADER_KERNEL_ELF_H

#include "boot_error.h"
#include <vireo/boot_info.h>

#define KERNEL_MAX_SEGMENTS 16
/* Larger than any sensible kernel; keeps the hand-over tables small. */
#define KERNEL_MAX_SPAN (1ull << 30)

struct kernel_segment {
    u64 vaddr;
    u64 offset; /* in the module */
    u64 filesz;
    u64 memsz;
    u32 flags; /* PF_R / PF_W / PF_X */
};

struct kernel_plan {
    u64 entry;
    u64 size; /* page-rounded span from VIREO_KERNEL_VIRT_BASE: boot_info.kernel_size */
    u32 segment_count;
    struct kernel_segment segments[KERNEL_MAX_SEGMENTS];
};

bool kernel_elf_check(const void *image, u64 size, struct kernel_plan *plan,
                      struct boot_error *err);

#endif
