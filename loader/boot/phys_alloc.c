#include "phys_alloc.h"
#include <vireo/x86/pte.h>

void phys_alloc_init(struct phys_alloc *a, const struct vireo_mem_region *map, u32 count, u64 min,
                     u64 limit)
{
    a->map = map;
    a->map_count = count;
    a->range_count = 0;
    a->min = min;
    a->limit = limit;
}

bool phys_alloc_reserve(struct phys_alloc *a, u64 base, u64 size)
{
    if (size == 0)
        return true;
    if (a->range_count == PHYS_ALLOC_MAX_RANGES)
        return false;
    u64 end = base + size < base ? ~0ull : base + size;
    a->ranges[a->range_count++] = (struct phys_range){
        .base = base & ~(PAGE_SIZE - 1),
        .end = end > ~0ull - (PAGE_SIZE - 1) ? ~0ull : (end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1),
    };
    return true;
}

/* The end of the first range overlapping [base, end), or 0 when none does. */
static u64 blocking_end(const struct phys_alloc *a, u64 base, u64 end)
{
    for (u32 i = 0; i < a->range_count; i++) {
        if (a->ranges[i].base < end && base < a->ranges[i].end)
            return a->ranges[i].end;
    }
    return 0;
}

u64 phys_alloc(struct phys_alloc *a, u64 size, u64 align)
{
    if (size == 0 || align < PAGE_SIZE || (align & (align - 1)) ||
        a->range_count == PHYS_ALLOC_MAX_RANGES)
        return 0;
    size = (size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    for (u32 i = 0; i < a->map_count; i++) {
        const struct vireo_mem_region *r = &a->map[i];
        if (r->type != VIREO_MEM_USABLE)
            continue;
        u64 top = r->base + r->size < a->limit ? r->base + r->size : a->limit;
        u64 at = r->base > a->min ? r->base : a->min;
        for (;;) {
            at = (at + align - 1) & ~(align - 1);
            if (at < r->base || at < a->min || at >= top || size > top - at)
                break; /* also catches wrap-around of the rounding */
            u64 blocked = blocking_end(a, at, at + size);
            if (!blocked) {
                a->ranges[a->range_count++] = (struct phys_range){at, at + size};
                return at;
            }
            at = blocked;
        }
    }
    return 0;
}
