/* The loader's physical allocator: lowest fit in usable RAM, never touching
 * a reserved range (loader image, modules, multiboot information) or an
 * earlier allocation. Nothing is ever freed. */
#ifndef LOADER_PHYS_ALLOC_H
#define LOADER_PHYS_ALLOC_H

#include <vireo/boot_info.h>

#define PHYS_ALLOC_MAX_RANGES (VIREO_BOOT_MAX_MODULES + 16)

struct phys_range {
    u64 base;
    u64 end;
};

struct phys_alloc {
    const struct vireo_mem_region *map; /* sanitized: sorted, disjoint */
    u32 map_count;
    u32 range_count;
    u64 min;                                         /* nothing below this address is handed out */
    u64 limit;                                       /* nor anything reaching above this one */
    struct phys_range ranges[PHYS_ALLOC_MAX_RANGES]; /* reserved or allocated */
};

void phys_alloc_init(struct phys_alloc *a, const struct vireo_mem_region *map, u32 count, u64 min,
                     u64 limit);
/* Keeps [base, base + size), widened to pages, away from later
 * allocations. False when the table of ranges is full. */
bool phys_alloc_reserve(struct phys_alloc *a, u64 base, u64 size);
/* size bytes at an align-aligned (power of two, at least a page) address;
 * 0 when nothing fits. */
u64 phys_alloc(struct phys_alloc *a, u64 size, u64 align);

#endif
