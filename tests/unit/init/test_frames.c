/* Frame runs over root MEM capabilities, and init's selector bitmap. */
#include "check.h"
#include "frames.h"
#include "selectors.h"
#include <vireo/ipc.h>

static void test_frames(void)
{
    struct frame_pool pool;
    u64 sel, off;
    frames_init(&pool);
    CHECK(!frames_alloc(&pool, 1, &sel, &off));
    CHECK(frames_add_root(&pool, 1, 10));
    CHECK(frames_add_root(&pool, 2, 100));
    CHECK(!frames_add_root(&pool, 3, 0));
    CHECK_EQ_U64(frames_available(&pool), 110);

    /* First fit: root 1 while it fits, then root 2. */
    CHECK(frames_alloc(&pool, 4, &sel, &off) && sel == 1 && off == 0);
    CHECK(frames_alloc(&pool, 4, &sel, &off) && sel == 1 && off == 4);
    CHECK(frames_alloc(&pool, 4, &sel, &off) && sel == 2 && off == 0);
    CHECK(frames_alloc(&pool, 2, &sel, &off) && sel == 1 && off == 8);
    CHECK_EQ_U64(pool.roots[0].nfree, 0);
    CHECK(!frames_alloc(&pool, 97, &sel, &off));
    CHECK(!frames_alloc(&pool, 0, &sel, &off));

    /* Freeing merges: 4..8 then 0..4 then 8..10 make root 1 whole again. */
    CHECK(frames_free(&pool, 1, 4, 4));
    CHECK(!frames_free(&pool, 1, 4, 4)); /* a double free is refused */
    CHECK(!frames_free(&pool, 1, 5, 1));
    CHECK(frames_free(&pool, 1, 0, 4));
    CHECK_EQ_U64(pool.roots[0].nfree, 1);
    CHECK(frames_free(&pool, 1, 8, 2));
    CHECK_EQ_U64(pool.roots[0].nfree, 1);
    CHECK_EQ_U64(pool.roots[0].free[0].offset, 0);
    CHECK_EQ_U64(pool.roots[0].free[0].pages, 10);
    CHECK(!frames_free(&pool, 7, 0, 1));  /* no such root */
    CHECK(!frames_free(&pool, 2, 99, 2)); /* past its end */

    /* A hole in the middle, filled from both sides. */
    CHECK(frames_alloc(&pool, 10, &sel, &off) && sel == 1);
    CHECK(frames_free(&pool, 1, 0, 3));
    CHECK(frames_free(&pool, 1, 6, 4));
    CHECK_EQ_U64(pool.roots[0].nfree, 2);
    CHECK(frames_alloc(&pool, 4, &sel, &off) && sel == 1 && off == 6);
    CHECK(frames_free(&pool, 1, 3, 3));
    CHECK_EQ_U64(pool.roots[0].nfree, 1);
    CHECK_EQ_U64(pool.roots[0].free[0].pages, 6);

    /* Many small frees: never more extents than fit. */
    struct frame_pool big;
    frames_init(&big);
    CHECK(frames_add_root(&big, 5, 1000));
    for (u64 i = 0; i < 300; i++)
        CHECK(frames_alloc(&big, 1, &sel, &off) && off == i);
    unsigned refused = 0;
    for (u64 i = 0; i < 300; i += 2)
        refused += !frames_free(&big, 5, i, 1);
    CHECK(big.roots[0].nfree <= FRAMES_MAX_EXTENTS);
    CHECK(refused > 0);
}

static void test_selectors(void)
{
    struct sel_pool s;
    sel_init(&s, 4);
    CHECK_EQ_U64(sel_alloc(&s), 4);
    CHECK_EQ_U64(sel_alloc(&s), 5);
    sel_free(&s, 4);
    CHECK_EQ_U64(sel_alloc(&s), 4);
    unsigned n = 0;
    bool reserved_given = false;
    for (u64 sel; (sel = sel_alloc(&s)) != VIREO_SEL_COUNT; n++)
        reserved_given |=
            sel == VIREO_SEL_FAULT_PT || sel == VIREO_INIT_SEL_EC || sel == VIREO_INIT_SEL_SC;
    /* Everything but 0..5, init's own fault-portal slot and its EC and SC. */
    CHECK_EQ_U64(n, VIREO_SEL_COUNT - 6 - 3);
    CHECK(!reserved_given);
    sel_free(&s, VIREO_SEL_COUNT + 5); /* out of range: ignored */
}

int main(void)
{
    test_frames();
    test_selectors();
    return check_report("init_frames");
}
