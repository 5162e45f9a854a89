/* Object lifetime: reference counts, teardown, freeing. */
#include "cspace.h"
#include "lifecycle.h"
#include "pool.h"
#include "tree.h"

u64 object_cost(const struct obj_header *obj)
{
    if (obj->type == VIREO_CAP_PD)
        return 1 + ((const struct obj_pd *)obj)->quota_limit;
    if (obj->type == VIREO_CAP_EC && (((const struct obj_ec *)obj)->flags & VIREO_EC_VCPU))
        return VIREO_VCPU_QUOTA_BLOCKS;
    return 1;
}

struct obj_header *object_alloc(struct obj_kernel *k, struct obj_pd *payer, u32 type, u64 cost)
{
    struct obj_header *obj = pool_alloc(&k->pool, OBJ_BLOCK_OBJECT);
    obj->type = (u8)type;
    obj->payer = payer;
    if (payer) {
        quota_charge(payer, cost);
        object_get(&payer->hdr);
    }
    return obj;
}

void object_unalloc(struct obj_kernel *k, struct obj_header *obj)
{
    struct obj_pd *payer = obj->payer;
    if (payer) {
        quota_release(payer, object_cost(obj));
        payer->hdr.kref--;
    }
    pool_free(&k->pool, obj);
}

static void enqueue(struct obj_kernel *k, struct obj_header *obj)
{
    if (obj->queued)
        return;
    obj->queued = 1;
    obj->pending_next = k->pending;
    k->pending = obj;
}

void object_get(struct obj_header *obj)
{
    obj->kref++;
}

void object_put(struct obj_kernel *k, struct obj_header *obj)
{
#ifdef VIREO_OBJ_PLANTED_BUG_LEAK
    if (obj->type == VIREO_CAP_PD && obj->kref == 1 && obj->cap_count == 0)
        return; /* planted bug: the last kernel reference on a PD is lost */
#endif
    if (--obj->kref == 0 && obj->cap_count == 0 && obj->torn_down)
        enqueue(k, obj);
}

void object_cap_added(struct obj_header *obj)
{
    obj->cap_count++;
}

void object_cap_dropped(struct obj_kernel *k, struct obj_header *obj)
{
    if (--obj->cap_count == 0)
        enqueue(k, obj);
}

static void teardown_pd(struct obj_kernel *k, struct obj_pd *pd)
{
    for (u64 sel = 0; sel < VIREO_SEL_COUNT; sel++) {
        if (!pd->cap_chunk[sel / OBJ_NODES_PER_CHUNK]) {
            sel |= OBJ_NODES_PER_CHUNK - 1; /* skip the whole empty chunk */
            continue;
        }
        struct obj_node *node = cspace_cap(pd, sel);
        if (node)
            tree_revoke(k, node, true);
    }
    for (unsigned slot = 0; slot < VIREO_MAP_RANGES_MAX; slot++) {
        struct obj_node *node = maptable_node(pd, slot);
        if (node)
            tree_revoke(k, node, true);
    }
    k->mmu->space_destroy(k->mmu_ctx, pd);
}

static void teardown(struct obj_kernel *k, struct obj_header *obj)
{
    if (k->mmu->object_dying)
        k->mmu->object_dying(k->mmu_ctx, obj);
    if (obj->type == VIREO_CAP_PD)
        teardown_pd(k, (struct obj_pd *)obj);
}

static void free_object(struct obj_kernel *k, struct obj_header *obj)
{
    if (obj->type == VIREO_CAP_SC)
        object_put(k, &((struct obj_sc *)obj)->ec->hdr);
    else if (obj->type == VIREO_CAP_PT)
        object_put(k, &((struct obj_pt *)obj)->ec->hdr);
    else if (obj->type == VIREO_CAP_EC && (((struct obj_ec *)obj)->flags & VIREO_EC_VCPU) &&
             k->mmu->vcpu_destroy)
        k->mmu->vcpu_destroy(k->mmu_ctx, (struct obj_ec *)obj);
    struct obj_pd *payer = obj->payer;
    if (payer) {
        quota_release(payer, object_cost(obj));
        object_put(k, &payer->hdr);
    }
    if (k->init_pd && obj == &k->init_pd->hdr)
        k->init_pd = NULL;
    pool_free(&k->pool, obj);
}

void obj_settle(struct obj_kernel *k)
{
    while (k->pending) {
        struct obj_header *obj = k->pending;
        k->pending = obj->pending_next;
        obj->pending_next = NULL;
        obj->queued = 0;
        if (!obj->torn_down) {
            /* torn_down is set only afterwards, so puts during the teardown
             * cannot queue it a second time; it is freed just below. */
            teardown(k, obj);
            obj->torn_down = 1;
        }
        if (obj->kref == 0)
            free_object(k, obj);
    }
}
