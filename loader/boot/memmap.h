/* Building boot_info.mem[]: the firmware's map made sorted and disjoint, then
 * what the loader placed in usable RAM carved out of it. */
#ifndef LOADER_MEMMAP_H
#define LOADER_MEMMAP_H

#include "boot_error.h"
#include <vireo/boot_info.h>

/* Resolves overlaps in favour of the more restrictive type, maps unknown
 * types to RESERVED, merges touching regions of one type, shrinks usable
 * regions inward to whole pages and sorts by address. */
bool memmap_sanitize(const struct vireo_mem_region *in, u32 count, struct vireo_mem_region *out,
                     u32 max, u32 *out_count, struct boot_error *err);

/* Something the loader put in usable RAM. */
struct mem_carve {
    u64 base;
    u64 size;
    u32 type;         /* VIREO_MEM_KERNEL, _MODULE or _BOOT */
    const char *what; /* for messages: "the kernel", "module 'init'", ... */
};

/* Copies the sanitized map to out with each carve (rounded out to pages)
 * marked with its type. Every carve must lie in one usable region, and
 * carves of different types must not overlap. */
bool memmap_carve(const struct vireo_mem_region *map, u32 count, const struct mem_carve *carves,
                  u32 carve_count, struct vireo_mem_region *out, u32 max, u32 *out_count,
                  struct boot_error *err);

u64 memmap_usable_bytes(const struct vireo_mem_region *map, u32 count);
/* The end of the highest region (0 for an empty map). */
u64 memmap_end(const struct vireo_mem_region *map, u32 count);

#endif
