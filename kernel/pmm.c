#include "pmm.h"
#include <vireo/x86/pte.h>

static u64 round_up(u64 v, u64 align)
{
    u64 r = (v + align - 1) & ~(align - 1);
    return r < v ? ~(align - 1) : r; /* saturate instead of wrapping */
}

static u64 round_down(u64 v, u64 align)
{
    return v & ~(align - 1);
}

static u64 region_end(const struct vireo_mem_region *r)
{
    u64 end = r->base + r->size;
    return end < r->base ? ~0ull : end;
}

static bool is_blocking(u32 type, u32 wanted)
{
    return type != VIREO_MEM_USABLE && type != wanted;
}

u64 pmm_map_words(const struct vireo_mem_region *regions, u32 count)
{
    u64 top = 0;
    for (u32 i = 0; i < count; i++) {
        const struct vireo_mem_region *r = &regions[i];
        if (r->type != VIREO_MEM_USABLE && r->type != VIREO_MEM_BOOT)
            continue;
        u64 end = round_down(region_end(r), PAGE_SIZE);
        if (end > top)
            top = end;
    }
    u64 pages = top / PAGE_SIZE;
    return (pages + 63) / 64;
}

/* The lowest-starting region that blocks type `wanted` and ends after cur
 * but starts before limit, rounded outward to pages. */
static bool next_blocker(const struct vireo_mem_region *regions, u32 count, u32 wanted, u64 cur,
                         u64 limit, u64 *start, u64 *end)
{
    bool found = false;
    for (u32 i = 0; i < count; i++) {
        if (!is_blocking(regions[i].type, wanted) || regions[i].size == 0)
            continue;
        u64 s = round_down(regions[i].base, PAGE_SIZE);
        u64 e = round_up(region_end(&regions[i]), PAGE_SIZE);
        if (e <= cur || s >= limit)
            continue;
        if (!found || s < *start) {
            *start = s;
            *end = e;
            found = true;
        }
    }
    return found;
}

/* Calls visit for each maximal page range of regions of `type` that is at or
 * above 1 MiB and not covered by a blocking region. Stops early when visit
 * returns true. */
typedef bool (*range_visitor)(void *ctx, u64 base, u64 end);

static void for_each_clear_range(const struct vireo_mem_region *regions, u32 count, u32 type,
                                 range_visitor visit, void *ctx)
{
    for (u32 i = 0; i < count; i++) {
        if (regions[i].type != type)
            continue;
        u64 cur = round_up(regions[i].base, PAGE_SIZE);
        u64 end = round_down(region_end(&regions[i]), PAGE_SIZE);
        if (cur < PMM_LOW_LIMIT)
            cur = PMM_LOW_LIMIT;
        while (cur < end) {
            u64 bs = 0, be = 0;
            if (!next_blocker(regions, count, type, cur, end, &bs, &be)) {
                if (visit(ctx, cur, end))
                    return;
                break;
            }
            if (bs > cur && visit(ctx, cur, bs))
                return;
            cur = be > cur ? be : cur + PAGE_SIZE;
        }
    }
}

struct home_search {
    u64 bytes;
    u64 found;
};

static bool home_visit(void *ctx, u64 base, u64 end)
{
    struct home_search *h = ctx;
    if (end - base >= h->bytes) {
        h->found = base;
        return true;
    }
    return false;
}

u64 pmm_find_home(const struct vireo_mem_region *regions, u32 count, u64 bytes)
{
    struct home_search h = {round_up(bytes, PAGE_SIZE), 0};
    for_each_clear_range(regions, count, VIREO_MEM_USABLE, home_visit, &h);
    return h.found;
}

static bool bit_test(const u64 *map, u64 page)
{
    return (map[page / 64] >> (page % 64)) & 1;
}
static void bit_set(u64 *map, u64 page)
{
    map[page / 64] |= 1ull << (page % 64);
}
static void bit_clear(u64 *map, u64 page)
{
    map[page / 64] &= ~(1ull << (page % 64));
}

static bool add_visit(void *ctx, u64 base, u64 end)
{
    struct pmm *pmm = ctx;
    u64 limit = pmm->words * 64;
    for (u64 page = base / PAGE_SIZE; page < end / PAGE_SIZE && page < limit; page++) {
        if (bit_test(pmm->owned_map, page))
            continue;
        bit_set(pmm->owned_map, page);
        bit_set(pmm->free_map, page);
        pmm->owned_pages++;
        pmm->free_pages++;
    }
    return false;
}

void pmm_init(struct pmm *pmm, u64 *storage, u64 words, const struct vireo_mem_region *regions,
              u32 count)
{
    pmm->free_map = storage;
    pmm->owned_map = storage + words;
    pmm->words = words;
    pmm->owned_pages = 0;
    pmm->free_pages = 0;
    pmm->search_hint = 0;
    for (u64 i = 0; i < 2 * words; i++)
        storage[i] = 0;
    pmm_add_type(pmm, regions, count, VIREO_MEM_USABLE);
}

void pmm_add_type(struct pmm *pmm, const struct vireo_mem_region *regions, u32 count, u32 type)
{
    for_each_clear_range(regions, count, type, add_visit, pmm);
}

void pmm_remove_range(struct pmm *pmm, u64 base, u64 size)
{
    u64 limit = pmm->words * 64;
    u64 first = round_down(base, PAGE_SIZE) / PAGE_SIZE;
    u64 end = round_up(base + size, PAGE_SIZE) / PAGE_SIZE;
    for (u64 page = first; page < end && page < limit; page++) {
        if (!bit_test(pmm->owned_map, page))
            continue;
        if (bit_test(pmm->free_map, page))
            pmm->free_pages--;
        bit_clear(pmm->owned_map, page);
        bit_clear(pmm->free_map, page);
        pmm->owned_pages--;
    }
}

u64 pmm_alloc(struct pmm *pmm)
{
    for (u64 n = 0; n < pmm->words; n++) {
        u64 w = (pmm->search_hint + n) % pmm->words;
        u64 bits = pmm->free_map[w];
        if (bits == 0)
            continue;
        u64 page = w * 64 + (u64)__builtin_ctzll(bits);
        bit_clear(pmm->free_map, page);
        pmm->free_pages--;
        pmm->search_hint = w;
        return page * PAGE_SIZE;
    }
    return 0;
}

bool pmm_free(struct pmm *pmm, u64 phys)
{
    u64 page = phys / PAGE_SIZE;
    if (phys % PAGE_SIZE || page >= pmm->words * 64)
        return false;
    if (!bit_test(pmm->owned_map, page) || bit_test(pmm->free_map, page))
        return false;
    bit_set(pmm->free_map, page);
    pmm->free_pages++;
    return true;
}

bool pmm_is_free(const struct pmm *pmm, u64 phys)
{
    u64 page = phys / PAGE_SIZE;
    return page < pmm->words * 64 && bit_test(pmm->free_map, page);
}

u64 pmm_take_run(struct pmm *pmm, u64 pages)
{
    u64 limit = pmm->words * 64, run = 0;
    if (pages == 0)
        return 0;
    for (u64 page = 0; page < limit; page++) {
        run = bit_test(pmm->free_map, page) ? run + 1 : 0;
        if (run == pages) {
            u64 first = page + 1 - pages;
            pmm_remove_range(pmm, first * PAGE_SIZE, pages * PAGE_SIZE);
            return first * PAGE_SIZE;
        }
    }
    return 0;
}

u32 pmm_take_free_ranges(struct pmm *pmm, u64 keep, struct pmm_range *out, u32 max)
{
    u32 n = 0;
    u64 page = pmm->words * 64;
    while (n < max && pmm->free_pages > keep && page > 0) {
        /* The highest free page below `page` ends the next run. */
        while (page > 0 && !bit_test(pmm->free_map, page - 1))
            page--;
        if (page == 0)
            break;
        u64 end = page, budget = pmm->free_pages - keep;
        while (page > 0 && end - page < budget && bit_test(pmm->free_map, page - 1))
            page--;
        out[n].base = page * PAGE_SIZE;
        out[n].pages = end - page;
        pmm_remove_range(pmm, out[n].base, out[n].pages * PAGE_SIZE);
        n++;
    }
    return n;
}
