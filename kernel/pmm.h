/*
 * Physical page allocator: a bitmap over page frames built from the boot
 * memory map. Pure (no hardware access): the kernel hands it the storage for
 * its bitmaps, host tests hand it a buffer.
 *
 * A page is "owned" when it belongs to the pool (usable RAM at or above
 * 1 MiB, not covered by any non-usable region, or reclaimed boot data); an
 * owned page is either free or allocated. Frame 0 is never owned, so 0
 * doubles as "no page".
 */
#ifndef KERNEL_PMM_H
#define KERNEL_PMM_H

#include <vireo/boot_info.h>
#include <vireo/types.h>

#define PMM_LOW_LIMIT 0x100000ull /* RAM below 1 MiB is never handed out */

struct pmm {
    u64 *free_map;  /* bit set: page is free */
    u64 *owned_map; /* bit set: page belongs to the pool */
    u64 words;      /* 64-bit words in each map */
    u64 owned_pages;
    u64 free_pages;
    u64 search_hint; /* word index where the last allocation succeeded */
};

/* Words per map needed to cover every usable or boot-data region. */
u64 pmm_map_words(const struct vireo_mem_region *regions, u32 count);

/* Finds bytes of page-aligned usable RAM at or above 1 MiB that no other
 * region overlaps, for the maps themselves. Returns 0 if there is none. */
u64 pmm_find_home(const struct vireo_mem_region *regions, u32 count, u64 bytes);

/* storage holds 2 * words u64s. Adds every usable page (see above). */
void pmm_init(struct pmm *pmm, u64 *storage, u64 words, const struct vireo_mem_region *regions,
              u32 count);

/* Adds the pages of regions of the given type (e.g. VIREO_MEM_BOOT once the
 * loader's data is dead) that no region of another non-usable type covers. */
void pmm_add_type(struct pmm *pmm, const struct vireo_mem_region *regions, u32 count, u32 type);

/* Takes [base, base + size) out of the pool for good (e.g. the maps). */
void pmm_remove_range(struct pmm *pmm, u64 base, u64 size);

/* Returns the physical address of a free page, or 0 when none is left. */
u64 pmm_alloc(struct pmm *pmm);

/* Returns false (and changes nothing) for a page that is not owned or is
 * already free. */
bool pmm_free(struct pmm *pmm, u64 phys);

bool pmm_is_free(const struct pmm *pmm, u64 phys);

/* Takes the lowest run of `pages` free, contiguous pages out of the pool
 * for good and returns its physical address, or 0 if there is none. */
u64 pmm_take_run(struct pmm *pmm, u64 pages);

struct pmm_range {
    u64 base; /* physical address */
    u64 pages;
};

/* Takes free pages out of the pool for good, highest addresses first, in
 * maximal runs, until only `keep` free pages are left or `max` runs were
 * taken. Returns the number of runs written to out (highest first). */
u32 pmm_take_free_ranges(struct pmm *pmm, u64 keep, struct pmm_range *out, u32 max);

#endif
