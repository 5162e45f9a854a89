/* A small first-fit allocator over one region of memory (a server's heap,
 * init's bookkeeping). Free blocks stay sorted by address and merge with
 * their neighbours, so freeing everything gives back one block. Not
 * thread-safe: one heap per thread, or a lock around it. */
#ifndef VIREO_LIB_HEAP_H
#define VIREO_LIB_HEAP_H

#include <vireo/types.h>

#define HEAP_ALIGN 16u

struct heap_block;

struct heap {
    struct heap_block *free; /* sorted by address */
    u8 *base;
    size_t size;
    size_t in_use; /* bytes handed out, headers included */
};

/* Takes [base, base + size); base is rounded up to HEAP_ALIGN. */
void heap_init(struct heap *h, void *base, size_t size);
/* HEAP_ALIGN-aligned, or NULL when no free block is large enough (or n is
 * 0 or absurd). */
void *heap_alloc(struct heap *h, size_t n);
/* p must come from heap_alloc on h (NULL is ignored). */
void heap_free(struct heap *h, void *p);
/* Bytes of the largest free block's payload: what one heap_alloc can get. */
size_t heap_largest_free(const struct heap *h);

/* The calling program's heap (a server's: server_start() sets it up). */
extern struct heap user_heap;
void *malloc(size_t n);
void free(void *p);

#endif
