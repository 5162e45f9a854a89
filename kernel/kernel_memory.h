/* Bring-up of physical memory (memory.c), in boot order. */
#ifndef KERNEL_KERNEL_MEMORY_H
#define KERNEL_KERNEL_MEMORY_H

#include <vireo/boot_info.h>

/* The page allocator over usable RAM (the loader's data still in use). */
void memory_init(const struct vireo_boot_info *boot);
/* Adds the loader's memory once nothing refers to it any more. */
void memory_reclaim_boot_data(const struct vireo_boot_info *boot);
/* "kernel: memory: N MiB usable, N free pages" */
void memory_report(void);

#endif
