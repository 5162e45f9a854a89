/*
 * The kernel-object pool: fixed-size blocks (OBJ_BLOCK_SIZE) carved from
 * one region, and the per-PD quotas that bound who may use how many.
 * Quotas are checked before anything is allocated, and the sum of all
 * quotas never exceeds the pool, so an allocation that passed its quota
 * check cannot fail.
 */
#ifndef KERNEL_OBJ_POOL_H
#define KERNEL_OBJ_POOL_H

#include <vireo/types.h>

struct obj_pd;

enum obj_block_kind {
    OBJ_BLOCK_FREE = 0,
    OBJ_BLOCK_OBJECT = 1, /* starts with struct obj_header */
    OBJ_BLOCK_CHUNK = 2,  /* struct obj_chunk */
};

struct obj_pool {
    u8 *blocks; /* block i at blocks + i * OBJ_BLOCK_SIZE */
    u8 *kind;   /* enum obj_block_kind per block */
    u64 count;
    u64 free_count;
    void *free_head; /* free blocks hold the next free block's address */
};

/* Returns false if the region cannot hold a single block. */
bool pool_init(struct obj_pool *pool, void *mem, u64 bytes);
/* A zeroed block, or NULL when the pool is empty. */
void *pool_alloc(struct obj_pool *pool, enum obj_block_kind kind);
/* Zeroes the block and returns it; the most recently freed block is the
 * next one handed out, so an allocation undone by a free leaves the pool as
 * it was. */
void pool_free(struct obj_pool *pool, void *block);
void *pool_block(const struct obj_pool *pool, u64 index);

/* ---- quotas (blocks) ---- */

/* Does pd's quota have room for `blocks` more? */
bool quota_fits(const struct obj_pd *pd, u64 blocks);
void quota_charge(struct obj_pd *pd, u64 blocks);
void quota_release(struct obj_pd *pd, u64 blocks);
/* a + b, saturating at ~0 so a huge request can never wrap to a small one. */
u64 quota_add(u64 a, u64 b);

#endif
