/* libFuzzer target over obj_syscall (see fuzz_syscalls.h). */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz_syscalls.h"
#include "gen.h"
#include "harness.h"

#define MAX_OPS_PER_INPUT 400

struct byte_stream {
    const uint8_t *data;
    size_t size, at;
};

/* Choices come from the input: one byte for small bounds, more for larger
 * ones; an exhausted input reads as zeros. */
static u64 draw_bytes(void *ctx, u64 bound)
{
    struct byte_stream *s = ctx;
    u64 value = 0;
    for (u64 b = bound - 1; b; b >>= 8) {
        value = value << 8 | (s->at < s->size ? s->data[s->at] : 0);
        s->at++;
    }
    return bound ? value % bound : 0;
}

static void die(const struct harness *h)
{
    fprintf(stderr, "invariant violated: %s\n", h->failure);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct harness h;
    static _Alignas(64) u8 initial[sizeof(struct harness_state)];
    static bool ready;
    if (!ready) {
        harness_init(&h, GEN_POOL_BLOCKS, gen_ranges, 2);
        harness_save(&h, initial);
        ready = true;
    }
    harness_restore(&h, initial);
    struct byte_stream s = {data, size, 0};
    for (int i = 0; i < MAX_OPS_PER_INPUT && s.at < s.size; i++) {
        struct op op;
        gen_op(&h.st.m, draw_bytes, &s, &op);
        if (!harness_step(&h, &op))
            die(&h);
    }
    if (!harness_revoke_all(&h))
        die(&h);
    return 0;
}
