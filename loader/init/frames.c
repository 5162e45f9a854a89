/* Frame runs over root MEM capabilities (frames.h). */
#include "frames.h"
#include <string.h>

void frames_init(struct frame_pool *pool)
{
    memset(pool, 0, sizeof(*pool));
}

bool frames_add_root(struct frame_pool *pool, u64 sel, u64 pages)
{
    if (pool->count == FRAMES_MAX_ROOTS || pages == 0)
        return false;
    struct frame_root *r = &pool->roots[pool->count++];
    r->sel = sel;
    r->pages = pages;
    r->nfree = 1;
    r->free[0] = (struct frame_extent){0, pages};
    return true;
}

static void remove_extent(struct frame_root *r, u32 i)
{
    memmove(&r->free[i], &r->free[i + 1], (r->nfree - i - 1) * sizeof(r->free[0]));
    r->nfree--;
}

bool frames_alloc(struct frame_pool *pool, u64 pages, u64 *sel, u64 *offset)
{
    if (pages == 0)
        return false;
    for (u32 k = 0; k < pool->count; k++) {
        struct frame_root *r = &pool->roots[k];
        for (u32 i = 0; i < r->nfree; i++) {
            struct frame_extent *e = &r->free[i];
            if (e->pages < pages)
                continue;
            *sel = r->sel;
            *offset = e->offset;
            e->offset += pages;
            e->pages -= pages;
            if (e->pages == 0)
                remove_extent(r, i);
            return true;
        }
    }
    return false;
}

bool frames_free(struct frame_pool *pool, u64 sel, u64 offset, u64 pages)
{
    struct frame_root *r = NULL;
    for (u32 k = 0; k < pool->count; k++) {
        if (pool->roots[k].sel == sel)
            r = &pool->roots[k];
    }
    if (!r || pages == 0 || offset >= r->pages || pages > r->pages - offset)
        return false;
    u64 end = offset + pages;
    u32 i = 0;
    while (i < r->nfree && r->free[i].offset < offset)
        i++;
    /* Must not overlap a free neighbour: that would be a double free. */
    if (i > 0 && r->free[i - 1].offset + r->free[i - 1].pages > offset)
        return false;
    if (i < r->nfree && r->free[i].offset < end)
        return false;
    bool join_prev = i > 0 && r->free[i - 1].offset + r->free[i - 1].pages == offset;
    bool join_next = i < r->nfree && r->free[i].offset == end;
    if (join_prev && join_next) {
        r->free[i - 1].pages += pages + r->free[i].pages;
        remove_extent(r, i);
    } else if (join_prev) {
        r->free[i - 1].pages += pages;
    } else if (join_next) {
        r->free[i].offset = offset;
        r->free[i].pages += pages;
    } else {
        if (r->nfree == FRAMES_MAX_EXTENTS)
            return false;
        memmove(&r->free[i + 1], &r->free[i], (r->nfree - i) * sizeof(r->free[0]));
        r->free[i] = (struct frame_extent){offset, pages};
        r->nfree++;
    }
    return true;
}

u64 frames_available(const struct frame_pool *pool)
{
    u64 sum = 0;
    for (u32 k = 0; k < pool->count; k++) {
        for (u32 i = 0; i < pool->roots[k].nfree; i++)
            sum += pool->roots[k].free[i].pages;
    }
    return sum;
}
