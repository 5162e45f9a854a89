/* DELEGATE: copy a capability into a capability space, or map pages of a
 * MEM capability into an address space; rights only ever shrink. Checks run
 * in this order: descriptor, source, mask, source rights, destination PD,
 * ranges, destination slot or pages, quota (docs/CAPABILITIES.md). */
#include "cspace.h"
#include "lifecycle.h"
#include "mapdb.h"
#include "syscalls.h"
#include "tree.h"

struct delegation {
    struct obj_node *src;
    struct obj_pd *dst_pd;
    u32 mask;
    u64 offset, pages, dst;
};

/* [offset, offset + pages) must be a non-empty part of a MEM capability. */
static bool range_inside(const struct obj_node *mem, u64 offset, u64 pages)
{
    return pages != 0 && offset < mem->pages && pages <= mem->pages - offset;
}

static enum vireo_status delegate_object(struct obj_kernel *k, const struct delegation *d)
{
    struct obj_node *src = d->src;
    if (src->type == VIREO_CAP_MEM ? !range_inside(src, d->offset, d->pages)
                                   : d->offset != 0 || d->pages != 0)
        return VIREO_E_INVALID_ARG;
    if (d->dst >= VIREO_SEL_COUNT)
        return VIREO_E_BAD_CAP;
    if (cspace_cap(d->dst_pd, d->dst))
        return VIREO_E_OVERLAP;
    if (cspace_needs_chunk(d->dst_pd, d->dst) && !quota_fits(d->dst_pd, 1))
        return VIREO_E_NO_MEMORY;

    struct obj_node *node = cspace_claim(k, d->dst_pd, d->dst);
    node->type = src->type;
#ifdef VIREO_OBJ_PLANTED_BUG_RIGHTS
    node->rights = (u8)d->mask; /* planted bug: the mask replaces the rights */
#else
    node->rights = (u8)(src->rights & d->mask);
#endif
    if (src->type == VIREO_CAP_MEM) {
        node->u.frame = src->u.frame + d->offset;
        node->pages = (u32)d->pages;
    } else {
        node->u.obj = src->u.obj;
        object_cap_added(src->u.obj);
    }
    tree_add_child(src, node);
    return VIREO_OK;
}

static enum vireo_status delegate_memory(struct obj_kernel *k, const struct delegation *d)
{
    if (!range_inside(d->src, d->offset, d->pages) || d->dst >= VIREO_USER_PAGES ||
        d->pages > VIREO_USER_PAGES - d->dst)
        return VIREO_E_INVALID_ARG;
    if (mapdb_overlaps(d->dst_pd, d->dst, d->pages))
        return VIREO_E_OVERLAP;
    bool needs_chunk;
    if (maptable_lowest_free(d->dst_pd, &needs_chunk) < 0 ||
        (needs_chunk && !quota_fits(d->dst_pd, 1)))
        return VIREO_E_NO_MEMORY;
    return mapdb_map(k, d->src, d->offset, d->pages, d->dst_pd, d->dst, d->src->rights & d->mask);
}

enum vireo_status sys_delegate(struct obj_kernel *k, struct obj_pd *caller, const u64 *args)
{
    u64 crd = args[1];
    u32 kind = vireo_crd_kind(crd);
    if ((kind != VIREO_CRD_OBJ && kind != VIREO_CRD_MEM) || (crd & VIREO_CRD_RESERVED))
        return VIREO_E_INVALID_ARG;

    struct delegation d = {
        .mask = vireo_crd_rights(crd), .offset = args[2], .pages = args[3], .dst = args[4]};
    d.src = cspace_cap(caller, vireo_crd_sel(crd));
    if (!d.src || (kind == VIREO_CRD_MEM && d.src->type != VIREO_CAP_MEM))
        return VIREO_E_BAD_CAP;
    if (kind == VIREO_CRD_OBJ ? (d.mask & ~vireo_cap_rights_valid(d.src->type)) != 0
                              : (d.mask & ~VIREO_MEM_RWX) != 0 || !(d.mask & VIREO_MEM_R))
        return VIREO_E_INVALID_ARG;
    if (!(d.src->rights & VIREO_RIGHT_DELEGATE) ||
        (kind == VIREO_CRD_MEM && !(d.src->rights & VIREO_MEM_R)))
        return VIREO_E_NO_RIGHTS;
    struct obj_node *dst_pd;
    enum vireo_status status =
        obj_lookup(caller, args[0], VIREO_CAP_PD, VIREO_PD_DELEGATE_INTO, &dst_pd);
    if (status != VIREO_OK)
        return status;
    d.dst_pd = (struct obj_pd *)dst_pd->u.obj;

    return kind == VIREO_CRD_OBJ ? delegate_object(k, &d) : delegate_memory(k, &d);
}
