/* CREATE_PD, CREATE_EC, CREATE_SC, CREATE_PT, CREATE_SM. Checks run in
 * argument order: destination selector, paying PD, other selectors, values,
 * then quota; docs/CAPABILITIES.md lists them. */
#include "cspace.h"
#include "lifecycle.h"
#include "syscalls.h"
#include "tree.h"
#include <vireo/vmexit.h>

#define USER_HALF_END (VIREO_USER_PAGES << VIREO_PAGE_SHIFT)

/* dst must be an empty selector; pd a PD capability with VIREO_PD_CREATE. */
static enum vireo_status check_dst_and_payer(const struct obj_pd *caller, u64 dst, u64 pd_sel,
                                             struct obj_pd **payer)
{
    if (dst >= VIREO_SEL_COUNT)
        return VIREO_E_BAD_CAP;
    if (cspace_cap(caller, dst))
        return VIREO_E_OVERLAP;
    struct obj_node *node;
    enum vireo_status status = obj_lookup(caller, pd_sel, VIREO_CAP_PD, VIREO_PD_CREATE, &node);
    if (status == VIREO_OK)
        *payer = (struct obj_pd *)node->u.obj;
    return status;
}

/* The payer needs `cost` blocks, the caller one more if dst opens a chunk. */
static enum vireo_status check_quota(const struct obj_pd *caller, u64 dst,
                                     const struct obj_pd *payer, u64 cost)
{
    u64 chunk = cspace_needs_chunk(caller, dst) ? 1 : 0;
    if (payer == caller)
        return quota_fits(payer, quota_add(cost, chunk)) ? VIREO_OK : VIREO_E_NO_MEMORY;
    return quota_fits(payer, cost) && quota_fits(caller, chunk) ? VIREO_OK : VIREO_E_NO_MEMORY;
}

static enum vireo_status lookup_bindable_ec(const struct obj_pd *caller, u64 sel,
                                            struct obj_ec **ec)
{
    return obj_lookup_ec(caller, sel, VIREO_EC_BIND, ec);
}

void install_root_cap(struct obj_kernel *k, struct obj_pd *pd, u64 sel, struct obj_header *obj)
{
    struct obj_node *node = cspace_claim(k, pd, sel);
    node->type = obj->type;
    node->rights = (u8)vireo_cap_rights_valid(obj->type);
    node->u.obj = obj;
    object_cap_added(obj);
}

enum vireo_status sys_create_pd(struct obj_kernel *k, struct obj_pd *caller, const u64 *args)
{
    u64 dst = args[0], quota = args[2], flags = args[3];
    struct obj_pd *payer;
    enum vireo_status status = check_dst_and_payer(caller, dst, args[1], &payer);
    if (status != VIREO_OK)
        return status;
    if (flags & ~VIREO_PD_VM)
        return VIREO_E_INVALID_ARG;
    u64 cost = quota_add(1, quota);
    status = check_quota(caller, dst, payer, cost);
    if (status != VIREO_OK)
        return status;

    struct obj_pd *pd = (struct obj_pd *)object_alloc(k, payer, VIREO_CAP_PD, cost);
    pd->quota_limit = quota;
    pd->flags = flags;
    status = k->mmu->space_create(k->mmu_ctx, pd);
    if (status != VIREO_OK) {
        object_unalloc(k, &pd->hdr);
        return status;
    }
    install_root_cap(k, caller, dst, &pd->hdr);
    return VIREO_OK;
}

enum vireo_status sys_create_ec(struct obj_kernel *k, struct obj_pd *caller, const u64 *args)
{
    u64 dst = args[0], utcb_page = args[2], ip = args[3], sp = args[4], flags = args[5];
    struct obj_pd *pd;
    enum vireo_status status = check_dst_and_payer(caller, dst, args[1], &pd);
    if (status != VIREO_OK)
        return status;
    if (flags & ~VIREO_EC_VCPU)
        return VIREO_E_INVALID_ARG;
    bool vcpu = flags & VIREO_EC_VCPU;
    if (vcpu != ((pd->flags & VIREO_PD_VM) != 0))
        return VIREO_E_INVALID_ARG; /* vCPUs exactly in VM PDs */
    /* A vCPU's utcb_page is its exit-portal base selector. */
    if (vcpu ? utcb_page > VIREO_SEL_COUNT - VIREO_EXIT_CLASS_COUNT || ip || sp
             : utcb_page >= VIREO_USER_PAGES || ip >= USER_HALF_END || sp > USER_HALF_END)
        return VIREO_E_INVALID_ARG;
    u64 cost = vcpu ? VIREO_VCPU_QUOTA_BLOCKS : 1;
    status = check_quota(caller, dst, pd, cost);
    if (status != VIREO_OK)
        return status;

    struct obj_ec *ec = (struct obj_ec *)object_alloc(k, pd, VIREO_CAP_EC, cost);
    ec->pd = pd;
    ec->utcb_page = utcb_page;
    ec->ip = ip;
    ec->sp = sp;
    ec->flags = flags;
    ec->state = OBJ_EC_CREATED;
    if (vcpu && k->mmu->vcpu_create) {
        status = k->mmu->vcpu_create(k->mmu_ctx, ec);
        if (status != VIREO_OK) {
            object_unalloc(k, &ec->hdr);
            return status;
        }
    }
    install_root_cap(k, caller, dst, &ec->hdr);
    return VIREO_OK;
}

enum vireo_status sys_create_sc(struct obj_kernel *k, struct obj_pd *caller, const u64 *args)
{
    u64 dst = args[0], priority = args[3], budget = args[4];
    struct obj_pd *payer;
    struct obj_ec *ec;
    enum vireo_status status = check_dst_and_payer(caller, dst, args[1], &payer);
    if (status == VIREO_OK)
        status = lookup_bindable_ec(caller, args[2], &ec);
    if (status != VIREO_OK)
        return status;
    if (priority > VIREO_PRIO_MAX || budget == 0 || budget > VIREO_SC_BUDGET_MAX_US)
        return VIREO_E_INVALID_ARG;
    status = check_quota(caller, dst, payer, 1);
    if (status != VIREO_OK)
        return status;

    struct obj_sc *sc = (struct obj_sc *)object_alloc(k, payer, VIREO_CAP_SC, 1);
    sc->ec = ec;
    object_get(&ec->hdr);
    sc->priority = (u32)priority;
    sc->budget_us = budget;
    sc->left_us = budget;
    install_root_cap(k, caller, dst, &sc->hdr);
    return VIREO_OK;
}

enum vireo_status sys_create_pt(struct obj_kernel *k, struct obj_pd *caller, const u64 *args)
{
    u64 dst = args[0], badge = args[3], mtd = args[4];
    struct obj_pd *payer;
    struct obj_ec *ec;
    enum vireo_status status = check_dst_and_payer(caller, dst, args[1], &payer);
    if (status == VIREO_OK)
        status = lookup_bindable_ec(caller, args[2], &ec);
    if (status == VIREO_OK)
        status = check_quota(caller, dst, payer, 1);
    if (status != VIREO_OK)
        return status;

    struct obj_pt *pt = (struct obj_pt *)object_alloc(k, payer, VIREO_CAP_PT, 1);
    pt->ec = ec;
    object_get(&ec->hdr);
    pt->badge = badge;
    pt->mtd = mtd;
    install_root_cap(k, caller, dst, &pt->hdr);
    return VIREO_OK;
}

enum vireo_status sys_create_sm(struct obj_kernel *k, struct obj_pd *caller, const u64 *args)
{
    u64 dst = args[0], count = args[2];
    struct obj_pd *payer;
    enum vireo_status status = check_dst_and_payer(caller, dst, args[1], &payer);
    if (status != VIREO_OK)
        return status;
    if (count > VIREO_SM_COUNT_MAX)
        return VIREO_E_INVALID_ARG;
    status = check_quota(caller, dst, payer, 1);
    if (status != VIREO_OK)
        return status;

    struct obj_sm *sm = (struct obj_sm *)object_alloc(k, payer, VIREO_CAP_SM, 1);
    sm->count = count;
    install_root_cap(k, caller, dst, &sm->hdr);
    return VIREO_OK;
}
