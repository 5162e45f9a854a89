/* Sanitizing and carving memory maps (loader/boot/memmap.c). */
#include "check.h"
#include "memmap.h"
#include <stdlib.h>
#include <string.h>

#define R(b, s, t) ((struct vireo_mem_region){.base = (b), .size = (s), .type = (t)})

static struct vireo_mem_region out[VIREO_BOOT_MAX_MEM], out2[VIREO_BOOT_MAX_MEM];
static struct boot_error err;

static bool same(const struct vireo_mem_region *got, u32 n, const struct vireo_mem_region *want,
                 u32 wn)
{
    bool ok = n == wn;
    for (u32 i = 0; ok && i < n; i++)
        ok = got[i].base == want[i].base && got[i].size == want[i].size &&
             got[i].type == want[i].type;
    if (!ok) {
        fprintf(stderr, "  got %u regions:\n", n);
        for (u32 i = 0; i < n; i++)
            fprintf(stderr, "    [%#llx, %#llx) %#x\n", (unsigned long long)got[i].base,
                    (unsigned long long)(got[i].base + got[i].size), got[i].type);
    }
    return ok;
}

#define SANITIZES_TO(in, ...)                                                                      \
    do {                                                                                           \
        const struct vireo_mem_region want_[] = {__VA_ARGS__};                                     \
        u32 n_ = 0;                                                                                \
        CHECK(                                                                                     \
            memmap_sanitize(in, sizeof(in) / sizeof(in[0]), out, VIREO_BOOT_MAX_MEM, &n_, &err));  \
        CHECK(same(out, n_, want_, sizeof(want_) / sizeof(want_[0])));                             \
    } while (0)

static void test_sanitize(void)
{
    /* A reserved hole punched into usable RAM. */
    const struct vireo_mem_region a[] = {R(0, 0x10000000, 1), R(0x8000000, 0x1000, 2)};
    SANITIZES_TO(a, R(0, 0x8000000, 1), R(0x8000000, 0x1000, 2), R(0x8001000, 0x7fff000, 1));

    /* Usable shrinks inward to pages; others keep their bytes. */
    const struct vireo_mem_region b[] = {R(0x1234, 0x4444, 1), R(0x9fc00, 0x400, 2)};
    SANITIZES_TO(b, R(0x2000, 0x3000, 1), R(0x9fc00, 0x400, 2));

    /* Restrictiveness: usable < ACPI reclaim < ACPI NVS < reserved < bad;
     * unknown types become reserved. Unsorted input, zero sizes ignored. */
    const struct vireo_mem_region c[] = {
        R(0x300000, 0x100000, 5), R(0x100000, 0x100000, 3), R(0x180000, 0x100000, 4),
        R(0x280000, 0x100000, 2), R(0x500000, 0x1000, 7),   R(0x600000, 0, 2),
        R(0, 0x1000000, 1),
    };
    SANITIZES_TO(c, R(0, 0x100000, 1), R(0x100000, 0x80000, 3), R(0x180000, 0x100000, 4),
                 R(0x280000, 0x80000, 2), R(0x300000, 0x100000, 5), R(0x400000, 0x100000, 1),
                 R(0x500000, 0x1000, 2), R(0x501000, 0xaff000, 1));

    /* Touching regions of one type merge; a region past 2^64 is clipped. */
    const struct vireo_mem_region d[] = {R(0x2000, 0x1000, 1), R(0x1000, 0x1000, 1),
                                         R(0xfffffffffffff000ull, 0x10000, 2)};
    SANITIZES_TO(d, R(0x1000, 0x2000, 1), R(0xfffffffffffff000ull, 0xfff, 2));

    /* A usable sliver smaller than a page vanishes. */
    const struct vireo_mem_region e[] = {R(0x1800, 0x800, 1), R(0x3000, 0x1000, 1)};
    SANITIZES_TO(e, R(0x3000, 0x1000, 1));

    /* Too many regions is an error, not a truncation. */
    static struct vireo_mem_region many[VIREO_BOOT_MAX_MEM];
    for (u32 i = 0; i < VIREO_BOOT_MAX_MEM; i++)
        many[i] = R(i * 0x2000ull, 0x1000, 1 + i % 2);
    u32 n = 0;
    CHECK(memmap_sanitize(many, VIREO_BOOT_MAX_MEM, out, VIREO_BOOT_MAX_MEM, &n, &err));
    CHECK_EQ_U64(n, VIREO_BOOT_MAX_MEM);
    CHECK(!memmap_sanitize(many, VIREO_BOOT_MAX_MEM, out, 100, &n, &err));
    CHECK(strstr(err.msg, "more than 100") != NULL);
    CHECK(!memmap_sanitize(many, VIREO_BOOT_MAX_MEM + 1, out, VIREO_BOOT_MAX_MEM, &n, &err));
}

static int rank(u32 t)
{
    static const int r[] = {0, 1, 4, 2, 3, 5};
    return t <= 5 ? r[t] : 4; /* 0: not covered at all */
}

/* The type the sanitized map should give addr: brute force over the input. */
static u32 expected_type(const struct vireo_mem_region *in, u32 n, u64 addr)
{
    u32 type = 0;
    for (u32 i = 0; i < n; i++) {
        if (in[i].size && addr >= in[i].base && addr - in[i].base < in[i].size) {
            u32 t = rank(in[i].type) == 4 && in[i].type != 2 ? 2 : in[i].type;
            if (rank(t) > rank(type))
                type = t;
        }
    }
    return type;
}

static u32 lookup(const struct vireo_mem_region *m, u32 n, u64 addr)
{
    for (u32 i = 0; i < n; i++) {
        if (addr >= m[i].base && addr - m[i].base < m[i].size)
            return m[i].type;
    }
    return 0;
}

static void test_sanitize_random(void)
{
    srand(7);
    for (int round = 0; round < 300; round++) {
        struct vireo_mem_region in[40];
        u32 n = 1 + (u32)rand() % 40;
        for (u32 i = 0; i < n; i++)
            in[i] = R((u64)(rand() % 4096) * 0x100, (u64)(rand() % 512) * 0x80, 1 + rand() % 7);
        u32 m = 0;
        CHECK(memmap_sanitize(in, n, out, VIREO_BOOT_MAX_MEM, &m, &err));
        bool ordered = true, aligned = true, typed = true;
        for (u32 i = 0; i < m; i++) {
            if (i && out[i - 1].base + out[i - 1].size > out[i].base)
                ordered = false;
            if (out[i].size == 0 || out[i].type < 1 || out[i].type > 5)
                typed = false;
            if (out[i].type == 1 && ((out[i].base | out[i].size) & 0xfff))
                aligned = false;
        }
        CHECK(ordered && aligned && typed);
        /* Every sampled byte has the most restrictive type covering it, or
         * (usable only) was trimmed to page boundaries. */
        bool right = true;
        for (u64 addr = 0; addr < 4096 * 0x100 + 512 * 0x80; addr += 0x40) {
            u32 want = expected_type(in, n, addr), got = lookup(out, m, addr);
            if (want == got)
                continue;
            if (want == 1 && got == 0) {
                /* Allowed only if the page holding addr is not fully usable. */
                u64 page = addr & ~0xfffull;
                bool full = true;
                for (u64 b = page; b < page + 0x1000; b += 0x40)
                    full &= expected_type(in, n, b) == 1;
                if (!full)
                    continue;
            }
            right = false;
        }
        CHECK(right);
    }
}

#define C(b, s, t, w) ((struct mem_carve){.base = (b), .size = (s), .type = (t), .what = (w)})

static void test_carve(void)
{
    const struct vireo_mem_region map[] = {R(0, 0x9f000, 1), R(0x9f000, 0x1000, 2),
                                           R(0x100000, 0xf00000, 1), R(0x1000000, 0x1000, 2)};
    const struct mem_carve carves[] = {
        C(0x800000, 0x5000, VIREO_MEM_KERNEL, "the kernel"),
        C(0x100000, 0x17000, VIREO_MEM_BOOT, "the loader"),
        C(0x118000, 0x1234, VIREO_MEM_MODULE, "module 'kernel'"), /* rounds out to 0x11a000 */
        C(0x11a000, 0x10, VIREO_MEM_MODULE, "module 'init'"),
        C(0x801000 + 0x4000, 0x2000, VIREO_MEM_BOOT, "tables"),
        C(0x807000, 0x1000, VIREO_MEM_BOOT, "stack"),
        C(0xfff000, 0x1000, VIREO_MEM_BOOT, "last page"),
        C(0x500000, 0, VIREO_MEM_MODULE, "empty module"),
    };
    u32 n = 0;
    CHECK(memmap_carve(map, 4, carves, 8, out, VIREO_BOOT_MAX_MEM, &n, &err));
    const struct vireo_mem_region want[] = {
        R(0, 0x9f000, 1),
        R(0x9f000, 0x1000, 2),
        R(0x100000, 0x17000, VIREO_MEM_BOOT),
        R(0x117000, 0x1000, 1),
        R(0x118000, 0x3000, VIREO_MEM_MODULE),
        R(0x11b000, 0x6e5000, 1),
        R(0x800000, 0x5000, VIREO_MEM_KERNEL),
        R(0x805000, 0x3000, VIREO_MEM_BOOT),
        R(0x808000, 0x7f7000, 1),
        R(0xfff000, 0x1000, VIREO_MEM_BOOT),
        R(0x1000000, 0x1000, 2),
    };
    CHECK(same(out, n, want, sizeof(want) / sizeof(want[0])));

    /* The carved map covers exactly what the input map covered. */
    u64 in_bytes = 0, out_bytes = 0;
    for (u32 i = 0; i < 4; i++)
        in_bytes += map[i].size;
    for (u32 i = 0; i < n; i++)
        out_bytes += out[i].size;
    CHECK_EQ_U64(in_bytes, out_bytes);

    /* Outside usable RAM, or straddling a hole: refused, naming it. */
    const struct mem_carve bad1[] = {C(0x9e000, 0x2000, VIREO_MEM_MODULE, "module 'x'")};
    CHECK(!memmap_carve(map, 4, bad1, 1, out, VIREO_BOOT_MAX_MEM, &n, &err));
    CHECK(strstr(err.msg, "module 'x' at [0x9e000, 0xa0000) is not inside usable RAM") != NULL);
    const struct mem_carve bad2[] = {C(0x2000000, 0x1000, VIREO_MEM_BOOT, "far")};
    CHECK(!memmap_carve(map, 4, bad2, 1, out, VIREO_BOOT_MAX_MEM, &n, &err));
    /* Different kinds overlapping: refused. */
    const struct mem_carve bad3[] = {C(0x200000, 0x2000, VIREO_MEM_KERNEL, "the kernel"),
                                     C(0x201800, 0x100, VIREO_MEM_MODULE, "module 'init'")};
    CHECK(!memmap_carve(map, 4, bad3, 2, out, VIREO_BOOT_MAX_MEM, &n, &err));
    CHECK(strstr(err.msg, "overlaps the kernel") != NULL);

    /* Output too long: an error. */
    struct mem_carve lots[40];
    for (u32 i = 0; i < 40; i++)
        lots[i] = C(0x200000 + i * 0x2000ull, 0x1000, VIREO_MEM_BOOT, "x");
    CHECK(!memmap_carve(map, 4, lots, 40, out2, 50, &n, &err));
    CHECK(memmap_carve(map, 4, lots, 40, out2, VIREO_BOOT_MAX_MEM, &n, &err));
    CHECK_EQ_U64(n, 4 + 2 * 40);

    CHECK_EQ_U64(memmap_usable_bytes(map, 4), 0x9f000 + 0xf00000);
    CHECK_EQ_U64(memmap_end(map, 4), 0x1001000);
    CHECK_EQ_U64(memmap_end(map, 0), 0);
}

int main(void)
{
    test_sanitize();
    test_sanitize_random();
    test_carve();
    return check_report("loader_memmap");
}
