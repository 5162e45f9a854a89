/*
 * Exhaustive bounded exploration: every sequence of operations from a fixed
 * list of ACTIONS (creating, delegating, mapping, revoking, invalid calls,
 * by init and by a child PD) up to depth FULL_DEPTH, and then, merging
 * sequences that reach a byte-identical state, every distinct state
 * reachable within PRUNED_DEPTH steps. Every invariant is checked after
 * every step (harness.h); each leaf also revokes everything and checks the
 * pool is back where it started. VIREO_EXPLORE_FULL_DEPTH and
 * VIREO_EXPLORE_PRUNED_DEPTH override the depths.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <vireo/syscall.h>

#include "harness.h"

#define POOL_BLOCKS 14
#define MAX_DEPTH   12

enum caller { INIT, CHILD /* the PD at init's selector 2 */ };

struct action {
    enum caller caller;
    u64 nr;
    u64 args[6];
};

#define OBJ(rights, sel) VIREO_CRD(VIREO_CRD_OBJ, (rights), (sel))
#define MEM(rights, sel) VIREO_CRD(VIREO_CRD_MEM, (rights), (sel))
#define DEL              VIREO_RIGHT_DELEGATE

static const struct action actions[] = {
    {.caller = INIT, .nr = VIREO_SYS_CREATE_PD, .args = {2, 0, 3, 0}},
    {.caller = INIT, .nr = VIREO_SYS_CREATE_PD, .args = {3, 0, 1, VIREO_PD_VM}},
    {.caller = INIT, .nr = VIREO_SYS_CREATE_SM, .args = {4, 0, 1}},
    {.caller = INIT, .nr = VIREO_SYS_CREATE_EC, .args = {5, 2, 1, 0x1000, 0x2000, 0}},
    {.caller = INIT, .nr = VIREO_SYS_CREATE_PT, .args = {6, 0, 5, 7, 0}},
    {.caller = INIT, .nr = VIREO_SYS_CREATE_SC, .args = {7, 0, 5, 1, 100}},
    {.caller = INIT,
     .nr = VIREO_SYS_DELEGATE,
     .args = {2, OBJ(VIREO_PD_CREATE | VIREO_PD_DELEGATE_INTO | DEL, 2), 0, 0, 0}},
    {.caller = INIT, .nr = VIREO_SYS_DELEGATE, .args = {2, OBJ(VIREO_SM_UP | DEL, 4), 0, 0, 1}},
    {.caller = INIT, .nr = VIREO_SYS_DELEGATE, .args = {2, OBJ(VIREO_MEM_RWX | DEL, 1), 1, 1, 2}},
    {.caller = INIT,
     .nr = VIREO_SYS_DELEGATE,
     .args = {2, MEM(VIREO_MEM_R | VIREO_MEM_W, 1), 0, 2, 0}},
    {.caller = INIT, .nr = VIREO_SYS_DELEGATE, .args = {3, MEM(VIREO_MEM_RWX, 1), 0, 1, 4}},
    {.caller = INIT,
     .nr = VIREO_SYS_DELEGATE,
     .args = {0, OBJ(VIREO_PD_DELEGATE_INTO, 0), 0, 0, 8}},
    {.caller = CHILD, .nr = VIREO_SYS_DELEGATE, .args = {0, MEM(VIREO_MEM_R, 2), 0, 1, 5}},
    {.caller = CHILD, .nr = VIREO_SYS_DELEGATE, .args = {0, OBJ(VIREO_SM_UP, 1), 0, 0, 3}},
    {.caller = CHILD, .nr = VIREO_SYS_DELEGATE, .args = {0, OBJ(VIREO_SM_DOWN | DEL, 1), 0, 0, 3}},
    {.caller = CHILD, .nr = VIREO_SYS_CREATE_SM, .args = {4, 0, 0}},
    {.caller = CHILD, .nr = VIREO_SYS_SM_CTRL, .args = {1, VIREO_SM_OP_UP, 0}},
    {.caller = CHILD, .nr = VIREO_SYS_SM_CTRL, .args = {1, VIREO_SM_OP_DOWN, 0}},
    {.caller = INIT, .nr = VIREO_SYS_SM_CTRL, .args = {4, VIREO_SM_OP_DOWN, 0}},
    {.caller = INIT, .nr = VIREO_SYS_REVOKE, .args = {OBJ(0, 2), VIREO_REVOKE_SELF}},
    {.caller = INIT, .nr = VIREO_SYS_REVOKE, .args = {OBJ(0, 1), 0}},
    {.caller = INIT, .nr = VIREO_SYS_REVOKE, .args = {OBJ(0, 4), 0}},
    {.caller = INIT, .nr = VIREO_SYS_REVOKE, .args = {OBJ(0, 5), VIREO_REVOKE_SELF}},
    {.caller = INIT, .nr = VIREO_SYS_REVOKE, .args = {OBJ(0, 3), VIREO_REVOKE_SELF}},
    {.caller = CHILD, .nr = VIREO_SYS_REVOKE, .args = {OBJ(0, 0), VIREO_REVOKE_SELF}},
    /* invalid: undefined rights, not a PD, over quota, outside the cap,
     * a vCPU outside a VM */
    {.caller = INIT, .nr = VIREO_SYS_DELEGATE, .args = {2, OBJ(0xff, 4), 0, 0, 9}},
    {.caller = INIT, .nr = VIREO_SYS_DELEGATE, .args = {4, OBJ(DEL, 1), 0, 1, 0}},
    {.caller = INIT, .nr = VIREO_SYS_CREATE_PD, .args = {9, 0, 100, 0}},
    {.caller = INIT, .nr = VIREO_SYS_DELEGATE, .args = {2, MEM(VIREO_MEM_R, 1), 1, 2, 8}},
    {.caller = CHILD, .nr = VIREO_SYS_CREATE_EC, .args = {6, 0, 0, 0, 0, VIREO_EC_VCPU}},
};
#define ACTION_COUNT (sizeof(actions) / sizeof(actions[0]))

static const u64 ranges[1][2] = {{0x100, 2}};

static struct harness h;
static u8 *snapshots; /* one per depth */
static u64 snapshot_size;
static u64 steps, leaves, skipped_no_caller, merged, distinct;

/* Visited states: hash -> smallest depth seen (open addressing). */
#define VISITED_BITS 22
static u64 *visited_hash;
static u8 *visited_depth;

static bool visit(u64 hash, int depth)
{
    if (!hash)
        hash = 1;
    for (u64 i = hash & ((1ull << VISITED_BITS) - 1);; i = (i + 1) & ((1ull << VISITED_BITS) - 1)) {
        if (visited_hash[i] == 0) {
            if (distinct + 1 >= (1ull << VISITED_BITS) * 3 / 4)
                return true; /* table full: explore without merging */
            visited_hash[i] = hash;
            visited_depth[i] = (u8)depth;
            distinct++;
            return true;
        }
        if (visited_hash[i] == hash) {
            if (visited_depth[i] <= depth)
                return false;
            visited_depth[i] = (u8)depth;
            return true;
        }
    }
}

static int caller_of(enum caller c)
{
    const struct model *m = &h.st.m;
    int init = model_init_pd(m);
    if (!m->obj[init].exists)
        return -1;
    if (c == INIT)
        return init;
    int n = model_find_cap(m, init, 2);
    if (n == M_NONE || m->node[n].type != VIREO_CAP_PD)
        return -1;
    return m->node[n].obj;
}

static bool fail_report(void)
{
    fprintf(stderr, "FAIL: %s\n", h.failure);
    return false;
}

/* Every action from the state saved at `depth`. */
static bool explore(int depth, int max_depth, bool prune)
{
    for (u64 a = 0; a < ACTION_COUNT; a++) {
        harness_restore(&h, snapshots + (u64)depth * snapshot_size);
        int caller = caller_of(actions[a].caller);
        if (caller < 0) {
            skipped_no_caller++;
            continue;
        }
        struct op op = {.caller = caller, .nr = actions[a].nr, .fail_map_after = -1};
        memcpy(op.args, actions[a].args, sizeof(op.args));
        steps++;
        if (!harness_step(&h, &op))
            return fail_report();
        if (prune && !visit(harness_hash(&h), depth + 1)) {
            merged++;
            continue;
        }
        if (depth + 1 < max_depth) {
            harness_save(&h, snapshots + (u64)(depth + 1) * snapshot_size);
            if (!explore(depth + 1, max_depth, prune))
                return false;
        } else {
            leaves++;
            if (!harness_revoke_all(&h))
                return fail_report();
        }
    }
    return true;
}

static int env_int(const char *name, int fallback)
{
    const char *value = getenv(name);
    return value && *value ? atoi(value) : fallback;
}

int main(void)
{
    int full_depth = env_int("VIREO_EXPLORE_FULL_DEPTH", 4);
    int pruned_depth = env_int("VIREO_EXPLORE_PRUNED_DEPTH", 6);
    if (full_depth < 1 || full_depth > MAX_DEPTH || pruned_depth < 1 || pruned_depth > MAX_DEPTH) {
        fprintf(stderr, "depths must be 1..%d\n", MAX_DEPTH);
        return 2;
    }
    harness_init(&h, POOL_BLOCKS, ranges, 1);
    snapshot_size = (harness_snapshot_size(&h) + 63) & ~63ull;
    snapshots = aligned_alloc(64, snapshot_size * (MAX_DEPTH + 1));
    visited_hash = calloc(1ull << VISITED_BITS, sizeof(u64));
    visited_depth = calloc(1ull << VISITED_BITS, 1);
    if (!snapshots || !visited_hash || !visited_depth)
        return 2;
    harness_save(&h, snapshots);

    clock_t start = clock();
    if (!explore(0, full_depth, false))
        return 1;
    double full_s = (double)(clock() - start) / CLOCKS_PER_SEC;
    printf("exhaustive: %zu actions, every sequence to depth %d: %llu sequences, %llu steps "
           "(%llu not applicable), %.1f s\n",
           ACTION_COUNT, full_depth, (unsigned long long)leaves, (unsigned long long)steps,
           (unsigned long long)skipped_no_caller, full_s);

    u64 full_steps = steps;
    leaves = steps = skipped_no_caller = 0;
    start = clock();
    visit(harness_hash(&h), 0);
    if (!explore(0, pruned_depth, true))
        return 1;
    double pruned_s = (double)(clock() - start) / CLOCKS_PER_SEC;
    printf("exhaustive: every distinct state to depth %d: %llu distinct states, %llu steps, "
           "%llu merged into a state seen before, %llu leaves, %.1f s\n",
           pruned_depth, (unsigned long long)distinct, (unsigned long long)steps,
           (unsigned long long)merged, (unsigned long long)leaves, pruned_s);
    printf("exhaustive: %llu steps checked in all, %llu of them invalid calls that changed "
           "nothing\n",
           (unsigned long long)(full_steps + steps), (unsigned long long)h.errors);
    return 0;
}
