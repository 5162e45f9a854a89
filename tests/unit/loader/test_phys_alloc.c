/* The loader's physical allocator never hands out a reserved byte
 * (loader/boot/phys_alloc.c). */
#include "check.h"
#include "phys_alloc.h"
#include <stdlib.h>

#define R(b, s, t) ((struct vireo_mem_region){.base = (b), .size = (s), .type = (t)})

static bool overlaps(u64 a, u64 an, u64 b, u64 bn)
{
    return a < b + bn && b < a + an;
}

static void test_fixed(void)
{
    const struct vireo_mem_region map[] = {R(0, 0x9f000, 1), R(0x100000, 0x700000, 1),
                                           R(0x800000, 0x1000, 2), R(0x801000, 0x7ff000, 1)};
    struct phys_alloc a;
    phys_alloc_init(&a, map, 4, 0x100000, 0x1000000);
    CHECK(phys_alloc_reserve(&a, 0x100000, 0x17000)); /* loader */
    CHECK(phys_alloc_reserve(&a, 0x117000, 0x1234));  /* module, widened to 0x119000 */
    CHECK(phys_alloc_reserve(&a, 0x200000, 0x10));    /* a module inside the 2 MiB slot */
    CHECK_EQ_U64(phys_alloc(&a, 0x1000, 0x1000), 0x119000);
    CHECK_EQ_U64(phys_alloc(&a, 0x3000, 0x1000), 0x11a000);
    /* 2 MiB aligned: 0x200000 is blocked, the next candidate is 0x400000. */
    CHECK_EQ_U64(phys_alloc(&a, 0x100000, 0x200000), 0x400000);
    /* Does not cross the reserved page at 8 MiB: 0x7ff000 + 2 pages would. */
    CHECK_EQ_U64(phys_alloc(&a, 0x300000, 0x1000), 0x500000);
    u64 big = phys_alloc(&a, 0x200000, 0x1000);
    CHECK(big >= 0x801000 || big + 0x200000 <= 0x800000);
    CHECK(!overlaps(big, 0x200000, 0x800000, 0x1000));
    /* Nothing below min, nothing past limit, bad alignment refused. */
    CHECK_EQ_U64(phys_alloc(&a, 0x2000000, 0x1000), 0);
    CHECK_EQ_U64(phys_alloc(&a, 0x1000, 0x800), 0);
    CHECK_EQ_U64(phys_alloc(&a, 0x1000, 0x3000), 0);
    CHECK_EQ_U64(phys_alloc(&a, 0, 0x1000), 0);
}

static void test_random(void)
{
    srand(11);
    for (int round = 0; round < 500; round++) {
        struct vireo_mem_region map[16];
        u32 n = 0;
        u64 at = 0;
        for (int i = 0; i < 16; i++) {
            u64 size = (u64)(1 + rand() % 64) * 0x10000;
            map[n++] = R(at, size, rand() % 3 ? 1 : 2);
            at += size + (rand() % 2) * 0x10000;
        }
        struct phys_alloc a;
        u64 min = 0x100000, limit = at - (u64)(rand() % 4) * 0x100000;
        phys_alloc_init(&a, map, n, min, limit);
        u64 res_b[8], res_n[8];
        int nres = rand() % 8;
        for (int i = 0; i < nres; i++) {
            res_b[i] = (u64)(rand() % 0x4000) * 0x123;
            res_n[i] = 1 + (u64)(rand() % 0x80000);
            CHECK(phys_alloc_reserve(&a, res_b[i], res_n[i]));
        }
        u64 got_b[24], got_n[24];
        int ngot = 0;
        bool ok = true;
        for (int i = 0; i < 24; i++) {
            u64 size = 1 + (u64)(rand() % 0x40000), align = 0x1000ull << (rand() % 10);
            u64 p = phys_alloc(&a, size, align);
            if (!p)
                continue;
            ok &= (p & (align - 1)) == 0 && p >= min && p + size <= limit;
            bool in_usable = false;
            for (u32 j = 0; j < n; j++)
                in_usable |=
                    map[j].type == 1 && p >= map[j].base && p + size <= map[j].base + map[j].size;
            ok &= in_usable;
            for (int j = 0; j < nres; j++)
                ok &= !overlaps(p, size, res_b[j], res_n[j]);
            for (int j = 0; j < ngot; j++)
                ok &= !overlaps(p, size, got_b[j], got_n[j]);
            got_b[ngot] = p;
            got_n[ngot++] = size;
        }
        CHECK(ok);
    }
}

int main(void)
{
    test_fixed();
    test_random();
    return check_report("loader_phys_alloc");
}
