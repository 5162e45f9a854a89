/* The kernel-object pool and quota arithmetic. */
#include <string.h>

#include "objects.h"
#include "pool.h"

bool pool_init(struct obj_pool *pool, void *mem, u64 bytes)
{
    /* Layout: one kind byte per block, then the blocks, 64-byte aligned. */
    u64 start = (u64)(uintptr_t)mem;
    u64 count = bytes / (OBJ_BLOCK_SIZE + 1);
    while (count > 0) {
        u64 blocks_at = (start + count + 63) & ~63ull;
        if (blocks_at + count * OBJ_BLOCK_SIZE <= start + bytes)
            break;
        count--;
    }
    memset(pool, 0, sizeof(*pool));
    if (count == 0)
        return false;
    pool->kind = mem;
    pool->blocks = (u8 *)(uintptr_t)((start + count + 63) & ~63ull);
    pool->count = count;
    memset(pool->kind, OBJ_BLOCK_FREE, count);
    memset(pool->blocks, 0, count * OBJ_BLOCK_SIZE);
    /* Free list in address order: block 0 is handed out first. */
    for (u64 i = count; i-- > 0;) {
        void *block = pool->blocks + i * OBJ_BLOCK_SIZE;
        memcpy(block, &pool->free_head, sizeof(void *));
        pool->free_head = block;
    }
    pool->free_count = count;
    return true;
}

static u64 pool_index(const struct obj_pool *pool, const void *block)
{
    return (u64)((const u8 *)block - pool->blocks) / OBJ_BLOCK_SIZE;
}

void *pool_alloc(struct obj_pool *pool, enum obj_block_kind kind)
{
    void *block = pool->free_head;
    if (!block)
        return NULL;
    memcpy(&pool->free_head, block, sizeof(void *));
    memset(block, 0, OBJ_BLOCK_SIZE);
    pool->kind[pool_index(pool, block)] = (u8)kind;
    pool->free_count--;
    return block;
}

void pool_free(struct obj_pool *pool, void *block)
{
    memset(block, 0, OBJ_BLOCK_SIZE);
    memcpy(block, &pool->free_head, sizeof(void *));
    pool->free_head = block;
    pool->kind[pool_index(pool, block)] = OBJ_BLOCK_FREE;
    pool->free_count++;
}

void *pool_block(const struct obj_pool *pool, u64 index)
{
    return pool->blocks + index * OBJ_BLOCK_SIZE;
}

bool quota_fits(const struct obj_pd *pd, u64 blocks)
{
    return blocks <= pd->quota_limit - pd->quota_used;
}

void quota_charge(struct obj_pd *pd, u64 blocks)
{
    pd->quota_used += blocks;
}

void quota_release(struct obj_pd *pd, u64 blocks)
{
    pd->quota_used -= blocks;
}

u64 quota_add(u64 a, u64 b)
{
    return a + b < a ? ~0ull : a + b;
}
