/* The runtime's allocator (lib/user/heap.c): alignment, exhaustion,
 * splitting, merging back to one block, and random use checked against
 * overlapping. */
#include "check.h"
#include <vireo/heap.h>
#include <stdlib.h>
#include <string.h>

static unsigned char arena[64 * 1024 + 8];

static void test_basic(void)
{
    struct heap h;
    heap_init(&h, arena + 3, 64 * 1024); /* unaligned start */
    CHECK(((uintptr_t)h.base % HEAP_ALIGN) == 0);
    size_t whole = heap_largest_free(&h);
    void *a = heap_alloc(&h, 1), *b = heap_alloc(&h, 100), *c = heap_alloc(&h, 4000);
    CHECK(a && b && c);
    CHECK(((uintptr_t)a | (uintptr_t)b | (uintptr_t)c) % HEAP_ALIGN == 0);
    CHECK((unsigned char *)b >= (unsigned char *)a + 1);
    CHECK(heap_alloc(&h, 0) == NULL);
    CHECK(heap_alloc(&h, whole + 1) == NULL);
    CHECK(heap_alloc(&h, (size_t)-1) == NULL);
    heap_free(&h, b);
    heap_free(&h, a);
    heap_free(&h, c);
    heap_free(&h, NULL);
    CHECK_EQ_U64(heap_largest_free(&h), whole);
    CHECK_EQ_U64(h.in_use, 0);
    void *all = heap_alloc(&h, whole);
    CHECK(all != NULL);
    CHECK(heap_alloc(&h, 1) == NULL);
    heap_free(&h, all);

    struct heap tiny;
    heap_init(&tiny, arena, 8);
    CHECK(heap_alloc(&tiny, 1) == NULL);
    heap_init(&tiny, NULL, 4096);
    CHECK(heap_alloc(&tiny, 1) == NULL);
}

static void test_random(void)
{
    struct heap h;
    heap_init(&h, arena, sizeof(arena));
    size_t whole = heap_largest_free(&h);
    enum { SLOTS = 64 };
    unsigned char *ptr[SLOTS] = {0};
    size_t len[SLOTS] = {0};
    srand(7);
    for (int step = 0; step < 20000; step++) {
        int i = rand() % SLOTS;
        if (ptr[i]) {
            for (size_t k = 0; k < len[i]; k++) {
                if (ptr[i][k] != (unsigned char)i) {
                    CHECK(!"heap block overwritten");
                    return;
                }
            }
            heap_free(&h, ptr[i]);
            ptr[i] = NULL;
        } else {
            len[i] = 1 + (size_t)rand() % 2000;
            ptr[i] = heap_alloc(&h, len[i]);
            if (ptr[i])
                memset(ptr[i], i, len[i]);
        }
    }
    for (int i = 0; i < SLOTS; i++)
        heap_free(&h, ptr[i]);
    CHECK_EQ_U64(heap_largest_free(&h), whole);
    CHECK_EQ_U64(h.in_use, 0);
}

int main(void)
{
    test_basic();
    test_random();
    return check_report("init_heap");
}
