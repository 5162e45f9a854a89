/* Building 4-level page tables from a pool of pages that the caller can
 * write through a pointer (the loader: identity; host tests: a buffer). */
#ifndef LOADER_PAGING_H
#define LOADER_PAGING_H

#include <vireo/types.h>

struct pt_builder {
    u8 *pool;      /* the pool as the caller reaches it */
    u64 pool_phys; /* its physical address */
    u32 pages;
    u32 used;
    u64 pml4_phys;
};

/* Zeroes the pool and takes its first page as the PML4. */
bool pt_init(struct pt_builder *b, void *pool, u64 pool_phys, u32 pages);

/* Maps one page of page_size (4 KiB or 2 MiB) at va to pa with the leaf
 * flags given (PTE_P is implied). Fails when the pool runs out or the page
 * is already mapped. */
bool pt_map(struct pt_builder *b, u64 va, u64 pa, u64 page_size, u64 flags);

/* The entry mapping va at level (1 = PT ... 4 = PML4), or 0 when a table
 * on the way is missing; stops early at a large page. For tests. */
u64 pt_lookup(const struct pt_builder *b, u64 va, int *level);

/* Enough pool pages for the hand-over tables: identity 0..4 GiB and the
 * direct map of [0, phys_limit) in 2 MiB pages, the kernel span in 4 KiB. */
u32 pt_pages_bound(u64 phys_limit, u64 kernel_span);

#endif
