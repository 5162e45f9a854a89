/* The physical page allocator over made-up memory maps. */
#include "check.h"
#include "pmm.h"
#include <stdlib.h>
#include <string.h>

#define MIB  0x100000ull
#define PAGE 0x1000ull

/* 0..640K usable (below 1 MiB: never handed out), 1..8 MiB usable with the
 * kernel at 2..3 MiB and a module at 5 MiB + 0x800 (unaligned, 2 pages), boot
 * data at 7..7.5 MiB, firmware-reserved 8..9 MiB, usable 9..10 MiB with a
 * reserved region overlapping its start (9..9 MiB + 4K). */
static const struct vireo_mem_region map[] = {
    {0, 0xa0000, VIREO_MEM_USABLE, 0},       {1 * MIB, 7 * MIB, VIREO_MEM_USABLE, 0},
    {2 * MIB, 1 * MIB, VIREO_MEM_KERNEL, 0}, {5 * MIB + 0x800, 0x1000, VIREO_MEM_MODULE, 0},
    {7 * MIB, MIB / 2, VIREO_MEM_BOOT, 0},   {8 * MIB, 1 * MIB, VIREO_MEM_RESERVED, 0},
    {9 * MIB, 1 * MIB, VIREO_MEM_USABLE, 0}, {9 * MIB, PAGE, VIREO_MEM_ACPI_NVS, 0},
};
#define COUNT (sizeof(map) / sizeof(map[0]))

static bool forbidden(u64 phys)
{
    if (phys < 1 * MIB)
        return true;
    if (phys >= 2 * MIB && phys < 3 * MIB)
        return true; /* kernel */
    if (phys >= 5 * MIB && phys < 5 * MIB + 2 * PAGE)
        return true; /* the module's two (partial) pages */
    if (phys >= 7 * MIB && phys < 7 * MIB + MIB / 2)
        return true; /* boot data, until reclaimed */
    if (phys >= 8 * MIB && phys < 9 * MIB + PAGE)
        return true; /* reserved + ACPI NVS */
    return phys >= 10 * MIB;
}

/* Usable pages: 1..8 MiB minus kernel (256), module (2), boot (128) = 1792 - 386,
 * plus 9..10 MiB minus one page. */
#define EXPECTED_PAGES (1792ull - 256 - 2 - 128 + 255)

/* The kernel's carve-up at boot: a contiguous run for the object pool,
 * then every free page but a reserve, as ranges, for init. */
static void test_take(void)
{
    u64 words = pmm_map_words(map, COUNT);
    u64 *storage = calloc(2 * words, 8);
    struct pmm pmm;
    pmm_init(&pmm, storage, words, map, COUNT);
    /* 1..2 MiB is the lowest run of 256 free pages */
    CHECK_EQ_U64(pmm_take_run(&pmm, 256), 1 * MIB);
    CHECK(!pmm_is_free(&pmm, 1 * MIB));
    CHECK(!pmm_free(&pmm, 1 * MIB));           /* gone for good */
    CHECK_EQ_U64(pmm_take_run(&pmm, 1024), 0); /* no run that long */
    CHECK_EQ_U64(pmm_take_run(&pmm, 0), 0);
    u64 before = pmm.free_pages;
    struct pmm_range r[8];
    u32 n = pmm_take_free_ranges(&pmm, 100, r, 8);
    CHECK_EQ_U64(pmm.free_pages, 100);
    u64 taken = 0;
    for (u32 i = 0; i < n; i++) {
        taken += r[i].pages;
        for (u64 p = 0; p < r[i].pages; p++) {
            CHECK(!forbidden(r[i].base + p * PAGE));
            CHECK(!pmm_is_free(&pmm, r[i].base + p * PAGE));
        }
        if (i > 0)
            CHECK(r[i].base + r[i].pages * PAGE <= r[i - 1].base); /* highest first */
    }
    CHECK_EQ_U64(taken, before - 100);
    CHECK_EQ_U64(r[0].base, 9 * MIB + PAGE); /* the top range first */
    CHECK_EQ_U64(r[0].pages, 255);
    /* what is left is still the allocator's */
    u64 phys, left = 0;
    while ((phys = pmm_alloc(&pmm)) != 0)
        left++;
    CHECK_EQ_U64(left, 100);
    CHECK_EQ_U64(pmm_take_free_ranges(&pmm, 0, r, 8), 0);
    free(storage);
}

int main(void)
{
    test_take();
    u64 words = pmm_map_words(map, COUNT);
    CHECK_EQ_U64(words, (10 * MIB / PAGE + 63) / 64);

    u64 home = pmm_find_home(map, COUNT, 2 * words * 8);
    CHECK_EQ_U64(home, 1 * MIB);
    CHECK_EQ_U64(pmm_find_home(map, COUNT, 2 * MIB), 3 * MIB); /* first hole big enough */
    CHECK_EQ_U64(pmm_find_home(map, COUNT, 64 * MIB), 0);

    u64 *storage = calloc(2 * words, 8);
    struct pmm pmm;
    pmm_init(&pmm, storage, words, map, COUNT);
    CHECK_EQ_U64(pmm.owned_pages, EXPECTED_PAGES);
    CHECK_EQ_U64(pmm.free_pages, EXPECTED_PAGES);

    /* Take the maps' own page out, like the kernel does. */
    pmm_remove_range(&pmm, home, 2 * words * 8);
    CHECK_EQ_U64(pmm.owned_pages, EXPECTED_PAGES - 1);
    CHECK(!pmm_is_free(&pmm, home));

    /* Drain: every page is allowed and distinct. */
    static u8 seen[10 * MIB / PAGE];
    u64 got = 0, phys, bad = 0, dup = 0;
    while ((phys = pmm_alloc(&pmm)) != 0) {
        if (forbidden(phys) || phys == home || phys % PAGE)
            bad++;
        else if (seen[phys / PAGE]++)
            dup++;
        got++;
    }
    CHECK_EQ_U64(bad, 0);
    CHECK_EQ_U64(dup, 0);
    CHECK_EQ_U64(got, EXPECTED_PAGES - 1);
    CHECK_EQ_U64(pmm.free_pages, 0);

    /* Free / double free / foreign pages. */
    CHECK(pmm_free(&pmm, 4 * MIB));
    CHECK_EQ_U64(pmm.free_pages, 1);
    CHECK(!pmm_free(&pmm, 4 * MIB));     /* double free */
    CHECK(!pmm_free(&pmm, 2 * MIB));     /* kernel page */
    CHECK(!pmm_free(&pmm, 0x1000));      /* below 1 MiB */
    CHECK(!pmm_free(&pmm, 4 * MIB + 8)); /* unaligned */
    CHECK(!pmm_free(&pmm, 64 * MIB));    /* beyond the map */
    CHECK(!pmm_free(&pmm, home));        /* removed from the pool */
    CHECK_EQ_U64(pmm.free_pages, 1);
    CHECK_EQ_U64(pmm_alloc(&pmm), 4 * MIB);
    CHECK_EQ_U64(pmm_alloc(&pmm), 0);

    /* Reclaiming boot data adds exactly its pages. */
    pmm_add_type(&pmm, map, COUNT, VIREO_MEM_BOOT);
    CHECK_EQ_U64(pmm.free_pages, 128);
    u64 lo = ~0ull, hi = 0;
    while ((phys = pmm_alloc(&pmm)) != 0) {
        lo = phys < lo ? phys : lo;
        hi = phys > hi ? phys : hi;
    }
    CHECK_EQ_U64(lo, 7 * MIB);
    CHECK_EQ_U64(hi, 7 * MIB + MIB / 2 - PAGE);
    /* Reclaiming twice changes nothing. */
    pmm_add_type(&pmm, map, COUNT, VIREO_MEM_BOOT);
    CHECK_EQ_U64(pmm.free_pages, 0);

    /* Boot data overlapping the kernel must not free kernel pages. */
    static const struct vireo_mem_region overlap[] = {
        {1 * MIB, 3 * MIB, VIREO_MEM_BOOT, 0},
        {2 * MIB, 1 * MIB, VIREO_MEM_KERNEL, 0},
    };
    u64 w2 = 64;
    u64 *s2 = calloc(2 * w2, 8);
    struct pmm p2;
    pmm_init(&p2, s2, w2, overlap, 2);
    CHECK_EQ_U64(p2.free_pages, 0);
    pmm_add_type(&p2, overlap, 2, VIREO_MEM_BOOT);
    CHECK_EQ_U64(p2.free_pages, 512);
    while ((phys = pmm_alloc(&p2)) != 0)
        CHECK(phys < 2 * MIB || phys >= 3 * MIB);

    free(storage);
    free(s2);
    return check_report("kernel_pmm");
}
