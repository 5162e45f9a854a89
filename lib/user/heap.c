/* First-fit allocator (lib/include/vireo/heap.h). Every block starts with a
 * header holding its size (header included, a multiple of HEAP_ALIGN); a
 * free block also links to the next free one. */
#include <vireo/heap.h>

struct heap_block {
    size_t size;
    struct heap_block *next; /* free blocks only */
};
_Static_assert(sizeof(struct heap_block) == HEAP_ALIGN, "the header keeps payloads aligned");

#define MIN_BLOCK (2 * HEAP_ALIGN) /* a header and the smallest payload */

void heap_init(struct heap *h, void *base, size_t size)
{
    uintptr_t start = ((uintptr_t)base + HEAP_ALIGN - 1) & ~(uintptr_t)(HEAP_ALIGN - 1);
    size_t lost = start - (uintptr_t)base;
    h->free = NULL;
    h->base = (u8 *)start;
    h->size = 0;
    h->in_use = 0;
    if (!base || size < lost + MIN_BLOCK)
        return;
    h->size = (size - lost) & ~(size_t)(HEAP_ALIGN - 1);
    h->free = (struct heap_block *)start;
    h->free->size = h->size;
    h->free->next = NULL;
}

void *heap_alloc(struct heap *h, size_t n)
{
    if (n == 0 || n > h->size)
        return NULL;
    size_t need = (n + sizeof(struct heap_block) + HEAP_ALIGN - 1) & ~(size_t)(HEAP_ALIGN - 1);
    for (struct heap_block **link = &h->free; *link; link = &(*link)->next) {
        struct heap_block *b = *link;
        if (b->size < need)
            continue;
        if (b->size - need >= MIN_BLOCK) { /* split: the tail stays free */
            struct heap_block *rest = (struct heap_block *)((u8 *)b + need);
            rest->size = b->size - need;
            rest->next = b->next;
            *link = rest;
            b->size = need;
        } else {
            *link = b->next;
        }
        b->next = NULL;
        h->in_use += b->size;
        return b + 1;
    }
    return NULL;
}

void heap_free(struct heap *h, void *p)
{
    if (!p)
        return;
    struct heap_block *b = (struct heap_block *)p - 1;
    h->in_use -= b->size;
    struct heap_block *prev = NULL, *next = h->free;
    while (next && next < b) {
        prev = next;
        next = next->next;
    }
    b->next = next;
    if (next && (u8 *)b + b->size == (u8 *)next) { /* merge with the next block */
        b->size += next->size;
        b->next = next->next;
    }
    if (prev && (u8 *)prev + prev->size == (u8 *)b) { /* and with the previous */
        prev->size += b->size;
        prev->next = b->next;
    } else if (prev) {
        prev->next = b;
    } else {
        h->free = b;
    }
}

size_t heap_largest_free(const struct heap *h)
{
    size_t best = 0;
    for (const struct heap_block *b = h->free; b; b = b->next) {
        if (b->size > best)
            best = b->size;
    }
    return best ? best - sizeof(struct heap_block) : 0;
}
