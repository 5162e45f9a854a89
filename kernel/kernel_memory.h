/* Bring-up of physical memory (memory.c), in boot order. */
#ifndef KERNEL_KERNEL_MEMORY_H
#define KERNEL_KERNEL_MEMORY_H

#include "pmm.h"
#include <vireo/boot_info.h>

/* The page allocator over usable RAM (the loader's data still in use). */
void memory_init(const struct vireo_boot_info *boot);
/* Adds the loader's memory once nothing refers to it any more. */
void memory_reclaim_boot_data(const struct vireo_boot_info *boot);
/* "kernel: memory: N MiB usable, N free pages" */
void memory_report(void);

/* Free pages of the page allocator now. */
u64 memory_free_pages(void);
/* Takes `pages` contiguous free pages out of the allocator for good (the
 * kernel-object pool); 0 if there is no such run. */
u64 memory_take_run(u64 pages);
/* Takes every free page but `keep` out of the allocator for good, as runs
 * (the frames init receives as MEM capabilities). */
u32 memory_take_user_ranges(u64 keep, struct pmm_range *out, u32 max);

#endif
