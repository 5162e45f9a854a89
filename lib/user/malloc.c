/* malloc and free over the program's one heap (lib/include/vireo/heap.h);
 * apart from heap.c so that host tests can link heap.c beside libc. */
#include <vireo/heap.h>

struct heap user_heap;

void *malloc(size_t n)
{
    return heap_alloc(&user_heap, n);
}

void free(void *p)
{
    heap_free(&user_heap, p);
}
