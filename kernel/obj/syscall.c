/* obj_syscall(): the one entry of the object layer, plus the small calls
 * (REVOKE, LOOKUP, SM_CTRL) and the lookups the scheduler and IPC use. */
#include <vireo/syscall.h>

#include "cspace.h"
#include "lifecycle.h"
#include "syscalls.h"
#include "tree.h"

enum vireo_status obj_lookup(const struct obj_pd *pd, u64 sel, u32 type, u32 rights,
                             struct obj_node **out)
{
    struct obj_node *node = cspace_cap(pd, sel);
    if (!node || node->type != type)
        return VIREO_E_BAD_CAP;
    if ((node->rights & rights) != rights)
        return VIREO_E_NO_RIGHTS;
    *out = node;
    return VIREO_OK;
}

enum vireo_status obj_lookup_portal(const struct obj_pd *pd, u64 sel, struct obj_pt **out)
{
    struct obj_node *node;
    enum vireo_status status = obj_lookup(pd, sel, VIREO_CAP_PT, VIREO_PT_CALL, &node);
    if (status == VIREO_OK)
        *out = (struct obj_pt *)node->u.obj;
    return status;
}

enum vireo_status obj_lookup_ec(const struct obj_pd *pd, u64 sel, u32 rights, struct obj_ec **out)
{
    struct obj_node *node;
    enum vireo_status status = obj_lookup(pd, sel, VIREO_CAP_EC, rights, &node);
    if (status == VIREO_OK)
        *out = (struct obj_ec *)node->u.obj;
    return status;
}

enum vireo_status obj_lookup_sm(const struct obj_pd *pd, u64 sel, u32 rights, struct obj_sm **out)
{
    struct obj_node *node;
    enum vireo_status status = obj_lookup(pd, sel, VIREO_CAP_SM, rights, &node);
    if (status == VIREO_OK)
        *out = (struct obj_sm *)node->u.obj;
    return status;
}

enum vireo_status obj_sm_up(struct obj_sm *sm)
{
    if (sm->count >= VIREO_SM_COUNT_MAX)
        return VIREO_E_BUSY;
    sm->count++;
    return VIREO_OK;
}

enum vireo_status obj_sm_try_down(struct obj_sm *sm)
{
    if (sm->count == 0)
        return VIREO_E_TIMEOUT;
    sm->count--;
    return VIREO_OK;
}

static enum vireo_status sys_revoke(struct obj_kernel *k, struct obj_pd *caller, const u64 *args)
{
    u64 crd = args[0], flags = args[1];
    if (vireo_crd_kind(crd) != VIREO_CRD_OBJ || vireo_crd_rights(crd) != 0 ||
        (crd & VIREO_CRD_RESERVED) || (flags & ~VIREO_REVOKE_SELF))
        return VIREO_E_INVALID_ARG;
    struct obj_node *node = cspace_cap(caller, vireo_crd_sel(crd));
    if (!node)
        return VIREO_E_BAD_CAP;
    tree_revoke(k, node, flags & VIREO_REVOKE_SELF);
    obj_settle(k);
    return VIREO_OK;
}

static enum vireo_status sys_lookup(const struct obj_pd *caller, const u64 *args, u64 *result)
{
    if (args[0] >= VIREO_SEL_COUNT)
        return VIREO_E_BAD_CAP;
    const struct obj_node *node = cspace_cap(caller, args[0]);
    *result = node ? vireo_capinfo(node->type, node->rights,
                                   node->type == VIREO_CAP_MEM ? node->pages : 0)
                   : vireo_capinfo(VIREO_CAP_NULL, 0, 0);
    return VIREO_OK;
}

static enum vireo_status sys_sm_ctrl(const struct obj_pd *caller, const u64 *args)
{
    u64 op = args[1];
    struct obj_node *node = cspace_cap(caller, args[0]);
    if (!node || node->type != VIREO_CAP_SM)
        return VIREO_E_BAD_CAP;
    if (op != VIREO_SM_OP_UP && op != VIREO_SM_OP_DOWN)
        return VIREO_E_INVALID_ARG;
    u32 right = op == VIREO_SM_OP_UP ? VIREO_SM_UP : VIREO_SM_DOWN;
    if (!(node->rights & right))
        return VIREO_E_NO_RIGHTS;
    struct obj_sm *sm = (struct obj_sm *)node->u.obj;
    return op == VIREO_SM_OP_UP ? obj_sm_up(sm) : obj_sm_try_down(sm);
}

enum vireo_status obj_syscall(struct obj_kernel *k, struct obj_pd *caller, u64 number,
                              const u64 args[6], u64 *result)
{
    *result = 0;
    switch (number) {
    case VIREO_SYS_CREATE_PD:
        return sys_create_pd(k, caller, args);
    case VIREO_SYS_CREATE_EC:
        return sys_create_ec(k, caller, args);
    case VIREO_SYS_CREATE_SC:
        return sys_create_sc(k, caller, args);
    case VIREO_SYS_CREATE_PT:
        return sys_create_pt(k, caller, args);
    case VIREO_SYS_CREATE_SM:
        return sys_create_sm(k, caller, args);
    case VIREO_SYS_DELEGATE:
        return sys_delegate(k, caller, args);
    case VIREO_SYS_REVOKE:
        return sys_revoke(k, caller, args);
    case VIREO_SYS_LOOKUP:
        return sys_lookup(caller, args, result);
    case VIREO_SYS_SM_CTRL:
        return sys_sm_ctrl(caller, args);
    default:
        return VIREO_E_INVALID_SYSCALL;
    }
}
