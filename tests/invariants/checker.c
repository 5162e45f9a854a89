/* Invariant checks over the real object layer (see checker.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "checker.h"
#include "cspace.h"

#define MAX_REAL_NODES 4096
#define MAX_REAL_OBJS  H_MAX_BLOCKS

struct real_view {
    const struct obj_header *obj[MAX_REAL_OBJS];
    u32 obj_count;
    const struct obj_node *node[MAX_REAL_NODES];
    u32 node_count;
    u64 chunk_blocks;
};

static bool fail(char *buf, u64 len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, len, fmt, ap);
    va_end(ap);
    return false;
}
#define FAIL(...) return fail(buf, len, __VA_ARGS__)

static bool is_pool_object(const struct obj_kernel *k, const void *p, u32 type)
{
    const u8 *b = p;
    if (!b || b < k->pool.blocks || b >= k->pool.blocks + k->pool.count * OBJ_BLOCK_SIZE ||
        (u64)(b - k->pool.blocks) % OBJ_BLOCK_SIZE)
        return false;
    u64 i = (u64)(b - k->pool.blocks) / OBJ_BLOCK_SIZE;
    return k->pool.kind[i] == OBJ_BLOCK_OBJECT && ((const struct obj_header *)p)->type == type;
}

static bool collect(const struct obj_kernel *k, struct real_view *v, char *buf, u64 len)
{
    memset(v, 0, sizeof(*v));
    for (u64 i = 0; i < k->pool.count; i++) {
        u8 kind = k->pool.kind[i];
        if (kind == OBJ_BLOCK_CHUNK)
            v->chunk_blocks++;
        if (kind != OBJ_BLOCK_OBJECT)
            continue;
        const struct obj_header *obj = pool_block(&k->pool, i);
        v->obj[v->obj_count++] = obj;
        if (obj->type != VIREO_CAP_PD)
            continue;
        const struct obj_pd *pd = (const struct obj_pd *)obj;
        for (u32 c = 0; c < OBJ_CAP_CHUNKS + OBJ_MAP_CHUNKS; c++) {
            bool map = c >= OBJ_CAP_CHUNKS;
            u32 ci = map ? c - OBJ_CAP_CHUNKS : c;
            const struct obj_chunk *chunk = map ? pd->map_chunk[ci] : pd->cap_chunk[ci];
            u8 used = map ? pd->map_used[ci] : pd->cap_used[ci];
            if (!chunk) {
                if (used)
                    FAIL("PD %p: chunk %u missing but %u nodes in use", (void *)pd, c, used);
                continue;
            }
            u32 seen = 0;
            for (u32 n = 0; n < OBJ_NODES_PER_CHUNK; n++) {
                const struct obj_node *node = &chunk->node[n];
                u64 pos = (u64)ci * OBJ_NODES_PER_CHUNK + n;
                if (node->type == VIREO_CAP_NULL)
                    continue;
                seen++;
                if (node->holder != pd)
                    FAIL("node at %llu of PD %p has holder %p", (unsigned long long)pos, (void *)pd,
                         (void *)node->holder);
                if (map ? node->type != OBJ_NODE_MAPPING || node->slot != pos
                        : node->type == OBJ_NODE_MAPPING || node->index != pos)
                    FAIL("node at %llu of PD %p is misplaced", (unsigned long long)pos, (void *)pd);
                if (v->node_count == MAX_REAL_NODES)
                    FAIL("too many nodes");
                v->node[v->node_count++] = node;
            }
            if (seen != used || seen == 0)
                FAIL("PD %p chunk %u: %u nodes but count %u (empty chunks are freed)", (void *)pd,
                     c, seen, used);
        }
    }
    return true;
}

static bool known_node(const struct real_view *v, const struct obj_node *n)
{
    for (u32 i = 0; i < v->node_count; i++) {
        if (v->node[i] == n)
            return true;
    }
    return false;
}

static bool range_within(u64 frame, u64 pages, u64 outer_frame, u64 outer_pages)
{
    return frame >= outer_frame && pages <= outer_pages &&
           frame - outer_frame <= outer_pages - pages;
}

static bool check_node(const struct harness_state *st, const struct real_view *v,
                       const struct obj_node *n, char *buf, u64 len)
{
    const struct obj_kernel *k = &st->k;
    bool mapping = n->type == OBJ_NODE_MAPPING;
    u32 type = mapping ? VIREO_CAP_MEM : n->type;
    if (type < VIREO_CAP_PD || type > VIREO_CAP_MEM)
        FAIL("node %p has type %u", (void *)n, n->type);
    if (n->holder->hdr.cap_count == 0)
        FAIL("node %p is held by a dead PD", (void *)n);
    u32 valid = mapping ? VIREO_MEM_RWX : vireo_cap_rights_valid(type);
    if (n->rights & ~valid)
        FAIL("node %p has undefined rights 0x%x", (void *)n, n->rights);
    if (mapping && !(n->rights & VIREO_MEM_R))
        FAIL("mapping %p without R", (void *)n);
    if (type == VIREO_CAP_MEM && (n->pages == 0))
        FAIL("memory node %p covers no pages", (void *)n);
    if (type != VIREO_CAP_MEM && !is_pool_object(k, n->u.obj, type))
        FAIL("cap %p names no live %u object", (void *)n, type);
    if (type != VIREO_CAP_MEM && n->u.obj->cap_count == 0)
        FAIL("cap %p names a dead object", (void *)n);

    /* its children point back and form a proper list */
    const struct obj_node *prev = NULL;
    u32 steps = 0;
    for (const struct obj_node *c = n->first_child; c; c = c->next_sibling) {
        if (++steps > v->node_count || !known_node(v, c))
            FAIL("children list of %p is broken", (void *)n);
        if (c->parent != n || c->prev_sibling != prev)
            FAIL("child %p of %p has parent %p / prev %p", (void *)c, (void *)n, (void *)c->parent,
                 (void *)c->prev_sibling);
        prev = c;
    }

    if (!n->parent) {
        if (mapping)
            FAIL("mapping %p has no parent", (void *)n);
        if (type == VIREO_CAP_MEM) {
            if (n->holder != k->init_pd)
                FAIL("root MEM cap %p not held by init", (void *)n);
            bool inside = false;
            for (u32 i = 0; i < st->mmu.user_count; i++)
                inside = inside || range_within(n->u.frame, n->pages, st->mmu.user[i].frame,
                                                st->mmu.user[i].pages);
            if (!inside)
                FAIL("root MEM cap %p covers frames outside the user ranges", (void *)n);
        }
        return true;
    }
    const struct obj_node *p = n->parent;
    if (!known_node(v, p))
        FAIL("node %p has parent %p that is no live node", (void *)n, (void *)p);
    if (p->type != type)
        FAIL("node %p (type %u) derived from type %u", (void *)n, n->type, p->type);
    if (n->rights & ~p->rights)
        FAIL("node %p rights 0x%x exceed its parent's 0x%x", (void *)n, n->rights, p->rights);
    if (type == VIREO_CAP_MEM ? !range_within(n->u.frame, n->pages, p->u.frame, p->pages)
                              : n->u.obj != p->u.obj)
        FAIL("node %p names more than its parent %p", (void *)n, (void *)p);
    bool listed = false;
    for (const struct obj_node *c = p->first_child; c && !listed; c = c->next_sibling)
        listed = c == n;
    if (!listed)
        FAIL("node %p is missing from its parent's children", (void *)n);
    /* acyclic: the root is reached within node_count steps */
    steps = 0;
    for (const struct obj_node *a = p; a; a = a->parent) {
        if (++steps > v->node_count)
            FAIL("node %p has a cycle above it", (void *)n);
    }
    return true;
}

static u32 count_caps(const struct real_view *v, const struct obj_header *obj, u32 *roots)
{
    u32 count = 0;
    *roots = 0;
    for (u32 i = 0; i < v->node_count; i++) {
        const struct obj_node *n = v->node[i];
        if (n->type != OBJ_NODE_MAPPING && n->type != VIREO_CAP_MEM && n->u.obj == obj) {
            count++;
            *roots += n->parent == NULL;
        }
    }
    return count;
}

static u32 count_krefs(const struct real_view *v, const struct obj_header *obj)
{
    u32 count = 0;
    for (u32 i = 0; i < v->obj_count; i++) {
        const struct obj_header *o = v->obj[i];
        count += o->payer && &o->payer->hdr == obj;
        if (o->type == VIREO_CAP_SC)
            count += &((const struct obj_sc *)o)->ec->hdr == obj;
        if (o->type == VIREO_CAP_PT)
            count += &((const struct obj_pt *)o)->ec->hdr == obj;
    }
    return count;
}

static u64 cost(const struct obj_header *o)
{
    return o->type == VIREO_CAP_PD ? 1 + ((const struct obj_pd *)o)->quota_limit : 1;
}

static u64 own_chunks(const struct obj_pd *pd)
{
    u64 chunks = 0;
    for (u32 c = 0; c < OBJ_CAP_CHUNKS; c++)
        chunks += pd->cap_chunk[c] != NULL;
    for (u32 c = 0; c < OBJ_MAP_CHUNKS; c++)
        chunks += pd->map_chunk[c] != NULL;
    return chunks;
}

static bool check_objects(const struct harness_state *st, const struct real_view *v, char *buf,
                          u64 len)
{
    const struct obj_kernel *k = &st->k;
    u64 accounted = 0;
    bool init_found = false;
    for (u32 i = 0; i < v->obj_count; i++) {
        const struct obj_header *o = v->obj[i];
        u32 roots;
        if (o->type < VIREO_CAP_PD || o->type > VIREO_CAP_SM)
            FAIL("object %p has type %u", (void *)o, o->type);
        if (count_caps(v, o, &roots) != o->cap_count)
            FAIL("object %p: cap_count %u, %u caps name it", (void *)o, o->cap_count,
                 count_caps(v, o, &roots));
        if (o->cap_count && roots != 1)
            FAIL("live object %p has %u root capabilities", (void *)o, roots);
        if (count_krefs(v, o) != o->kref)
            FAIL("object %p: kref %u, %u references", (void *)o, o->kref, count_krefs(v, o));
        if (o->cap_count == 0 && o->kref == 0)
            FAIL("object %p is unreferenced but not freed", (void *)o);
        if ((o->cap_count == 0) != (o->torn_down != 0) || o->queued)
            FAIL("object %p: cap_count %u but torn_down %u queued %u", (void *)o, o->cap_count,
                 o->torn_down, o->queued);
        if (o->payer && !is_pool_object(k, o->payer, VIREO_CAP_PD))
            FAIL("object %p paid by %p, no PD", (void *)o, (void *)o->payer);
        if (!o->payer) {
            if (o != &k->init_pd->hdr)
                FAIL("object %p has no payer and is not init", (void *)o);
            init_found = true;
        }
        if ((o->type == VIREO_CAP_SC &&
             !is_pool_object(k, ((const struct obj_sc *)o)->ec, VIREO_CAP_EC)) ||
            (o->type == VIREO_CAP_PT &&
             !is_pool_object(k, ((const struct obj_pt *)o)->ec, VIREO_CAP_EC)))
            FAIL("object %p is bound to no EC", (void *)o);
        if (o->type != VIREO_CAP_PD)
            continue;
        const struct obj_pd *pd = (const struct obj_pd *)o;
        u64 used = own_chunks(pd), carved = 0;
        for (u32 j = 0; j < v->obj_count; j++) {
            if (v->obj[j]->payer == pd) {
                used += cost(v->obj[j]);
                if (v->obj[j]->type == VIREO_CAP_PD)
                    carved += ((const struct obj_pd *)v->obj[j])->quota_limit;
            }
        }
        if (used != pd->quota_used || pd->quota_used > pd->quota_limit)
            FAIL("PD %p: quota used %llu (counted %llu) of %llu", (void *)pd,
                 (unsigned long long)pd->quota_used, (unsigned long long)used,
                 (unsigned long long)pd->quota_limit);
        if (o->cap_count == 0 && own_chunks(pd))
            FAIL("dead PD %p still has tables", (void *)pd);
        accounted += pd->quota_used - carved;
    }
    if (k->init_pd && !init_found)
        FAIL("init_pd %p is not an object", (void *)k->init_pd);
    accounted += init_found;
    if (k->pool.count - k->pool.free_count != v->obj_count + v->chunk_blocks)
        FAIL("pool: %llu allocated, %u objects + %llu chunks",
             (unsigned long long)(k->pool.count - k->pool.free_count), v->obj_count,
             (unsigned long long)v->chunk_blocks);
    if (accounted != v->obj_count + v->chunk_blocks)
        FAIL("quotas account for %llu blocks, %llu are in use", (unsigned long long)accounted,
             (unsigned long long)(v->obj_count + v->chunk_blocks));
    u64 free_list = 0;
    for (void *b = k->pool.free_head; b && free_list <= k->pool.count; free_list++)
        memcpy(&b, b, sizeof(b));
    if (free_list != k->pool.free_count)
        FAIL("free list has %llu blocks, free_count %llu", (unsigned long long)free_list,
             (unsigned long long)k->pool.free_count);
    if (k->pending)
        FAIL("pending list not empty after a syscall");
    return true;
}

static bool check_mappings(const struct harness_state *st, const struct real_view *v, char *buf,
                           u64 len)
{
    const struct mmu_model *mmu = &st->mmu;
    if (mmu->state.violations)
        FAIL("platform violation: %s", mmu->last_violation);
    for (int s = 0; s < MMU_MODEL_SPACES; s++) {
        const struct obj_pd *pd = mmu->state.space_pd[s];
        for (int p = 0; p < MMU_MODEL_PAGES; p++) {
            const struct mmu_model_page *page = &mmu->state.page[s][p];
            if (page->stale)
                FAIL("space %d page %d unmapped without a TLB shootdown", s, p);
            if (!page->mapped)
                continue;
            if (!pd || !is_pool_object(&st->k, pd, VIREO_CAP_PD) || pd->hdr.cap_count == 0)
                FAIL("space %d has a page mapped but no live PD", s);
            if (!mmu_model_is_user_frame(mmu, page->frame))
                FAIL("kernel frame 0x%llx mapped at page %d", (unsigned long long)page->frame, p);
            const struct obj_node *backing = NULL;
            for (u32 i = 0; i < v->node_count && !backing; i++) {
                const struct obj_node *n = v->node[i];
                if (n->type == OBJ_NODE_MAPPING && n->holder == pd && (u64)p >= n->index &&
                    (u64)p - n->index < n->pages)
                    backing = n;
            }
            if (!backing)
                FAIL("space %d page %d is mapped with no mapping node", s, p);
            if (page->frame != backing->u.frame + ((u64)p - backing->index) ||
                page->rights != backing->rights)
                FAIL("space %d page %d disagrees with its mapping node", s, p);
            /* the chain ends at a root MEM capability (init's, checked above) */
            const struct obj_node *root = backing;
            while (root->parent)
                root = root->parent;
            if (root->type != VIREO_CAP_MEM)
                FAIL("space %d page %d traces back to a type %u root", s, p, root->type);
        }
    }
    for (u32 i = 0; i < v->node_count; i++) {
        const struct obj_node *n = v->node[i];
        if (n->type != OBJ_NODE_MAPPING)
            continue;
        int s = mmu_model_space(mmu, n->holder);
        if (s < 0)
            FAIL("mapping %p in a PD without an address space", (void *)n);
        for (u64 p = n->index; p < n->index + n->pages; p++) {
            if (p >= MMU_MODEL_PAGES || !mmu->state.page[s][p].mapped)
                FAIL("mapping %p page %llu is not in the page tables", (void *)n,
                     (unsigned long long)p);
        }
    }
    for (u32 i = 0; i < v->obj_count; i++) {
        const struct obj_header *o = v->obj[i];
        if (o->type == VIREO_CAP_PD && o->cap_count &&
            mmu_model_space(mmu, (const struct obj_pd *)o) < 0)
            FAIL("live PD %p has no address space", (void *)o);
    }
    return true;
}

bool check_structure(const struct harness_state *st, char *buf, u64 len)
{
    static struct real_view v;
    if (!collect(&st->k, &v, buf, len))
        return false;
    for (u32 i = 0; i < v.node_count; i++) {
        if (!check_node(st, &v, v.node[i], buf, len))
            return false;
    }
    return check_objects(st, &v, buf, len) && check_mappings(st, &v, buf, len);
}

/* ---- comparison with the model ---- */

static const struct obj_node *real_node(const struct model *m, int n)
{
    const struct m_node *mn = &m->node[n];
    const struct obj_pd *pd = m->obj[mn->pd].real;
    return mn->mapping ? maptable_node(pd, (unsigned)mn->slot) : cspace_cap(pd, mn->index);
}

bool check_against_model(const struct harness_state *st, char *buf, u64 len)
{
    const struct model *m = &st->m;
    const struct obj_kernel *k = &st->k;
    u64 objects = 0, nodes = 0;
    for (int i = 0; i < m->objs_hw; i++) {
        const struct m_obj *mo = &m->obj[i];
        if (!mo->exists)
            continue;
        objects++;
        const struct obj_header *o = mo->real;
        if (!is_pool_object(k, o, mo->type))
            FAIL("model object %d (type %u) is not a live real object", i, mo->type);
        if (o->cap_count != model_cap_count(m, i) || o->kref != model_kref(m, i))
            FAIL("object %d: caps %u/%u krefs %u/%u (real/model)", i, o->cap_count,
                 model_cap_count(m, i), o->kref, model_kref(m, i));
        const void *payer = mo->payer == M_NONE ? NULL : m->obj[mo->payer].real;
        if ((const void *)o->payer != payer)
            FAIL("object %d has the wrong payer", i);
        switch (mo->type) {
        case VIREO_CAP_PD: {
            const struct obj_pd *pd = (const void *)o;
            if (pd->quota_limit != mo->quota || pd->quota_used != model_quota_used(m, i) ||
                pd->flags != mo->flags)
                FAIL("PD %d: quota %llu/%llu used %llu/%llu (real/model)", i,
                     (unsigned long long)pd->quota_limit, (unsigned long long)mo->quota,
                     (unsigned long long)pd->quota_used,
                     (unsigned long long)model_quota_used(m, i));
            break;
        }
        case VIREO_CAP_EC: {
            const struct obj_ec *ec = (const void *)o;
            if (ec->pd != payer || ec->utcb_page != mo->v[0] || ec->ip != mo->v[1] ||
                ec->sp != mo->v[2] || ec->flags != mo->flags)
                FAIL("EC %d fields differ", i);
            break;
        }
        case VIREO_CAP_SC: {
            const struct obj_sc *sc = (const void *)o;
            if (sc->ec != m->obj[mo->ec].real || sc->priority != mo->v[0] ||
                sc->budget_us != mo->v[1])
                FAIL("SC %d fields differ", i);
            break;
        }
        case VIREO_CAP_PT: {
            const struct obj_pt *pt = (const void *)o;
            if (pt->ec != m->obj[mo->ec].real || pt->badge != mo->v[0] || pt->mtd != mo->v[1])
                FAIL("PT %d fields differ", i);
            break;
        }
        case VIREO_CAP_SM:
            if (((const struct obj_sm *)o)->count != mo->v[0])
                FAIL("SM %d count %llu, model %llu", i,
                     (unsigned long long)((const struct obj_sm *)o)->count,
                     (unsigned long long)mo->v[0]);
            break;
        }
    }
    u64 real_objects = 0;
    for (u64 i = 0; i < k->pool.count; i++)
        real_objects += k->pool.kind[i] == OBJ_BLOCK_OBJECT;
    if (real_objects != objects)
        FAIL("%llu real objects, model has %llu", (unsigned long long)real_objects,
             (unsigned long long)objects);

    for (int i = 0; i < m->nodes_hw; i++) {
        const struct m_node *mn = &m->node[i];
        if (!mn->used)
            continue;
        nodes++;
        const struct obj_node *n = real_node(m, i);
        if (!n)
            FAIL("model node %d (PD %d %s %llu) has no real node", i, mn->pd,
                 mn->mapping ? "page" : "sel", (unsigned long long)mn->index);
        u32 type = mn->mapping ? OBJ_NODE_MAPPING : mn->type;
        if (n->type != type || n->rights != mn->rights || n->index != mn->index)
            FAIL("node %d (PD %d idx %llu): type %u/%u rights 0x%x/0x%x (real/model)", i, mn->pd,
                 (unsigned long long)mn->index, n->type, type, n->rights, mn->rights);
        if (mn->type == VIREO_CAP_MEM ? n->u.frame != mn->frame || n->pages != mn->pages
                                      : (const void *)n->u.obj != m->obj[mn->obj].real)
            FAIL("node %d names something else than in the model", i);
        const struct obj_node *parent = mn->parent == M_NONE ? NULL : real_node(m, mn->parent);
        if (n->parent != parent)
            FAIL("node %d has the wrong parent", i);
    }
    u64 real_nodes = 0;
    for (int i = 0; i < m->objs_hw; i++) {
        const struct m_obj *mo = &m->obj[i];
        if (!mo->exists || mo->type != VIREO_CAP_PD)
            continue;
        const struct obj_pd *pd = mo->real;
        for (u32 c = 0; c < OBJ_CAP_CHUNKS; c++)
            real_nodes += pd->cap_used[c];
        for (u32 c = 0; c < OBJ_MAP_CHUNKS; c++)
            real_nodes += pd->map_used[c];
    }
    if (real_nodes != nodes)
        FAIL("%llu real nodes, model has %llu", (unsigned long long)real_nodes,
             (unsigned long long)nodes);
    if (k->pool.free_count != model_free_blocks(m))
        FAIL("pool has %llu free blocks, model %llu", (unsigned long long)k->pool.free_count,
             (unsigned long long)model_free_blocks(m));
    return true;
}
