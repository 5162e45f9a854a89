/* The reference model of the object layer (see model.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vireo/syscall.h>
#include <vireo/vmexit.h>

#include "model.h"

#define USER_HALF_END (VIREO_USER_PAGES << VIREO_PAGE_SHIFT)

static u64 sat_add(u64 a, u64 b)
{
    return a + b < a ? ~0ull : a + b;
}

static void model_full(const char *what)
{
    fprintf(stderr, "model: out of %s; enlarge model.h's limits\n", what);
    abort();
}

static int new_obj(struct model *m, u32 type, int payer)
{
    for (int i = 0; i < M_OBJS; i++) {
        if (!m->obj[i].exists) {
            memset(&m->obj[i], 0, sizeof(m->obj[i]));
            m->obj[i].exists = true;
            m->obj[i].type = (u8)type;
            m->obj[i].payer = payer;
            m->obj[i].ec = M_NONE;
            if (i >= m->objs_hw)
                m->objs_hw = i + 1;
            return i;
        }
    }
    model_full("objects");
    return M_NONE;
}

static int new_node(struct model *m)
{
    for (int i = 0; i < M_NODES; i++) {
        if (!m->node[i].used) {
            memset(&m->node[i], 0, sizeof(m->node[i]));
            m->node[i].used = true;
            m->node[i].parent = M_NONE;
            m->node[i].obj = M_NONE;
            if (i >= m->nodes_hw)
                m->nodes_hw = i + 1;
            return i;
        }
    }
    model_full("nodes");
    return M_NONE;
}

int model_init_pd(const struct model *m)
{
    (void)m;
    return 0; /* init is always object 0 */
}

int model_find_cap(const struct model *m, int pd, u64 sel)
{
    if (sel >= VIREO_SEL_COUNT)
        return M_NONE;
    for (int i = 0; i < m->nodes_hw; i++) {
        const struct m_node *n = &m->node[i];
        if (n->used && !n->mapping && n->pd == pd && n->index == sel)
            return i;
    }
    return M_NONE;
}

static bool is_object_cap(const struct m_node *n)
{
    return n->used && !n->mapping && n->type != VIREO_CAP_MEM;
}

u32 model_cap_count(const struct model *m, int obj)
{
    u32 count = 0;
    for (int i = 0; i < m->nodes_hw; i++)
        count += is_object_cap(&m->node[i]) && m->node[i].obj == obj;
    return count;
}

u32 model_kref(const struct model *m, int obj)
{
    u32 count = 0;
    for (int i = 0; i < m->objs_hw; i++) {
        const struct m_obj *o = &m->obj[i];
        if (o->exists)
            count += (o->payer == obj) + (o->ec == obj);
    }
    return count;
}

u64 model_chunks(const struct model *m, int pd, bool mapping)
{
    bool seen[VIREO_SEL_COUNT / 16] = {false};
    u64 chunks = 0;
    for (int i = 0; i < m->nodes_hw; i++) {
        const struct m_node *n = &m->node[i];
        if (!n->used || n->pd != pd || n->mapping != mapping)
            continue;
        u64 chunk = (mapping ? (u64)n->slot : n->index) / 16;
        if (!seen[chunk]) {
            seen[chunk] = true;
            chunks++;
        }
    }
    return chunks;
}

static u64 cost(const struct m_obj *o)
{
    if (o->type == VIREO_CAP_EC && (o->flags & VIREO_EC_VCPU))
        return VIREO_VCPU_QUOTA_BLOCKS;
    return o->type == VIREO_CAP_PD ? 1 + o->quota : 1;
}

u64 model_quota_used(const struct model *m, int pd)
{
    u64 used = model_chunks(m, pd, false) + model_chunks(m, pd, true);
    for (int i = 0; i < m->objs_hw; i++) {
        if (m->obj[i].exists && m->obj[i].payer == pd)
            used += cost(&m->obj[i]);
    }
    return used;
}

u64 model_free_blocks(const struct model *m)
{
    u64 used = 0;
    for (int i = 0; i < m->objs_hw; i++) {
        if (m->obj[i].exists) {
            used++;
            if (m->obj[i].type == VIREO_CAP_PD)
                used += model_chunks(m, i, false) + model_chunks(m, i, true);
        }
    }
    return m->pool_blocks - used;
}

static bool fits(const struct model *m, int pd, u64 blocks)
{
    return blocks <= m->obj[pd].quota - model_quota_used(m, pd);
}

static bool needs_cap_chunk(const struct model *m, int pd, u64 sel)
{
    for (int i = 0; i < m->nodes_hw; i++) {
        const struct m_node *n = &m->node[i];
        if (n->used && !n->mapping && n->pd == pd && n->index / 16 == sel / 16)
            return false;
    }
    return true;
}

static bool slot_used(const struct model *m, int pd, int slot)
{
    for (int i = 0; i < m->nodes_hw; i++) {
        const struct m_node *n = &m->node[i];
        if (n->used && n->mapping && n->pd == pd && n->slot == slot)
            return true;
    }
    return false;
}

/* The lowest free mapping slot, -1 if none; *chunk: does it open a chunk? */
static int lowest_free_slot(const struct model *m, int pd, bool *chunk)
{
    for (int slot = 0; slot < (int)VIREO_MAP_RANGES_MAX; slot++) {
        if (slot_used(m, pd, slot))
            continue;
        *chunk = true;
        for (int s = slot / 16 * 16; s < slot / 16 * 16 + 16; s++)
            *chunk = *chunk && !slot_used(m, pd, s);
        return slot;
    }
    return -1;
}

static enum vireo_status lookup(const struct model *m, int pd, u64 sel, u32 type, u32 rights,
                                int *node)
{
    int n = model_find_cap(m, pd, sel);
    if (n == M_NONE || m->node[n].type != type)
        return VIREO_E_BAD_CAP;
    if ((m->node[n].rights & rights) != rights)
        return VIREO_E_NO_RIGHTS;
    *node = n;
    return VIREO_OK;
}

static bool is_descendant(const struct model *m, int node, int ancestor)
{
    for (int n = m->node[node].parent; n != M_NONE; n = m->node[n].parent) {
        if (n == ancestor)
            return true;
    }
    return false;
}

/* Removes the subtree of `root` (with root if include_root). */
static void remove_subtree(struct model *m, int root, bool include_root)
{
    bool doomed[M_NODES] = {false};
    for (int i = 0; i < m->nodes_hw; i++)
        doomed[i] = m->node[i].used && (is_descendant(m, i, root) || (include_root && i == root));
    for (int i = 0; i < m->nodes_hw; i++) {
        if (doomed[i])
            m->node[i].used = false;
    }
}

/* Dead objects are torn down (a PD loses everything in its spaces, with
 * all that was derived from it); torn-down objects nothing refers to are
 * freed. Repeat until nothing changes. */
static void settle(struct model *m)
{
    bool changed = true;
    while (changed) {
        changed = false;
        for (int o = 0; o < m->objs_hw; o++) {
            struct m_obj *obj = &m->obj[o];
            if (obj->exists && !obj->torn && model_cap_count(m, o) == 0) {
                obj->torn = true;
                changed = true;
                for (int i = 0; obj->type == VIREO_CAP_PD && i < m->nodes_hw; i++) {
                    if (m->node[i].used && m->node[i].pd == o)
                        remove_subtree(m, i, true);
                }
            }
            if (obj->exists && obj->torn && model_kref(m, o) == 0) {
                obj->exists = false;
                changed = true;
            }
        }
    }
}

static int install_root(struct model *m, int pd, u64 sel, int obj)
{
    int n = new_node(m);
    m->node[n].type = m->obj[obj].type;
    m->node[n].rights = (u8)vireo_cap_rights_valid(m->obj[obj].type);
    m->node[n].pd = pd;
    m->node[n].index = sel;
    m->node[n].obj = obj;
    return n;
}

void model_init(struct model *m, u64 pool_blocks, u32 spaces, u64 space_pages,
                const u64 (*ranges)[2], u32 range_count)
{
    memset(m, 0, sizeof(*m));
    m->pool_blocks = pool_blocks;
    m->spaces = spaces;
    m->space_pages = space_pages;
    m->fail_map_after = -1;
    int init = new_obj(m, VIREO_CAP_PD, M_NONE);
    m->obj[init].quota = pool_blocks - 1;
    install_root(m, init, VIREO_INIT_SEL_PD, init);
    for (u32 i = 0; i < range_count; i++) {
        int n = new_node(m);
        m->node[n].type = VIREO_CAP_MEM;
        m->node[n].rights = (u8)vireo_cap_rights_valid(VIREO_CAP_MEM);
        m->node[n].pd = init;
        m->node[n].index = VIREO_INIT_SEL_MEM + i;
        m->node[n].frame = ranges[i][0];
        m->node[n].pages = ranges[i][1];
    }
}

/* ---- syscalls, checks in the documented order ---- */

static enum vireo_status create_common(const struct model *m, int caller, u64 dst, u64 pd_sel,
                                       int *payer)
{
    if (dst >= VIREO_SEL_COUNT)
        return VIREO_E_BAD_CAP;
    if (model_find_cap(m, caller, dst) != M_NONE)
        return VIREO_E_OVERLAP;
    int n;
    enum vireo_status status = lookup(m, caller, pd_sel, VIREO_CAP_PD, VIREO_PD_CREATE, &n);
    if (status == VIREO_OK)
        *payer = m->node[n].obj;
    return status;
}

static enum vireo_status quota_check(const struct model *m, int caller, u64 dst, int payer,
                                     u64 need)
{
    u64 chunk = needs_cap_chunk(m, caller, dst) ? 1 : 0;
    if (payer == caller)
        return fits(m, payer, sat_add(need, chunk)) ? VIREO_OK : VIREO_E_NO_MEMORY;
    return fits(m, payer, need) && fits(m, caller, chunk) ? VIREO_OK : VIREO_E_NO_MEMORY;
}

static u32 live_pds(const struct model *m)
{
    u32 count = 0;
    for (int i = 0; i < m->objs_hw; i++)
        count += m->obj[i].exists && !m->obj[i].torn && m->obj[i].type == VIREO_CAP_PD;
    return count;
}

static enum vireo_status m_create(struct model *m, int caller, u64 nr, const u64 *a, int *created)
{
    int payer, ec_node = M_NONE;
    enum vireo_status status = create_common(m, caller, a[0], a[1], &payer);
    if (status != VIREO_OK)
        return status;
    u64 need = 1;
    switch (nr) {
    case VIREO_SYS_CREATE_PD:
        if (a[3] & ~VIREO_PD_VM)
            return VIREO_E_INVALID_ARG;
        need = sat_add(1, a[2]);
        break;
    case VIREO_SYS_CREATE_EC: {
        bool vcpu = a[5] & VIREO_EC_VCPU;
        if (a[5] & ~VIREO_EC_VCPU)
            return VIREO_E_INVALID_ARG;
        if (vcpu != ((m->obj[payer].flags & VIREO_PD_VM) != 0))
            return VIREO_E_INVALID_ARG;
        /* a vCPU's a[2] is its exit-portal base selector */
        if (vcpu && (a[2] > VIREO_SEL_COUNT - VIREO_EXIT_CLASS_COUNT || a[3] || a[4]))
            return VIREO_E_INVALID_ARG;
        if (vcpu)
            need = VIREO_VCPU_QUOTA_BLOCKS;
        if (!vcpu && (a[2] >= VIREO_USER_PAGES || a[3] >= USER_HALF_END || a[4] > USER_HALF_END))
            return VIREO_E_INVALID_ARG;
        break;
    }
    case VIREO_SYS_CREATE_SC:
        status = lookup(m, caller, a[2], VIREO_CAP_EC, VIREO_EC_BIND, &ec_node);
        if (status != VIREO_OK)
            return status;
        if (a[3] > VIREO_PRIO_MAX || a[4] == 0 || a[4] > VIREO_SC_BUDGET_MAX_US)
            return VIREO_E_INVALID_ARG;
        break;
    case VIREO_SYS_CREATE_PT:
        status = lookup(m, caller, a[2], VIREO_CAP_EC, VIREO_EC_BIND, &ec_node);
        if (status != VIREO_OK)
            return status;
        break;
    case VIREO_SYS_CREATE_SM:
        if (a[2] > VIREO_SM_COUNT_MAX)
            return VIREO_E_INVALID_ARG;
        break;
    }
    status = quota_check(m, caller, a[0], payer, need);
    if (status != VIREO_OK)
        return status;
    if (nr == VIREO_SYS_CREATE_PD && (m->fail_space_create || live_pds(m) >= m->spaces))
        return VIREO_E_NO_MEMORY;

    static const u8 type_of[] = {[VIREO_SYS_CREATE_PD] = VIREO_CAP_PD,
                                 [VIREO_SYS_CREATE_EC] = VIREO_CAP_EC,
                                 [VIREO_SYS_CREATE_SC] = VIREO_CAP_SC,
                                 [VIREO_SYS_CREATE_PT] = VIREO_CAP_PT,
                                 [VIREO_SYS_CREATE_SM] = VIREO_CAP_SM};
    int o = new_obj(m, type_of[nr], payer);
    struct m_obj *obj = &m->obj[o];
    switch (nr) {
    case VIREO_SYS_CREATE_PD:
        obj->quota = a[2];
        obj->flags = a[3];
        break;
    case VIREO_SYS_CREATE_EC:
        obj->flags = a[5];
        obj->v[0] = a[2], obj->v[1] = a[3], obj->v[2] = a[4];
        break;
    case VIREO_SYS_CREATE_SC:
        obj->ec = m->node[ec_node].obj;
        obj->v[0] = a[3], obj->v[1] = a[4];
        break;
    case VIREO_SYS_CREATE_PT:
        obj->ec = m->node[ec_node].obj;
        obj->v[0] = a[3], obj->v[1] = a[4];
        break;
    case VIREO_SYS_CREATE_SM:
        obj->v[0] = a[2];
        break;
    }
    install_root(m, caller, a[0], o);
    *created = o;
    return VIREO_OK;
}

static bool range_inside(const struct m_node *mem, u64 offset, u64 pages)
{
    return pages != 0 && offset < mem->pages && pages <= mem->pages - offset;
}

static bool mapping_overlaps(const struct model *m, int pd, u64 vpage, u64 pages)
{
    for (int i = 0; i < m->nodes_hw; i++) {
        const struct m_node *n = &m->node[i];
        if (n->used && n->mapping && n->pd == pd && n->index < vpage + pages &&
            vpage < n->index + n->pages)
            return true;
    }
    return false;
}

/* Would the platform refuse one of the pages? (its page tables end at
 * space_pages; an injected failure hits the given call) */
static bool platform_refuses(const struct model *m, u64 vpage, u64 pages)
{
    u64 first_bad = vpage < m->space_pages ? m->space_pages - vpage : 0;
    if (m->fail_map_after >= 0 && (u64)m->fail_map_after < first_bad)
        first_bad = (u64)m->fail_map_after;
    return first_bad < pages;
}

static enum vireo_status m_delegate(struct model *m, int caller, const u64 *a)
{
    u64 crd = a[1], offset = a[2], pages = a[3], dst = a[4];
    u32 kind = vireo_crd_kind(crd), mask = vireo_crd_rights(crd);
    if ((kind != VIREO_CRD_OBJ && kind != VIREO_CRD_MEM) || (crd & VIREO_CRD_RESERVED))
        return VIREO_E_INVALID_ARG;
    int src = model_find_cap(m, caller, vireo_crd_sel(crd));
    if (src == M_NONE || (kind == VIREO_CRD_MEM && m->node[src].type != VIREO_CAP_MEM))
        return VIREO_E_BAD_CAP;
    struct m_node s = m->node[src];
    if (kind == VIREO_CRD_OBJ && (mask & ~vireo_cap_rights_valid(s.type)))
        return VIREO_E_INVALID_ARG;
    if (kind == VIREO_CRD_MEM && ((mask & ~VIREO_MEM_RWX) || !(mask & VIREO_MEM_R)))
        return VIREO_E_INVALID_ARG;
    if (!(s.rights & VIREO_RIGHT_DELEGATE) || (kind == VIREO_CRD_MEM && !(s.rights & VIREO_MEM_R)))
        return VIREO_E_NO_RIGHTS;
    int pd_node;
    enum vireo_status status =
        lookup(m, caller, a[0], VIREO_CAP_PD, VIREO_PD_DELEGATE_INTO, &pd_node);
    if (status != VIREO_OK)
        return status;
    int dst_pd = m->node[pd_node].obj;

    if (kind == VIREO_CRD_OBJ) {
        if (s.type == VIREO_CAP_MEM ? !range_inside(&s, offset, pages) : offset || pages)
            return VIREO_E_INVALID_ARG;
        if (dst >= VIREO_SEL_COUNT)
            return VIREO_E_BAD_CAP;
        if (model_find_cap(m, dst_pd, dst) != M_NONE)
            return VIREO_E_OVERLAP;
        if (needs_cap_chunk(m, dst_pd, dst) && !fits(m, dst_pd, 1))
            return VIREO_E_NO_MEMORY;
        int n = new_node(m);
        m->node[n] = s;
        m->node[n].pd = dst_pd;
        m->node[n].index = dst;
        m->node[n].rights = (u8)(s.rights & mask);
        m->node[n].parent = src;
        if (s.type == VIREO_CAP_MEM) {
            m->node[n].frame = s.frame + offset;
            m->node[n].pages = pages;
        }
        return VIREO_OK;
    }

    if (!range_inside(&s, offset, pages) || dst >= VIREO_USER_PAGES ||
        pages > VIREO_USER_PAGES - dst)
        return VIREO_E_INVALID_ARG;
    if (mapping_overlaps(m, dst_pd, dst, pages))
        return VIREO_E_OVERLAP;
    bool chunk;
    int slot = lowest_free_slot(m, dst_pd, &chunk);
    if (slot < 0 || (chunk && !fits(m, dst_pd, 1)))
        return VIREO_E_NO_MEMORY;
    if (platform_refuses(m, dst, pages))
        return VIREO_E_NO_MEMORY;
    int n = new_node(m);
    m->node[n].mapping = true;
    m->node[n].type = VIREO_CAP_MEM;
    m->node[n].rights = (u8)(s.rights & mask);
    m->node[n].pd = dst_pd;
    m->node[n].index = dst;
    m->node[n].slot = slot;
    m->node[n].frame = s.frame + offset;
    m->node[n].pages = pages;
    m->node[n].parent = src;
    return VIREO_OK;
}

static enum vireo_status m_revoke(struct model *m, int caller, const u64 *a)
{
    u64 crd = a[0], flags = a[1];
    if (vireo_crd_kind(crd) != VIREO_CRD_OBJ || vireo_crd_rights(crd) != 0 ||
        (crd & VIREO_CRD_RESERVED) || (flags & ~VIREO_REVOKE_SELF))
        return VIREO_E_INVALID_ARG;
    int n = model_find_cap(m, caller, vireo_crd_sel(crd));
    if (n == M_NONE)
        return VIREO_E_BAD_CAP;
    remove_subtree(m, n, flags & VIREO_REVOKE_SELF);
    settle(m);
    return VIREO_OK;
}

static enum vireo_status m_sm_ctrl(struct model *m, int caller, const u64 *a)
{
    int n = model_find_cap(m, caller, a[0]);
    if (n == M_NONE || m->node[n].type != VIREO_CAP_SM)
        return VIREO_E_BAD_CAP;
    if (a[1] != VIREO_SM_OP_UP && a[1] != VIREO_SM_OP_DOWN)
        return VIREO_E_INVALID_ARG;
    bool up = a[1] == VIREO_SM_OP_UP;
    if (!(m->node[n].rights & (up ? VIREO_SM_UP : VIREO_SM_DOWN)))
        return VIREO_E_NO_RIGHTS;
    u64 *count = &m->obj[m->node[n].obj].v[0];
    if (up && *count >= VIREO_SM_COUNT_MAX)
        return VIREO_E_BUSY;
    if (!up && *count == 0)
        return VIREO_E_TIMEOUT;
    *count = up ? *count + 1 : *count - 1;
    return VIREO_OK;
}

enum vireo_status model_syscall(struct model *m, int caller, u64 number, const u64 args[6],
                                u64 *result, int *created)
{
    *result = 0;
    *created = M_NONE;
    switch (number) {
    case VIREO_SYS_CREATE_PD:
    case VIREO_SYS_CREATE_EC:
    case VIREO_SYS_CREATE_SC:
    case VIREO_SYS_CREATE_PT:
    case VIREO_SYS_CREATE_SM:
        return m_create(m, caller, number, args, created);
    case VIREO_SYS_DELEGATE:
        return m_delegate(m, caller, args);
    case VIREO_SYS_REVOKE:
        return m_revoke(m, caller, args);
    case VIREO_SYS_LOOKUP: {
        if (args[0] >= VIREO_SEL_COUNT)
            return VIREO_E_BAD_CAP;
        int n = model_find_cap(m, caller, args[0]);
        if (n != M_NONE)
            *result = vireo_capinfo(m->node[n].type, m->node[n].rights,
                                    m->node[n].type == VIREO_CAP_MEM ? m->node[n].pages : 0);
        return VIREO_OK;
    }
    case VIREO_SYS_SM_CTRL:
        return m_sm_ctrl(m, caller, args);
    default:
        return VIREO_E_INVALID_SYSCALL;
    }
}
