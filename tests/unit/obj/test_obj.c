/* Unit tests of the object layer (kernel/obj) over the page-table model of
 * tests/invariants: scenarios with known outcomes, each checked directly. */
#include <string.h>

#include <vireo/syscall.h>

#include "check.h"
#include "mmu_model.h"
#include "obj.h"

#define POOL_BLOCKS 200
static _Alignas(64) u8 mem[POOL_BLOCKS * (OBJ_BLOCK_SIZE + 1) + 64];
static struct obj_kernel k;
static struct mmu_model mmu;
static const struct obj_frame_range user[] = {{0x100, 8}, {0x300, 4}};

static enum vireo_status sys(struct obj_pd *pd, u64 nr, u64 a0, u64 a1, u64 a2, u64 a3, u64 a4,
                             u64 a5, u64 *result)
{
    const u64 args[6] = {a0, a1, a2, a3, a4, a5};
    u64 ignored;
    return obj_syscall(&k, pd, nr, args, result ? result : &ignored);
}
#define SYS(pd, nr, ...) sys(pd, nr, __VA_ARGS__)

static void setup(void)
{
    mmu_model_init(&mmu, user, 2);
    CHECK_EQ_U64(obj_kernel_init(&k, mem, sizeof(mem), &mmu_model_ops, &mmu, user, 2), VIREO_OK);
}

static struct obj_pd *pd_at(struct obj_pd *holder, u64 sel)
{
    struct obj_node *node;
    return obj_lookup(holder, sel, VIREO_CAP_PD, 0, &node) == VIREO_OK
               ? (struct obj_pd *)node->u.obj
               : NULL;
}

static void test_setup_and_lookup(void)
{
    setup();
    struct obj_pd *init = k.init_pd;
    u64 info;
    CHECK_EQ_U64(SYS(init, VIREO_SYS_LOOKUP, VIREO_INIT_SEL_PD, 0, 0, 0, 0, 0, &info), VIREO_OK);
    CHECK_EQ_U64(vireo_capinfo_type(info), VIREO_CAP_PD);
    CHECK_EQ_U64(vireo_capinfo_rights(info), vireo_cap_rights_valid(VIREO_CAP_PD));
    CHECK_EQ_U64(SYS(init, VIREO_SYS_LOOKUP, VIREO_INIT_SEL_MEM + 1, 0, 0, 0, 0, 0, &info),
                 VIREO_OK);
    CHECK_EQ_U64(vireo_capinfo_type(info), VIREO_CAP_MEM);
    CHECK_EQ_U64(vireo_capinfo_pages(info), 4);
    CHECK_EQ_U64(SYS(init, VIREO_SYS_LOOKUP, 3, 0, 0, 0, 0, 0, &info), VIREO_OK);
    CHECK_EQ_U64(vireo_capinfo_type(info), VIREO_CAP_NULL);
    CHECK_EQ_U64(SYS(init, VIREO_SYS_LOOKUP, VIREO_SEL_COUNT, 0, 0, 0, 0, 0, NULL),
                 VIREO_E_BAD_CAP);
    CHECK_EQ_U64(SYS(init, 99, 0, 0, 0, 0, 0, 0, NULL), VIREO_E_INVALID_SYSCALL);
    CHECK_EQ_U64(init->quota_limit, k.pool.count - 1);

    /* overlapping or empty user ranges are refused */
    const struct obj_frame_range overlap[] = {{0x100, 8}, {0x107, 1}};
    CHECK_EQ_U64(obj_kernel_init(&k, mem, sizeof(mem), &mmu_model_ops, &mmu, overlap, 2),
                 VIREO_E_INVALID_ARG);
    const struct obj_frame_range empty[] = {{0x100, 0}};
    CHECK_EQ_U64(obj_kernel_init(&k, mem, sizeof(mem), &mmu_model_ops, &mmu, empty, 1),
                 VIREO_E_INVALID_ARG);
}

static void test_delegate_rights_only_shrink(void)
{
    setup();
    struct obj_pd *init = k.init_pd;
    CHECK_EQ_U64(SYS(init, VIREO_SYS_CREATE_PD, 10, 0, 8, 0, 0, 0, NULL), VIREO_OK);
    CHECK_EQ_U64(SYS(init, VIREO_SYS_CREATE_SM, 11, 0, 0, 0, 0, 0, NULL), VIREO_OK);
    struct obj_pd *child = pd_at(init, 10);
    CHECK(child != NULL);
    /* the SM, with UP only and no DELEGATE, into the child at 3 */
    u64 crd = vireo_crd(VIREO_CRD_OBJ, VIREO_SM_UP, 11);
    CHECK_EQ_U64(SYS(init, VIREO_SYS_DELEGATE, 10, crd, 0, 0, 3, 0, NULL), VIREO_OK);
    CHECK_EQ_U64(SYS(init, VIREO_SYS_DELEGATE, 10, crd, 0, 0, 3, 0, NULL), VIREO_E_OVERLAP);
    u64 info;
    CHECK_EQ_U64(SYS(child, VIREO_SYS_LOOKUP, 3, 0, 0, 0, 0, 0, &info), VIREO_OK);
    CHECK_EQ_U64(vireo_capinfo_rights(info), VIREO_SM_UP);
    /* the child can up but not down, and cannot pass it on */
    CHECK_EQ_U64(SYS(child, VIREO_SYS_SM_CTRL, 3, VIREO_SM_OP_UP, 0, 0, 0, 0, NULL), VIREO_OK);
    CHECK_EQ_U64(SYS(child, VIREO_SYS_SM_CTRL, 3, VIREO_SM_OP_DOWN, 0, 0, 0, 0, NULL),
                 VIREO_E_NO_RIGHTS);
    CHECK_EQ_U64(SYS(init, VIREO_SYS_SM_CTRL, 11, VIREO_SM_OP_DOWN, 0, 0, 0, 0, NULL), VIREO_OK);
    CHECK_EQ_U64(SYS(init, VIREO_SYS_SM_CTRL, 11, VIREO_SM_OP_DOWN, 0, 0, 0, 0, NULL),
                 VIREO_E_TIMEOUT);
    /* a mask with bits the type does not define is invalid; the null cap is no source */
    CHECK_EQ_U64(
        SYS(init, VIREO_SYS_DELEGATE, 10, vireo_crd(VIREO_CRD_OBJ, 0x40, 11), 0, 0, 4, 0, NULL),
        VIREO_E_INVALID_ARG);
    CHECK_EQ_U64(
        SYS(init, VIREO_SYS_DELEGATE, 10, vireo_crd(VIREO_CRD_OBJ, 0, 20), 0, 0, 4, 0, NULL),
        VIREO_E_BAD_CAP);
    /* the child holds no PD capability to delegate into */
    CHECK_EQ_U64(
        SYS(child, VIREO_SYS_DELEGATE, 0, vireo_crd(VIREO_CRD_OBJ, 0, 3), 0, 0, 4, 0, NULL),
        VIREO_E_NO_RIGHTS);
}

static void test_memory_and_revoke(void)
{
    setup();
    struct obj_pd *init = k.init_pd;
    CHECK_EQ_U64(SYS(init, VIREO_SYS_CREATE_PD, 10, 0, 8, 0, 0, 0, NULL), VIREO_OK);
    struct obj_pd *child = pd_at(init, 10);
    int space = mmu_model_space(&mmu, child);
    CHECK(space >= 0);
    /* frames 0x102..0x104 at pages 5..7, read-only */
    u64 crd = vireo_crd(VIREO_CRD_MEM, VIREO_MEM_R, VIREO_INIT_SEL_MEM);
    CHECK_EQ_U64(SYS(init, VIREO_SYS_DELEGATE, 10, crd, 2, 3, 5, 0, NULL), VIREO_OK);
    CHECK_EQ_U64(mmu.state.page[space][6].frame, 0x103);
    CHECK_EQ_U64(mmu.state.page[space][6].rights, VIREO_MEM_R);
    /* overlapping pages, a range past the capability, no R */
    CHECK_EQ_U64(SYS(init, VIREO_SYS_DELEGATE, 10, crd, 0, 1, 7, 0, NULL), VIREO_E_OVERLAP);
    CHECK_EQ_U64(SYS(init, VIREO_SYS_DELEGATE, 10, crd, 6, 3, 10, 0, NULL), VIREO_E_INVALID_ARG);
    CHECK_EQ_U64(SYS(init, VIREO_SYS_DELEGATE, 10,
                     vireo_crd(VIREO_CRD_MEM, VIREO_MEM_W, VIREO_INIT_SEL_MEM), 0, 1, 0, 0, NULL),
                 VIREO_E_INVALID_ARG);
    /* a failing page-table write is undone completely */
    u8 before[sizeof(mem)];
    memcpy(before, mem, sizeof(mem));
    struct mmu_model_state mmu_before = mmu.state;
    mmu.fail_map_after = 1;
    CHECK_EQ_U64(SYS(init, VIREO_SYS_DELEGATE, 10, crd, 0, 2, 0, 0, NULL), VIREO_E_NO_MEMORY);
    CHECK(memcmp(before, mem, sizeof(mem)) == 0);
    CHECK(memcmp(&mmu_before, &mmu.state, sizeof(mmu_before)) == 0);
    /* revoking init's root memory unmaps it everywhere */
    CHECK_EQ_U64(SYS(init, VIREO_SYS_REVOKE, vireo_crd(VIREO_CRD_OBJ, 0, VIREO_INIT_SEL_MEM), 0, 0,
                     0, 0, 0, NULL),
                 VIREO_OK);
    CHECK(!mmu.state.page[space][6].mapped && !mmu.state.page[space][6].stale);
}

static void test_lifetime_and_quota(void)
{
    setup();
    struct obj_pd *init = k.init_pd;
    u64 free_at_start = k.pool.free_count, used_at_start = init->quota_used;
    CHECK_EQ_U64(SYS(init, VIREO_SYS_CREATE_PD, 10, 0, 5, 0, 0, 0, NULL), VIREO_OK);
    CHECK_EQ_U64(init->quota_used, used_at_start + 6);
    /* an EC in the child, paid by it; a portal on it, paid by init */
    CHECK_EQ_U64(SYS(init, VIREO_SYS_CREATE_EC, 11, 10, 1, 0x1000, 0x2000, 0, NULL), VIREO_OK);
    CHECK_EQ_U64(SYS(init, VIREO_SYS_CREATE_PT, 12, 0, 11, 42, 0, 0, NULL), VIREO_OK);
    struct obj_pt *pt;
    CHECK_EQ_U64(obj_lookup_portal(init, 12, &pt), VIREO_OK);
    CHECK_EQ_U64(pt->badge, 42);
    /* the child's quota: 5 blocks, one used by the EC */
    CHECK_EQ_U64(SYS(init, VIREO_SYS_CREATE_PD, 13, 10, 5, 0, 0, 0, NULL), VIREO_E_NO_MEMORY);
    CHECK_EQ_U64(SYS(init, VIREO_SYS_CREATE_PD, 13, 10, 3, 0, 0, 0, NULL), VIREO_OK);
    /* the PD dies with its capability; the EC lives on as a zombie for the portal */
    struct obj_ec *ec = pt->ec;
    CHECK_EQ_U64(SYS(init, VIREO_SYS_REVOKE, vireo_crd(VIREO_CRD_OBJ, 0, 11), VIREO_REVOKE_SELF, 0,
                     0, 0, 0, NULL),
                 VIREO_OK);
    CHECK(obj_is_dead(&ec->hdr) && ec->hdr.kref == 1);
    CHECK_EQ_U64(SYS(init, VIREO_SYS_REVOKE, vireo_crd(VIREO_CRD_OBJ, 0, 10), VIREO_REVOKE_SELF, 0,
                     0, 0, 0, NULL),
                 VIREO_OK);
    CHECK_EQ_U64(SYS(init, VIREO_SYS_REVOKE, vireo_crd(VIREO_CRD_OBJ, 0, 13), VIREO_REVOKE_SELF, 0,
                     0, 0, 0, NULL),
                 VIREO_OK);
    CHECK(k.pool.free_count < free_at_start); /* the portal still holds EC and PD */
    CHECK_EQ_U64(SYS(init, VIREO_SYS_REVOKE, vireo_crd(VIREO_CRD_OBJ, 0, 12), VIREO_REVOKE_SELF, 0,
                     0, 0, 0, NULL),
                 VIREO_OK);
    CHECK_EQ_U64(k.pool.free_count, free_at_start);
    CHECK_EQ_U64(init->quota_used, used_at_start);
}

/* Address spaces without page tables, as many as wanted. */
static enum vireo_status any_space_create(void *ctx, struct obj_pd *pd)
{
    (void)ctx, (void)pd;
    return VIREO_OK;
}
static void any_space_destroy(void *ctx, struct obj_pd *pd)
{
    (void)ctx, (void)pd;
}
static const struct obj_mmu_ops spaces_only = {.space_create = any_space_create,
                                               .space_destroy = any_space_destroy};

/* PDs nested as deep as the pool allows, each created by the one above:
 * revoking the top frees all of them without recursion. */
static void test_deep_nesting(void)
{
    CHECK_EQ_U64(obj_kernel_init(&k, mem, sizeof(mem), &spaces_only, NULL, user, 2), VIREO_OK);
    u64 free_at_start = k.pool.free_count;
    struct obj_pd *pd = k.init_pd;
    CHECK_EQ_U64(SYS(pd, VIREO_SYS_CREATE_PD, 5, 0, k.pool.free_count - 10, 0, 0, 0, NULL),
                 VIREO_OK);
    int depth = 1;
    for (struct obj_pd *child = pd_at(pd, 5); child; depth++) {
        /* give the child its own PD capability (its first chunk needs a
         * block of its quota), then let it create the next */
        if (SYS(pd, VIREO_SYS_DELEGATE, 5,
                vireo_crd(VIREO_CRD_OBJ, VIREO_PD_CREATE | VIREO_PD_DELEGATE_INTO, 5), 0, 0, 0, 0,
                NULL) != VIREO_OK)
            break;
        pd = child;
        if (pd->quota_limit < 2 ||
            SYS(pd, VIREO_SYS_CREATE_PD, 5, 0, pd->quota_limit - 2, 0, 0, 0, NULL) != VIREO_OK)
            break;
        child = pd_at(pd, 5);
    }
    CHECK(depth >= 80);
    CHECK_EQ_U64(SYS(k.init_pd, VIREO_SYS_REVOKE, vireo_crd(VIREO_CRD_OBJ, 0, 5), VIREO_REVOKE_SELF,
                     0, 0, 0, 0, NULL),
                 VIREO_OK);
    CHECK_EQ_U64(k.pool.free_count, free_at_start);
    CHECK_EQ_U64(k.init_pd->quota_used, k.init_quota_start);
}

int main(void)
{
    test_setup_and_lookup();
    test_delegate_rights_only_shrink();
    test_memory_and_revoke();
    test_lifetime_and_quota();
    test_deep_nesting();
    return check_report("test_obj");
}
