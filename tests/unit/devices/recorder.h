/* A dev_sink that records what the models report, for the device tests. */
#ifndef TESTS_UNIT_DEVICES_RECORDER_H
#define TESTS_UNIT_DEVICES_RECORDER_H

#include <string.h>

#include <vireo/devproto.h>

#include "dev.h"

struct recorder {
    struct dev_sink sink;
    u16 line[64];
    u32 kind[64];
    unsigned lines;
    unsigned stops;
    u64 status;
    u8 tx[256];
    unsigned txn;
};

static inline void rec_line(void *ctx, u16 line, u32 kind)
{
    struct recorder *r = ctx;
    if (r->lines < 64) {
        r->line[r->lines] = line;
        r->kind[r->lines] = kind;
    }
    r->lines++;
}

static inline void rec_stop(void *ctx, u64 status)
{
    struct recorder *r = ctx;
    r->stops++;
    r->status = status;
}

static inline void rec_tx(void *ctx, u8 byte)
{
    struct recorder *r = ctx;
    if (r->txn < sizeof(r->tx))
        r->tx[r->txn] = byte;
    r->txn++;
}

static inline void recorder_init(struct recorder *r)
{
    memset(r, 0, sizeof(*r));
    r->sink = (struct dev_sink){.line = rec_line, .stop = rec_stop, .ctx = r};
}

/* The level the last line event reported (false if none). */
static inline bool rec_level(const struct recorder *r)
{
    return r->lines && r->kind[(r->lines - 1) % 64] == VIREO_LINE_HIGH;
}

#endif
