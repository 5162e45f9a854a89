/* The real layer and the model run side by side (see harness.h). */
#include <stdio.h>
#include <string.h>

#include <vireo/syscall.h>

#include "checker.h"
#include "cspace.h"
#include "harness.h"

void harness_init(struct harness *h, u64 pool_blocks, const u64 (*ranges)[2], u32 range_count)
{
    memset(h, 0, sizeof(*h));
    struct obj_frame_range r[H_RANGES];
    for (u32 i = 0; i < range_count && i < H_RANGES; i++)
        r[i] = (struct obj_frame_range){ranges[i][0], ranges[i][1]};
    mmu_model_init(&h->st.mmu, r, range_count);
    h->mem_bytes = pool_blocks * (OBJ_BLOCK_SIZE + 1) + 64;
    if (pool_blocks > H_MAX_BLOCKS ||
        obj_kernel_init(&h->st.k, h->st.mem, h->mem_bytes, &mmu_model_ops, &h->st.mmu, r,
                        range_count) != VIREO_OK) {
        fprintf(stderr, "harness: cannot set up a pool of %llu blocks\n",
                (unsigned long long)pool_blocks);
        return;
    }
    h->pool_blocks = h->st.k.pool.count;
    model_init(&h->st.m, h->pool_blocks, MMU_MODEL_SPACES, MMU_MODEL_PAGES, ranges, range_count);
    h->st.m.obj[model_init_pd(&h->st.m)].real = h->st.k.init_pd;
}

u64 harness_snapshot_size(const struct harness *h)
{
    return offsetof(struct harness_state, mem) + h->mem_bytes;
}

void harness_save(const struct harness *h, void *snapshot)
{
    memcpy(snapshot, &h->st, harness_snapshot_size(h));
}

void harness_restore(struct harness *h, const void *snapshot)
{
    memcpy(&h->st, snapshot, harness_snapshot_size(h));
}

u64 harness_hash(const struct harness *h)
{
    /* The model's arrays past their high-water marks are all zero. */
    const u8 *p = (const u8 *)&h->st;
    u64 size = harness_snapshot_size(h), hash = 0x9e3779b97f4a7c15ull;
    for (u64 i = 0; i + 8 <= size; i += 8) {
        u64 w;
        memcpy(&w, p + i, 8);
        hash = (hash ^ w) * 0xff51afd7ed558ccdull;
        hash ^= hash >> 32;
    }
    return hash;
}

void op_describe(const struct op *op, char *buf, u64 len)
{
    snprintf(buf, len, "PD%d sys%llu(0x%llx, 0x%llx, 0x%llx, 0x%llx, 0x%llx, 0x%llx)%s%s",
             op->caller, (unsigned long long)op->nr, (unsigned long long)op->args[0],
             (unsigned long long)op->args[1], (unsigned long long)op->args[2],
             (unsigned long long)op->args[3], (unsigned long long)op->args[4],
             (unsigned long long)op->args[5], op->fail_map_after >= 0 ? " [map fails]" : "",
             op->fail_space_create ? " [space fails]" : "");
}

/* What a revoke must remove: (PD, mapping?, position) of each node. */
struct doomed {
    const struct obj_pd *pd;
    bool mapping;
    u64 pos;
};
#define MAX_DOOMED 1024

static u32 collect_doomed(const struct obj_node *root, bool self, struct doomed *out)
{
    u32 count = 0;
    const struct obj_node *stack[MAX_DOOMED];
    u32 top = 0;
    if (self)
        out[count++] = (struct doomed){root->holder, root->type == OBJ_NODE_MAPPING,
                                       root->type == OBJ_NODE_MAPPING ? root->slot : root->index};
    for (const struct obj_node *c = root->first_child; c && top < MAX_DOOMED; c = c->next_sibling)
        stack[top++] = c;
    while (top && count < MAX_DOOMED) {
        const struct obj_node *n = stack[--top];
        bool mapping = n->type == OBJ_NODE_MAPPING;
        out[count++] = (struct doomed){n->holder, mapping, mapping ? n->slot : n->index};
        for (const struct obj_node *c = n->first_child; c && top < MAX_DOOMED; c = c->next_sibling)
            stack[top++] = c;
    }
    return count;
}

static bool pd_block_live(const struct obj_kernel *k, const struct obj_pd *pd)
{
    u64 i = (u64)((const u8 *)pd - k->pool.blocks) / OBJ_BLOCK_SIZE;
    return k->pool.kind[i] == OBJ_BLOCK_OBJECT && pd->hdr.type == VIREO_CAP_PD;
}

static bool fail(struct harness *h, const struct op *op, const char *what)
{
    char desc[200];
    op_describe(op, desc, sizeof(desc));
    snprintf(h->failure, sizeof(h->failure), "after step %llu, %s: %s",
             (unsigned long long)h->steps, desc, what);
    return false;
}

bool harness_step(struct harness *h, const struct op *op)
{
    static _Alignas(64) u8 before[sizeof(struct harness_state)];
    static struct doomed doomed[MAX_DOOMED];
    char msg[300];
    struct harness_state *st = &h->st;
    struct obj_pd *caller = (struct obj_pd *)st->m.obj[op->caller].real;
    h->steps++;

    st->m.fail_map_after = op->fail_map_after;
    st->m.fail_space_create = op->fail_space_create;
    u64 model_result;
    int created;
    struct model m_before;
    memcpy(&m_before, &st->m, sizeof(m_before));
    enum vireo_status expect =
        model_syscall(&st->m, op->caller, op->nr, op->args, &model_result, &created);
    st->m.fail_map_after = m_before.fail_map_after = -1;
    st->m.fail_space_create = m_before.fail_space_create = false;
    if (expect != VIREO_OK) {
        /* the real state before, with the model as it is after (unchanged) */
        h->errors++;
        memcpy(before, st, offsetof(struct harness_state, mem) + h->mem_bytes);
        if (memcmp(&m_before, &st->m, sizeof(m_before)) != 0)
            return fail(h, op, "the model changed on an error");
    }

    u32 doomed_count = 0;
    if (op->nr == VIREO_SYS_REVOKE && expect == VIREO_OK) {
        const struct obj_node *root = cspace_cap(caller, vireo_crd_sel(op->args[0]));
        if (root)
            doomed_count = collect_doomed(root, op->args[1] & VIREO_REVOKE_SELF, doomed);
    }

    st->mmu.fail_map_after = op->fail_map_after;
    st->mmu.fail_space_create = op->fail_space_create;
    u64 result = 0xdead;
    enum vireo_status got = obj_syscall(&st->k, caller, op->nr, op->args, &result);
    st->mmu.fail_map_after = -1;
    st->mmu.fail_space_create = false;

    if (got != expect || result != model_result) {
        snprintf(msg, sizeof(msg), "status %d result 0x%llx, model says %d result 0x%llx", got,
                 (unsigned long long)result, expect, (unsigned long long)model_result);
        return fail(h, op, msg);
    }
    if (created != M_NONE) {
        const struct obj_node *n = cspace_cap(caller, op->args[0]);
        if (!n)
            return fail(h, op, "created object has no capability");
        st->m.obj[created].real = n->u.obj;
    }
    if (expect != VIREO_OK) {
        /* nothing may have changed: kernel, pool bytes, page tables */
        if (memcmp(before, st, offsetof(struct harness_state, mem) + h->mem_bytes) != 0)
            return fail(h, op, "a failed call changed the state");
        return true; /* the state was checked after the previous step */
    }
    for (u32 i = 0; i < doomed_count; i++) {
        const struct doomed *d = &doomed[i];
        if (!pd_block_live(&st->k, d->pd))
            continue; /* the PD itself is gone, and everything in it */
        if (d->mapping ? maptable_node(d->pd, (unsigned)d->pos) != NULL
                       : cspace_cap(d->pd, d->pos) != NULL) {
            snprintf(msg, sizeof(msg), "a revoked %s survives at %llu",
                     d->mapping ? "mapping" : "capability", (unsigned long long)d->pos);
            return fail(h, op, msg);
        }
    }
    if (!check_structure(st, msg, sizeof(msg)) || !check_against_model(st, msg, sizeof(msg)))
        return fail(h, op, msg);
    return true;
}

static bool revoke(struct harness *h, int pd, u64 sel, bool self)
{
    struct op op = {.caller = pd, .nr = VIREO_SYS_REVOKE, .fail_map_after = -1};
    op.args[0] = vireo_crd(VIREO_CRD_OBJ, 0, sel);
    op.args[1] = self ? VIREO_REVOKE_SELF : 0;
    return harness_step(h, &op);
}

bool harness_revoke_all(struct harness *h)
{
    struct harness_state *st = &h->st;
    int init = model_init_pd(&st->m);
    if (!st->m.obj[init].exists || st->m.obj[init].torn)
        return true; /* init revoked itself: everything is gone already */
    for (u64 sel = 0; sel < VIREO_SEL_COUNT; sel++) {
        int n = model_find_cap(&st->m, init, sel);
        if (n == M_NONE)
            continue;
        bool root_kept = sel == VIREO_INIT_SEL_PD ||
                         (st->m.node[n].type == VIREO_CAP_MEM && st->m.node[n].parent == M_NONE);
        if (!revoke(h, init, sel, !root_kept))
            return false;
    }
    struct op op = {.caller = init};
    const struct obj_kernel *k = &st->k;
    if (k->init_pd->quota_used != k->init_quota_start ||
        k->pool.free_count != h->pool_blocks - 1 - k->init_quota_start)
        return fail(h, &op, "after revoking everything the pool is not back where it started");
    for (int s = 0; s < MMU_MODEL_SPACES; s++) {
        for (int p = 0; p < MMU_MODEL_PAGES; p++) {
            if (st->mmu.state.page[s][p].mapped)
                return fail(h, &op, "after revoking everything a page is still mapped");
        }
    }
    return true;
}
