/*
 * The real object layer and the reference model side by side. Every step
 * runs one syscall on both, compares status and result, and checks every
 * invariant (checker.h). Tests (exhaustive, random) and the fuzzer drive
 * this; a snapshot of the whole state lets exploration backtrack.
 */
#ifndef TESTS_INVARIANTS_HARNESS_H
#define TESTS_INVARIANTS_HARNESS_H

#include "mmu_model.h"
#include "model.h"
#include "obj.h"

#define H_MAX_BLOCKS 64
#define H_MEM_BYTES  (H_MAX_BLOCKS * (OBJ_BLOCK_SIZE + 1) + 64)
#define H_RANGES     2

struct op {
    int caller; /* model index of an existing PD */
    u64 nr;
    u64 args[6];
    int fail_map_after;     /* inject: map_page fails after this many, -1: off */
    bool fail_space_create; /* inject: space_create fails */
};

/* Everything a step can change: the real layer, its platform model and
 * the reference model. Saved and restored as a whole. */
struct harness_state {
    struct obj_kernel k;
    struct mmu_model mmu;
    struct model m;
    _Alignas(64) u8 mem[H_MEM_BYTES];
};

struct harness {
    struct harness_state st;
    u64 pool_blocks;
    u64 mem_bytes;
    u64 steps, errors; /* steps run, of them expected errors */
    char failure[1024];
};

/* Up to H_MAX_BLOCKS blocks; user frames from `ranges` ({frame, pages}). */
void harness_init(struct harness *h, u64 pool_blocks, const u64 (*ranges)[2], u32 range_count);
/* Runs one step; false (with h->failure set) on any mismatch or violation. */
bool harness_step(struct harness *h, const struct op *op);
/* Revokes everything init handed out, then checks that the pool and init's
 * quota are where they started and nothing is mapped. */
bool harness_revoke_all(struct harness *h);

/* Snapshots: `size` bytes of the state (the pool only as far as used). */
u64 harness_snapshot_size(const struct harness *h);
void harness_save(const struct harness *h, void *snapshot);
void harness_restore(struct harness *h, const void *snapshot);
u64 harness_hash(const struct harness *h);

/* A human-readable line for an op (for failure reports). */
void op_describe(const struct op *op, char *buf, u64 len);

#endif
