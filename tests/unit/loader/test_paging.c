/* Hand-over page table building (loader/boot/paging.c) and the RSDP
 * search (loader/boot/rsdp.c). */
#include "check.h"
#include "paging.h"
#include "rsdp.h"
#include <vireo/boot_info.h>
#include <vireo/x86/pte.h>
#include <stdlib.h>
#include <string.h>

static void test_paging(void)
{
    u32 pages = pt_pages_bound(0x10000000, 0x107000);
    u8 *pool = aligned_alloc(4096, (size_t)pages * 4096);
    struct pt_builder b;
    u64 pool_phys = 0x400000;
    CHECK(pt_init(&b, pool, pool_phys, pages));
    CHECK_EQ_U64(b.pml4_phys, pool_phys);

    for (u64 pa = 0; pa < 0x100000000ull; pa += LARGE_PAGE_SIZE)
        CHECK(pt_map(&b, pa, pa, LARGE_PAGE_SIZE, PTE_W));
    for (u64 pa = 0; pa < 0x10000000; pa += LARGE_PAGE_SIZE)
        CHECK(pt_map(&b, VIREO_PHYSMAP_BASE + pa, pa, LARGE_PAGE_SIZE, PTE_W | PTE_NX));
    CHECK(pt_map(&b, VIREO_KERNEL_VIRT_BASE + 0x100000, 0x200000 + 0x100000, PAGE_SIZE, 0));
    CHECK(pt_map(&b, VIREO_KERNEL_VIRT_BASE + 0x102000, 0x302000, PAGE_SIZE, PTE_W | PTE_NX));
    CHECK(b.used <= b.pages);

    int level;
    u64 e = pt_lookup(&b, 0x12345678, &level);
    CHECK_EQ_U64(level, 2);
    CHECK_EQ_U64(e & PTE_ADDR_MASK, 0x12200000);
    CHECK((e & (PTE_P | PTE_W | PTE_PS)) == (PTE_P | PTE_W | PTE_PS) && !(e & PTE_NX));
    e = pt_lookup(&b, VIREO_PHYSMAP_BASE + 0xfe00000, &level);
    CHECK_EQ_U64(e & PTE_ADDR_MASK, 0xfe00000);
    CHECK((e & PTE_NX) && (e & PTE_PS));
    e = pt_lookup(&b, VIREO_PHYSMAP_BASE + 0x10000000, &level);
    CHECK(!(e & PTE_P));
    e = pt_lookup(&b, VIREO_KERNEL_VIRT_BASE + 0x100abc, &level);
    CHECK_EQ_U64(level, 1);
    CHECK_EQ_U64(e & PTE_ADDR_MASK, 0x300000);
    CHECK((e & PTE_P) && !(e & PTE_W) && !(e & PTE_NX));
    e = pt_lookup(&b, VIREO_KERNEL_VIRT_BASE + 0x102000, &level);
    CHECK((e & PTE_W) && (e & PTE_NX));
    e = pt_lookup(&b, VIREO_KERNEL_VIRT_BASE + 0x101000, &level);
    CHECK(!(e & PTE_P));
    /* Every table pointer stays inside the pool. */
    e = pt_lookup(&b, 0, &level);
    CHECK(level == 2);

    /* Double mapping, misalignment and an exhausted pool are refused. */
    CHECK(!pt_map(&b, 0x200000, 0x200000, LARGE_PAGE_SIZE, 0));
    CHECK(!pt_map(&b, 0x201000, 0x201000, PAGE_SIZE, 0)); /* under a 2 MiB page */
    CHECK(!pt_map(&b, VIREO_KERNEL_VIRT_BASE + 0x100800, 0x300000, PAGE_SIZE, 0));
    CHECK(!pt_map(&b, VIREO_KERNEL_VIRT_BASE, 0x300000, 0x3000, 0));
    u32 before = b.used;
    b.pages = b.used;
    CHECK(!pt_map(&b, 0x7f0000000000ull, 0, PAGE_SIZE, 0));
    CHECK_EQ_U64(b.used, before);
    free(pool);

    /* The bound covers a 1 TiB direct map. */
    CHECK(pt_pages_bound(1ull << 40, 0x200000) >= 1 + 5 + 2 + 1024 + 3);
}

static void make_rsdp(u8 *p, int revision)
{
    memset(p, 0, 36);
    memcpy(p, "RSD PTR ", 8);
    p[15] = (u8)revision;
    u32 len = 36;
    memcpy(p + 20, &len, 4);
    u8 sum = 0;
    for (int i = 0; i < 20; i++)
        sum += p[i];
    p[8] = (u8)-sum;
    sum = 0;
    for (int i = 0; i < 36; i++)
        sum += p[i];
    p[32] = (u8)-sum;
}

static void test_rsdp(void)
{
    static u8 area[0x1000];
    memset(area, 0, sizeof(area));
    memcpy(area + 0x10, "RSD PTR ", 8); /* bad checksum: skipped */
    area[0x18] = 1;
    make_rsdp(area + 0x105, 2); /* not 16-byte aligned: not found there */
    make_rsdp(area + 0x200, 2);
    CHECK(rsdp_valid(area + 0x200, 36));
    CHECK(!rsdp_valid(area + 0x200, 30)); /* ACPI 2 length beyond what is readable */
    CHECK_EQ_U64(rsdp_find(area, sizeof(area)), 0x200);
    area[0x200 + 30] ^= 1; /* breaks only the extended checksum */
    CHECK(!rsdp_valid(area + 0x200, 36));
    CHECK_EQ_U64(rsdp_find(area, sizeof(area)), (u64)-1);
    make_rsdp(area + 0x300, 0);
    area[0x300 + 30] ^= 1; /* ACPI 1.0: only the first 20 bytes count */
    CHECK_EQ_U64(rsdp_find(area, sizeof(area)), 0x300);
}

int main(void)
{
    test_paging();
    test_rsdp();
    return check_report("loader_paging");
}
