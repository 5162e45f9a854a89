/*
 * Seeded random syscall sequences against the reference model. Each
 * sequence starts from a fresh kernel (init alone), runs SEQUENCE_LENGTH
 * generated syscalls with every invariant checked after each, then revokes
 * everything and checks that the pool and init's quota are back where they
 * started. VIREO_INVARIANT_OPS (default 2000000) sets the total number of
 * operations, VIREO_INVARIANT_SEED (default 1) the seed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <vireo/syscall.h>

#include "gen.h"
#include "harness.h"

#define SEQUENCE_LENGTH 200

static u64 env_u64(const char *name, u64 fallback)
{
    const char *value = getenv(name);
    return value && *value ? strtoull(value, NULL, 0) : fallback;
}

int main(void)
{
    static struct harness h;
    static _Alignas(64) u8 initial[sizeof(struct harness_state)];
    u64 total = env_u64("VIREO_INVARIANT_OPS", 2000000);
    u64 seed = env_u64("VIREO_INVARIANT_SEED", 1);
    u64 ok_by_nr[VIREO_SYS_COUNT] = {0};
    clock_t start = clock();

    harness_init(&h, GEN_POOL_BLOCKS, gen_ranges, 2);
    harness_save(&h, initial);
    struct gen_rng rng;
    gen_rng_seed(&rng, seed);

    u64 sequences = 0, max_objects = 0;
    while (h.steps < total) {
        harness_restore(&h, initial);
        sequences++;
        for (int i = 0; i < SEQUENCE_LENGTH; i++) {
            struct op op;
            gen_op(&h.st.m, gen_rng_draw, &rng, &op);
            u64 errors = h.errors;
            if (getenv("VIREO_INVARIANT_STATS")) { /* tuning aid: statuses per syscall */
                static u64 hist[VIREO_SYS_COUNT][VIREO_STATUS_COUNT];
                u64 r;
                int cr;
                struct model copy = h.st.m;
                enum vireo_status s = model_syscall(&copy, op.caller, op.nr, op.args, &r, &cr);
                if (op.nr < VIREO_SYS_COUNT)
                    hist[op.nr][s]++;
                if (h.steps + 1 == total)
                    for (int a = 0; a < VIREO_SYS_COUNT; a++)
                        for (int b = 0; b < VIREO_STATUS_COUNT; b++)
                            if (hist[a][b])
                                printf("nr %d status %d: %llu\n", a, b,
                                       (unsigned long long)hist[a][b]);
            }
            if (!harness_step(&h, &op)) {
                fprintf(stderr, "FAIL (seed %llu, sequence %llu): %s\n", (unsigned long long)seed,
                        (unsigned long long)sequences, h.failure);
                return 1;
            }
            if (h.errors == errors && op.nr < VIREO_SYS_COUNT)
                ok_by_nr[op.nr]++;
            u64 objects = h.pool_blocks - h.st.k.pool.free_count;
            max_objects = objects > max_objects ? objects : max_objects;
        }
        if (!harness_revoke_all(&h)) {
            fprintf(stderr, "FAIL (seed %llu, sequence %llu): %s\n", (unsigned long long)seed,
                    (unsigned long long)sequences, h.failure);
            return 1;
        }
    }
    double seconds = (double)(clock() - start) / CLOCKS_PER_SEC;
    printf("random: seed %llu, %llu sequences, %llu operations (%llu rejected with an error, "
           "state unchanged), peak %llu of %llu pool blocks, %.1f s\n",
           (unsigned long long)seed, (unsigned long long)sequences, (unsigned long long)h.steps,
           (unsigned long long)h.errors, (unsigned long long)max_objects,
           (unsigned long long)h.pool_blocks, seconds);
    printf("random: successful calls: create_pd %llu, create_ec %llu, create_sc %llu, "
           "create_pt %llu, create_sm %llu, delegate %llu, revoke %llu, lookup %llu, "
           "sm_ctrl %llu\n",
           (unsigned long long)ok_by_nr[VIREO_SYS_CREATE_PD],
           (unsigned long long)ok_by_nr[VIREO_SYS_CREATE_EC],
           (unsigned long long)ok_by_nr[VIREO_SYS_CREATE_SC],
           (unsigned long long)ok_by_nr[VIREO_SYS_CREATE_PT],
           (unsigned long long)ok_by_nr[VIREO_SYS_CREATE_SM],
           (unsigned long long)ok_by_nr[VIREO_SYS_DELEGATE],
           (unsigned long long)ok_by_nr[VIREO_SYS_REVOKE],
           (unsigned long long)ok_by_nr[VIREO_SYS_LOOKUP],
           (unsigned long long)ok_by_nr[VIREO_SYS_SM_CTRL]);
    return 0;
}
