/* Physical memory as the rest of the kernel sees it: frames from the page
 * allocator, reached through the direct map. Host tests provide their own
 * definitions of these functions to run the pure code over a heap buffer. */
#ifndef KERNEL_MEMORY_H
#define KERNEL_MEMORY_H

#include <vireo/types.h>

/* Kernel pointer to a physical address (in the direct map). */
void *phys_to_virt(u64 phys);
/* Physical address of a direct-map pointer. */
u64 virt_to_phys(const void *virt);

/* A zero-filled page frame, or 0 when memory is exhausted. */
u64 frame_alloc(void);
void frame_free(u64 phys);

/* Is [phys, phys + len) below the end of the direct map? */
bool phys_in_direct_map(u64 phys, u64 len);

#endif
