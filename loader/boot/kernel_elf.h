/* Checking the kernel module's ELF image (lib/elf64.c) and planning where it
 * goes: the image spans [VIREO_KERNEL_VIRT_BASE, end of the highest segment)
 * and is placed so that VIREO_KERNEL_VIRT_BASE + x sits at kernel_phys + x. */
#ifndef LOADER_KERNEL_ELF_H
#define LOADER_KERNEL_ELF_H

#include "boot_error.h"
#include <vireo/boot_info.h>
#include <vireo/elf64.h>

/* Larger than any sensible kernel; keeps the hand-over tables small. */
#define KERNEL_MAX_SPAN (1ull << 30)

struct kernel_plan {
    struct elf64_image elf; /* entry and segments, all in [BASE, BASE + KERNEL_MAX_SPAN) */
    u64 size; /* page-rounded span from VIREO_KERNEL_VIRT_BASE: boot_info.kernel_size */
};

/* Fills *plan, or fails with "kernel: <reason>" (VIREO_STOP_BAD_BOOT). */
bool kernel_elf_check(const void *image, u64 size, struct kernel_plan *plan,
                      struct boot_error *err);

#endif
