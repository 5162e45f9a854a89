/*
 * Turns a stream of choices into syscalls over the small universe the
 * invariant tests explore: the PDs that exist, selectors 0..GEN_SELECTORS-1, pages
 * 0..40, small quotas and counts, with now and then a value from the edges
 * (selector 1024, ~0, reserved bits, unknown syscall numbers). The random
 * test draws the choices from a seeded generator, the fuzzer from its input.
 */
#ifndef TESTS_INVARIANTS_GEN_H
#define TESTS_INVARIANTS_GEN_H

#include "harness.h"

/* Returns a value in [0, bound). */
typedef u64 (*gen_draw_fn)(void *ctx, u64 bound);

void gen_op(const struct model *m, gen_draw_fn draw, void *ctx, struct op *op);

/* A small, fast, seeded generator (xorshift64*) for gen_draw_fn. */
struct gen_rng {
    u64 state;
};
void gen_rng_seed(struct gen_rng *rng, u64 seed);
u64 gen_rng_draw(void *rng, u64 bound);

/* The universe every test starts from: user frames {frame, pages}. */
#define GEN_POOL_BLOCKS 40
#define GEN_SELECTORS   12
extern const u64 gen_ranges[2][2];

#endif
