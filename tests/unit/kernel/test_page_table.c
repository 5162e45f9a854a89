/* Page-table map/unmap/translate and the user-range check, over fake
 * physical memory. */
#include "check.h"
#include "fake_memory.h"
#include "page_table.h"
#include "user_range.h"

#define USER_VA 0x400000ull

int main(void)
{
    u64 kernel = frame_alloc();
    /* A kernel-half mapping to be shared. */
    CHECK_EQ_U64(pt_map(kernel, 0xffff800000000000ull, 0x5000, PTE_W | PTE_NX), VIREO_OK);
    u64 used_before = fake_frames_used;
    u64 as = pt_new_address_space(kernel);
    CHECK(as != 0);
    CHECK_EQ_U64(fake_frames_used, used_before + 1);

    struct pt_translation t;
    CHECK(pt_translate(as, 0xffff800000000123ull, &t));
    CHECK_EQ_U64(t.phys, 0x5123);
    CHECK(!t.user);
    CHECK(t.writable);
    CHECK(t.no_exec);

    /* A user read-only, executable page; the first user mapping needs
     * three new tables (PDPT, PD, PT), which pt_map then builds. */
    CHECK_EQ_U64(pt_tables_missing(as, USER_VA), 3);
    u64 frames_before = fake_frames_used;
    CHECK_EQ_U64(pt_map(as, USER_VA, 0x7000, PTE_U), VIREO_OK);
    CHECK_EQ_U64(fake_frames_used - frames_before, 3);
    CHECK_EQ_U64(pt_tables_missing(as, USER_VA), 0);
    CHECK_EQ_U64(pt_tables_missing(as, USER_VA + PAGE_SIZE), 0);       /* same PT */
    CHECK_EQ_U64(pt_tables_missing(as, USER_VA + LARGE_PAGE_SIZE), 1); /* new PT */
    CHECK_EQ_U64(pt_tables_missing(as, USER_VA + HUGE_PAGE_SIZE), 2);  /* new PD, PT */
    CHECK_EQ_U64(pt_tables_missing(as, USER_VA ^ (1ull << 39)), 3);    /* new PDPT.. */
    CHECK(pt_translate(as, USER_VA + 0xabc, &t));
    CHECK_EQ_U64(t.phys, 0x7abc);
    CHECK_EQ_U64(t.page_size, PAGE_SIZE);
    CHECK(t.user);
    CHECK(!t.writable);
    CHECK(!t.no_exec);
    /* The user mapping did not leak into the kernel's tables. */
    CHECK(!pt_translate(kernel, USER_VA, &t));
    /* Intermediate entries in the user half carry U, the kernel's not. */
    u64 *pml4 = phys_to_virt(as);
    CHECK(pml4[0] & PTE_U);
    CHECK(!(pml4[256] & PTE_U));

    /* Errors. */
    CHECK_EQ_U64(pt_map(as, USER_VA, 0x8000, PTE_U), VIREO_E_OVERLAP);
    CHECK_EQ_U64(pt_map(as, USER_VA + 1, 0x8000, PTE_U), VIREO_E_INVALID_ARG);
    CHECK_EQ_U64(pt_map(as, USER_VA + PAGE_SIZE, 0x8001, PTE_U), VIREO_E_INVALID_ARG);
    CHECK_EQ_U64(pt_map(as, 0x0000800000000000ull, 0x8000, PTE_U), VIREO_E_INVALID_ARG);
    CHECK(!pt_translate(as, 0x0000800000000000ull, &t));

    /* A 2 MiB page, and 4 KiB maps that would fall inside it. */
    CHECK_EQ_U64(pt_map_large(as, 0x40000000ull, 0x600000, PTE_U | PTE_W | PTE_NX), VIREO_OK);
    CHECK(pt_translate(as, 0x40123456ull, &t));
    CHECK_EQ_U64(t.phys, 0x600000 + 0x123456);
    CHECK_EQ_U64(t.page_size, LARGE_PAGE_SIZE);
    CHECK(t.writable && t.user && t.no_exec);
    CHECK_EQ_U64(pt_map(as, 0x40001000ull, 0x9000, PTE_U), VIREO_E_OVERLAP);
    CHECK_EQ_U64(pt_map_large(as, 0x40100000ull, 0x600000, 0), VIREO_E_INVALID_ARG);
    CHECK_EQ_U64(pt_map_large(as, USER_VA & ~(LARGE_PAGE_SIZE - 1), 0x600000, 0),
                 VIREO_E_OVERLAP); /* a page table already hangs there */
    CHECK(!pt_unmap(as, 0x40001000ull, NULL));

    /* Unmap. */
    u64 old = 0;
    CHECK(pt_unmap(as, USER_VA, &old));
    CHECK_EQ_U64(old, 0x7000);
    CHECK(!pt_translate(as, USER_VA, &t));
    CHECK(!pt_unmap(as, USER_VA, &old));

    /* User ranges: two writable pages, then a read-only page, then a hole. */
    CHECK_EQ_U64(pt_map(as, 0x10000, 0x10000, PTE_U | PTE_W | PTE_NX), VIREO_OK);
    CHECK_EQ_U64(pt_map(as, 0x11000, 0x11000, PTE_U | PTE_W | PTE_NX), VIREO_OK);
    CHECK_EQ_U64(pt_map(as, 0x12000, 0x12000, PTE_U | PTE_NX), VIREO_OK);
    CHECK(user_range_ok(as, 0x10000, 0x2000, true));
    CHECK(user_range_ok(as, 0x10ff0, 0x20, true)); /* crosses a page */
    CHECK(user_range_ok(as, 0x10000, 0x3000, false));
    CHECK(!user_range_ok(as, 0x10000, 0x3000, true)); /* last page read-only */
    CHECK(!user_range_ok(as, 0x12ff0, 0x11, false));  /* runs into the hole */
    CHECK(!user_range_ok(as, 0xf000, 0x1001, false)); /* starts in a hole */
    CHECK(user_range_ok(as, 0x5000, 0, false));       /* empty range */
    CHECK(!user_range_ok(as, 0x0000800000000000ull, 1, false));
    CHECK(!user_range_ok(as, 0xffff800000000000ull, 16, false));    /* kernel, mapped */
    CHECK(!user_range_ok(as, 0x00007fffffffff00ull, 0x200, false)); /* crosses the top */
    CHECK(!user_range_ok(as, 0x10000, ~0ull, false));               /* wraps */
    /* A kernel-only page in the user half (no U at the leaf). */
    CHECK_EQ_U64(pt_map(as, 0x13000, 0x13000, PTE_W), VIREO_OK);
    CHECK(!user_range_ok(as, 0x12800, 0x1000, false));

    /* Running out of memory while creating tables. */
    fake_frame_limit = fake_frames_used;
    CHECK_EQ_U64(pt_map(as, 0x0000700000000000ull, 0x9000, PTE_U), VIREO_E_NO_MEMORY);
    CHECK(!pt_translate(as, 0x0000700000000000ull, &t));
    CHECK_EQ_U64(pt_new_address_space(kernel), 0);

    return check_report("kernel_page_table");
}
