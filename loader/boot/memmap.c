#include "memmap.h"
#include <vireo/stop.h>
#include <vireo/x86/pte.h>
#include <string.h>

#define MAX_POINTS (2 * VIREO_BOOT_MAX_MEM)
#define MAX_CARVES (VIREO_BOOT_MAX_MODULES + 16)

static u64 region_end(const struct vireo_mem_region *r)
{
    /* A region reaching past 2^64 is clipped at the top of the space. */
    return r->base + r->size < r->base ? ~0ull : r->base + r->size;
}

static u64 align_down(u64 v, u64 a)
{
    return v & ~(a - 1);
}

static u64 align_up(u64 v, u64 a)
{
    return v + (a - 1) < v ? align_down(~0ull, a) : align_down(v + a - 1, a);
}

/* Higher wins an overlap. */
static int restrictiveness(u32 type)
{
    switch (type) {
    case VIREO_MEM_USABLE:
        return 1;
    case VIREO_MEM_ACPI_RECLAIM:
        return 2;
    case VIREO_MEM_ACPI_NVS:
        return 3;
    case VIREO_MEM_RESERVED:
        return 4;
    case VIREO_MEM_BAD:
        return 5;
    default:
        return 0;
    }
}

static u32 firmware_type(u32 type)
{
    return restrictiveness(type) ? type : VIREO_MEM_RESERVED;
}

static void sort_points(u64 *p, u32 n)
{
    for (u32 i = 1; i < n; i++) {
        u64 v = p[i];
        u32 j = i;
        for (; j > 0 && p[j - 1] > v; j--)
            p[j] = p[j - 1];
        p[j] = v;
    }
}

static bool too_many(struct boot_error *err, u32 max)
{
    return boot_fail(err, VIREO_STOP_BAD_BOOT, "memory map too long",
                     "the memory map needs more than %u regions", max);
}

/* Appends [base, end) of type, merging with a touching predecessor. */
static bool append(struct vireo_mem_region *out, u32 max, u32 *n, u64 base, u64 end, u32 type,
                   struct boot_error *err)
{
    if (*n && out[*n - 1].type == type && out[*n - 1].base + out[*n - 1].size == base) {
        out[*n - 1].size += end - base;
        return true;
    }
    if (*n == max)
        return too_many(err, max);
    out[(*n)++] = (struct vireo_mem_region){.base = base, .size = end - base, .type = type};
    return true;
}

bool memmap_sanitize(const struct vireo_mem_region *in, u32 count, struct vireo_mem_region *out,
                     u32 max, u32 *out_count, struct boot_error *err)
{
    u64 points[MAX_POINTS];
    u32 np = 0, n = 0;
    if (count > VIREO_BOOT_MAX_MEM)
        return too_many(err, VIREO_BOOT_MAX_MEM);
    for (u32 i = 0; i < count; i++) {
        if (in[i].size == 0)
            continue;
        points[np++] = in[i].base;
        points[np++] = region_end(&in[i]);
    }
    sort_points(points, np);

    /* Each stretch between neighbouring boundaries takes the most
     * restrictive type among the entries covering it. */
    for (u32 i = 0; i + 1 < np; i++) {
        u64 a = points[i], b = points[i + 1];
        if (a == b)
            continue;
        u32 type = 0;
        for (u32 j = 0; j < count; j++) {
            if (in[j].size && in[j].base <= a && region_end(&in[j]) >= b &&
                restrictiveness(firmware_type(in[j].type)) > restrictiveness(type))
                type = firmware_type(in[j].type);
        }
        if (type && !append(out, max, &n, a, b, type, err))
            return false;
    }

    /* Usable RAM only in whole pages. */
    u32 kept = 0;
    for (u32 i = 0; i < n; i++) {
        struct vireo_mem_region r = out[i];
        if (r.type == VIREO_MEM_USABLE) {
            u64 base = align_up(r.base, PAGE_SIZE), end = align_down(r.base + r.size, PAGE_SIZE);
            if (end <= base)
                continue;
            r.base = base;
            r.size = end - base;
        }
        out[kept++] = r;
    }
    *out_count = kept;
    return true;
}

static bool check_carves(const struct vireo_mem_region *map, u32 count, const struct mem_carve *c,
                         u32 nc, struct boot_error *err)
{
    for (u32 i = 0; i < nc; i++) {
        if (c[i].size == 0)
            continue;
        u64 base = align_down(c[i].base, PAGE_SIZE),
            end = align_up(c[i].base + c[i].size, PAGE_SIZE);
        bool inside = false;
        for (u32 j = 0; j < count && !inside; j++)
            inside = map[j].type == VIREO_MEM_USABLE && map[j].base <= base &&
                     end <= map[j].base + map[j].size;
        if (!inside)
            return boot_fail(err, VIREO_STOP_BAD_BOOT, "boot data outside usable RAM",
                             "%s at [0x%llx, 0x%llx) is not inside usable RAM", c[i].what,
                             (unsigned long long)c[i].base,
                             (unsigned long long)(c[i].base + c[i].size));
        for (u32 j = 0; j < i; j++) {
            u64 b2 = align_down(c[j].base, PAGE_SIZE),
                e2 = align_up(c[j].base + c[j].size, PAGE_SIZE);
            if (c[j].size && base < e2 && b2 < end && c[i].type != c[j].type)
                return boot_fail(err, VIREO_STOP_BAD_BOOT, "boot data overlaps",
                                 "%s at [0x%llx, 0x%llx) overlaps %s at [0x%llx, 0x%llx)",
                                 c[i].what, (unsigned long long)c[i].base,
                                 (unsigned long long)(c[i].base + c[i].size), c[j].what,
                                 (unsigned long long)c[j].base,
                                 (unsigned long long)(c[j].base + c[j].size));
        }
    }
    return true;
}

bool memmap_carve(const struct vireo_mem_region *map, u32 count, const struct mem_carve *carves,
                  u32 carve_count, struct vireo_mem_region *out, u32 max, u32 *out_count,
                  struct boot_error *err)
{
    struct mem_carve sorted[MAX_CARVES];
    u32 n = 0;
    if (carve_count > MAX_CARVES)
        return boot_fail(err, VIREO_STOP_BAD_BOOT, "too much boot data",
                         "more than %d ranges to carve from the memory map", MAX_CARVES);
    if (!check_carves(map, count, carves, carve_count, err))
        return false;

    /* Page-rounded and sorted by base, so each usable region is walked once. */
    u32 ns = 0;
    for (u32 i = 0; i < carve_count; i++) {
        struct mem_carve c = carves[i];
        if (c.size == 0)
            continue;
        u64 end = align_up(c.base + c.size, PAGE_SIZE);
        c.base = align_down(c.base, PAGE_SIZE);
        c.size = end - c.base;
        u32 j = ns++;
        for (; j > 0 && sorted[j - 1].base > c.base; j--)
            sorted[j] = sorted[j - 1];
        sorted[j] = c;
    }

    for (u32 i = 0; i < count; i++) {
        const struct vireo_mem_region *r = &map[i];
        u64 pos = r->base, end = r->base + r->size;
        if (r->type == VIREO_MEM_USABLE) {
            for (u32 j = 0; j < ns; j++) {
                const struct mem_carve *c = &sorted[j];
                u64 cend = c->base + c->size;
                if (cend <= r->base || c->base >= end)
                    continue;
                if (c->base > pos && !append(out, max, &n, pos, c->base, VIREO_MEM_USABLE, err))
                    return false;
                u64 from = c->base > pos ? c->base : pos;
                if (cend > from && !append(out, max, &n, from, cend, c->type, err))
                    return false;
                if (cend > pos)
                    pos = cend;
            }
        }
        if (end > pos && !append(out, max, &n, pos, end, r->type, err))
            return false;
    }
    *out_count = n;
    return true;
}

u64 memmap_usable_bytes(const struct vireo_mem_region *map, u32 count)
{
    u64 sum = 0;
    for (u32 i = 0; i < count; i++) {
        if (map[i].type == VIREO_MEM_USABLE)
            sum += map[i].size;
    }
    return sum;
}

u64 memmap_end(const struct vireo_mem_region *map, u32 count)
{
    u64 end = 0;
    for (u32 i = 0; i < count; i++) {
        if (region_end(&map[i]) > end)
            end = region_end(&map[i]);
    }
    return end;
}
