/* Page frames for servers, carved out of init's root MEM capabilities.
 * Each allocation is a contiguous run inside one root capability (so one
 * DELEGATE can make a child MEM capability of it); freed runs merge with
 * their neighbours. Pure bookkeeping: the capabilities are made by the
 * caller. */
#ifndef INIT_FRAMES_H
#define INIT_FRAMES_H

#include <vireo/types.h>

#define FRAMES_MAX_ROOTS   16u
#define FRAMES_MAX_EXTENTS 64u /* free runs per root */

struct frame_extent {
    u64 offset, pages;
};

struct frame_root {
    u64 sel;   /* the root MEM capability's selector in init's space */
    u64 pages; /* its size */
    u32 nfree;
    struct frame_extent free[FRAMES_MAX_EXTENTS]; /* sorted, not touching */
};

struct frame_pool {
    u32 count;
    struct frame_root roots[FRAMES_MAX_ROOTS];
};

void frames_init(struct frame_pool *pool);
/* Adds a root capability of `pages` pages; false when full or empty. */
bool frames_add_root(struct frame_pool *pool, u64 sel, u64 pages);
/* First fit over the roots in the order added. */
bool frames_alloc(struct frame_pool *pool, u64 pages, u64 *sel, u64 *offset);
/* Gives back a run frames_alloc returned. False if it is not allocated
 * (a bookkeeping error) or the free list is full. */
bool frames_free(struct frame_pool *pool, u64 sel, u64 offset, u64 pages);
/* Free pages in all roots. */
u64 frames_available(const struct frame_pool *pool);

#endif
