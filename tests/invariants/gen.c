/* Syscall generation over a small universe (see gen.h). */
#include <string.h>

#include <vireo/syscall.h>

#include "gen.h"

/* Two ranges of user frames; everything else (frames 0..0xff, the gap
 * between them) stands for kernel memory. */
const u64 gen_ranges[2][2] = {{0x100, 6}, {0x200, 2}};

void gen_rng_seed(struct gen_rng *rng, u64 seed)
{
    rng->state = seed * 0x9e3779b97f4a7c15ull + 0x2545f4914f6cdd1dull;
    if (!rng->state)
        rng->state = 1;
}

u64 gen_rng_draw(void *ctx, u64 bound)
{
    struct gen_rng *rng = ctx;
    rng->state ^= rng->state >> 12;
    rng->state ^= rng->state << 25;
    rng->state ^= rng->state >> 27;
    u64 x = rng->state * 0x2545f4914f6cdd1dull;
    return bound ? (x >> 11) % bound : 0;
}

static const u64 edge_values[] = {VIREO_SEL_COUNT, VIREO_SEL_COUNT - 1, 1ull << 32,          ~0ull,
                                  1ull << 63,      VIREO_USER_PAGES,    VIREO_USER_PAGES - 1};

static u64 edge(gen_draw_fn draw, void *ctx)
{
    return edge_values[draw(ctx, sizeof(edge_values) / sizeof(edge_values[0]))];
}

static u64 sel(gen_draw_fn draw, void *ctx)
{
    return draw(ctx, 16) == 0 ? edge(draw, ctx) : draw(ctx, GEN_SELECTORS);
}

static u64 small(gen_draw_fn draw, void *ctx, u64 bound)
{
    return draw(ctx, 16) == 0 ? edge(draw, ctx) : draw(ctx, bound);
}

/* Mostly a selector of the caller's that holds `type` (any type if
 * VIREO_CAP_NULL), so that most calls get past the lookups. */
static u64 cap_sel(const struct model *m, int pd, u32 type, gen_draw_fn draw, void *ctx)
{
    u64 found[GEN_SELECTORS];
    u32 count = 0;
    for (u64 s = 0; s < GEN_SELECTORS; s++) {
        int n = model_find_cap(m, pd, s);
        if (n != M_NONE && (type == VIREO_CAP_NULL || m->node[n].type == type))
            found[count++] = s;
    }
    return count && draw(ctx, 4) ? found[draw(ctx, count)] : sel(draw, ctx);
}

/* Mostly an empty selector of pd's (0..GEN_SELECTORS-1). */
static u64 free_sel(const struct model *m, int pd, gen_draw_fn draw, void *ctx)
{
    u64 found[GEN_SELECTORS];
    u32 count = 0;
    for (u64 s = 0; s < GEN_SELECTORS; s++) {
        if (model_find_cap(m, pd, s) == M_NONE)
            found[count++] = s;
    }
    return count && draw(ctx, 4) ? found[draw(ctx, count)] : sel(draw, ctx);
}

/* A rights mask: mostly within the type's rights, sometimes anything. */
static u32 mask(gen_draw_fn draw, void *ctx, u32 valid)
{
    u32 bits = (u32)draw(ctx, 256);
    return draw(ctx, 8) == 0 ? bits : bits & valid;
}

void gen_op(const struct model *m, gen_draw_fn draw, void *ctx, struct op *op)
{
    memset(op, 0, sizeof(*op));
    op->fail_map_after = -1;
    /* Callers: mostly PDs that hold a capability among the first GEN_SELECTORS selectors. */
    int pds[M_OBJS], count = 0, holders[M_OBJS], holding = 0;
    for (int i = 0; i < m->objs_hw; i++) {
        if (!m->obj[i].exists || m->obj[i].type != VIREO_CAP_PD)
            continue;
        pds[count++] = i;
        for (u64 s = 0; s < GEN_SELECTORS; s++) {
            if (model_find_cap(m, i, s) != M_NONE) {
                holders[holding++] = i;
                break;
            }
        }
    }
    op->caller =
        holding && draw(ctx, 8) ? holders[draw(ctx, (u64)holding)] : pds[draw(ctx, (u64)count)];
    int c = op->caller;
    u64 *a = op->args;
    switch (draw(ctx, 16)) {
    case 0:
        op->nr = VIREO_SYS_CREATE_PD;
        a[0] = free_sel(m, c, draw, ctx), a[1] = cap_sel(m, c, VIREO_CAP_PD, draw, ctx);
        a[2] = small(draw, ctx, 5);
        a[3] = draw(ctx, 8) == 0 ? VIREO_PD_VM : draw(ctx, 32) == 0 ? edge(draw, ctx) : 0;
        op->fail_space_create = draw(ctx, 16) == 0;
        break;
    case 1:
        op->nr = VIREO_SYS_CREATE_EC;
        a[0] = free_sel(m, c, draw, ctx), a[1] = cap_sel(m, c, VIREO_CAP_PD, draw, ctx);
        a[5] = draw(ctx, 4) == 0 ? VIREO_EC_VCPU : draw(ctx, 32) == 0 ? edge(draw, ctx) : 0;
        a[2] = a[5] == VIREO_EC_VCPU && draw(ctx, 2) ? draw(ctx, 1024) : small(draw, ctx, 40);
        a[3] = draw(ctx, 8) == 0 ? edge(draw, ctx) << 12 : a[5] == VIREO_EC_VCPU ? 0 : 0x400000;
        a[4] = draw(ctx, 8) == 0 ? edge(draw, ctx) << 12 : a[5] == VIREO_EC_VCPU ? 0 : 0x7fff0000;
        break;
    case 2:
        op->nr = VIREO_SYS_CREATE_SC;
        a[0] = free_sel(m, c, draw, ctx), a[1] = cap_sel(m, c, VIREO_CAP_PD, draw, ctx);
        a[2] = cap_sel(m, c, VIREO_CAP_EC, draw, ctx);
        a[3] = draw(ctx, 300);
        a[4] = draw(ctx, 4) == 0 ? small(draw, ctx, 2) : 1 + draw(ctx, VIREO_SC_BUDGET_MAX_US + 1);
        break;
    case 3:
        op->nr = VIREO_SYS_CREATE_PT;
        a[0] = free_sel(m, c, draw, ctx), a[1] = cap_sel(m, c, VIREO_CAP_PD, draw, ctx);
        a[2] = cap_sel(m, c, VIREO_CAP_EC, draw, ctx);
        a[3] = draw(ctx, 1000), a[4] = draw(ctx, 1ull << 20);
        break;
    case 4:
        op->nr = VIREO_SYS_CREATE_SM;
        a[0] = free_sel(m, c, draw, ctx), a[1] = cap_sel(m, c, VIREO_CAP_PD, draw, ctx);
        a[2] = draw(ctx, 4) == 0 ? VIREO_SM_COUNT_MAX + draw(ctx, 2) - 1 : small(draw, ctx, 3);
        break;
    case 5:
    case 6:
    case 7:
    case 8: {
        op->nr = VIREO_SYS_DELEGATE;
        u64 src = cap_sel(m, c, VIREO_CAP_NULL, draw, ctx);
        int n = model_find_cap(m, c, src);
        u32 type = n == M_NONE ? VIREO_CAP_MEM : m->node[n].type;
        a[0] = cap_sel(m, c, VIREO_CAP_PD, draw, ctx);
        int dst_pd = model_find_cap(m, c, a[0]);
        u32 kind = draw(ctx, 32) == 0 ? (u32)draw(ctx, 16) : VIREO_CRD_OBJ;
        a[1] = vireo_crd(kind, mask(draw, ctx, vireo_cap_rights_valid(type)), src);
        if (draw(ctx, 32) == 0)
            a[1] |= 1ull << (4 + draw(ctx, 28)); /* maybe a reserved bit */
        bool mem = type == VIREO_CAP_MEM;
        a[2] = mem || draw(ctx, 8) == 0 ? small(draw, ctx, 4) : 0;
        a[3] = mem || draw(ctx, 8) == 0 ? small(draw, ctx, 4) : 0;
        a[4] = dst_pd != M_NONE && m->node[dst_pd].type == VIREO_CAP_PD
                   ? free_sel(m, m->node[dst_pd].obj, draw, ctx)
                   : sel(draw, ctx);
        break;
    }
    case 9:
    case 10:
    case 11:
        op->nr = VIREO_SYS_DELEGATE;
        a[0] = cap_sel(m, c, VIREO_CAP_PD, draw, ctx);
        a[1] = vireo_crd(VIREO_CRD_MEM, VIREO_MEM_R | mask(draw, ctx, VIREO_MEM_RWX),
                         cap_sel(m, c, VIREO_CAP_MEM, draw, ctx));
        if (draw(ctx, 16) == 0)
            a[1] &= ~((u64)VIREO_MEM_R << VIREO_CRD_RIGHTS_SHIFT);
        a[2] = small(draw, ctx, 4), a[3] = small(draw, ctx, 4);
        a[4] = draw(ctx, 16) == 0 ? edge(draw, ctx) : draw(ctx, MMU_MODEL_PAGES + 8);
        if (draw(ctx, 16) == 0)
            op->fail_map_after = (int)draw(ctx, 3);
        break;
    case 12:
    case 13:
        op->nr = VIREO_SYS_REVOKE;
        a[0] = vireo_crd(VIREO_CRD_OBJ, 0, cap_sel(m, c, VIREO_CAP_NULL, draw, ctx));
        if (draw(ctx, 32) == 0)
            a[0] ^= 1ull << draw(ctx, 32); /* a bad kind, rights or reserved bit */
        a[1] = draw(ctx, 32) == 0 ? edge(draw, ctx) : draw(ctx, 2);
        /* init revoking its own PD or root memory ends the interesting
         * part of a sequence: keep it rare */
        if (c == model_init_pd(m) && a[1] == VIREO_REVOKE_SELF && draw(ctx, 32)) {
            int n = model_find_cap(m, c, vireo_crd_sel(a[0]));
            if (n != M_NONE && m->node[n].parent == M_NONE &&
                (m->node[n].type == VIREO_CAP_MEM || m->node[n].obj == c))
                a[1] = 0;
        }
        break;
    case 14:
        op->nr = draw(ctx, 4) ? VIREO_SYS_SM_CTRL : VIREO_SYS_LOOKUP;
        a[0] = cap_sel(m, c, VIREO_CAP_SM, draw, ctx);
        a[1] = draw(ctx, 16) == 0 ? edge(draw, ctx) : draw(ctx, 2);
        a[2] = draw(ctx, 2) ? VIREO_TIMEOUT_POLL : VIREO_TIMEOUT_NEVER;
        break;
    default:
        op->nr = draw(ctx, 8) == 0 ? edge(draw, ctx) : draw(ctx, VIREO_SYS_COUNT + 2);
        for (int i = 0; i < 6; i++)
            a[i] = draw(ctx, 2) ? edge(draw, ctx) : draw(ctx, 8);
        break;
    }
}
