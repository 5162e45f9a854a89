/*
 * Bit-field layouts from X-macro tables, so that every hardware or ABI
 * format is written down once, as (name, shift, width) rows, and every
 * accessor is derived from those rows.
 *
 *   #define FOO_LAYOUT(X, p) X(p, VECTOR, 0, 8) X(p, VALID, 31, 1)
 *   VIREO_LAYOUT(FOO, FOO_LAYOUT);      -> FOO_VECTOR_SHIFT, FOO_VECTOR_WIDTH, ...
 *   VIREO_GET(FOO, VECTOR, v)           -> bits 7:0 of v
 *   VIREO_PUT(FOO, VALID, 1)            -> 1 << 31 (as u64)
 *   VIREO_MASK(FOO, VECTOR)             -> 0xff
 *
 * Single-bit lists (control bits) use flag tables X(p, NAME, bit):
 *   VIREO_FLAGS(BAR, BAR_FLAGS);        -> BAR_NAME_BIT
 *   VIREO_BIT(BAR, NAME)                -> 1ull << bit
 *   VIREO_FLAG(BAR, NAME, v)            -> that bit of v, 0 or 1
 */
#ifndef VIREO_ABI_BITFIELD_H
#define VIREO_ABI_BITFIELD_H

#include <vireo/types.h>

#define VIREO_FIELD_MASK(width)       ((width) >= 64 ? ~0ull : ((1ull << (width)) - 1))
#define VIREO_FIELD_GET(v, sh, width) (((u64)(v) >> (sh)) & VIREO_FIELD_MASK(width))
#define VIREO_FIELD_PUT(x, sh, width) (((u64)(x)&VIREO_FIELD_MASK(width)) << (sh))

#define VIREO_LAYOUT_ENUM_(p, name, sh, width)                                                     \
    p##_##name##_SHIFT = (sh), p##_##name##_WIDTH = (width),
#define VIREO_LAYOUT(p, TABLE) enum { TABLE(VIREO_LAYOUT_ENUM_, p) p##_LAYOUT_END_ }

#define VIREO_GET(p, name, v) VIREO_FIELD_GET(v, p##_##name##_SHIFT, p##_##name##_WIDTH)
#define VIREO_PUT(p, name, x) VIREO_FIELD_PUT(x, p##_##name##_SHIFT, p##_##name##_WIDTH)
#define VIREO_MASK(p, name)   VIREO_FIELD_PUT(~0ull, p##_##name##_SHIFT, p##_##name##_WIDTH)
/* v with field name replaced by x. */
#define VIREO_SET(p, name, v, x) (((u64)(v) & ~VIREO_MASK(p, name)) | VIREO_PUT(p, name, x))

#define VIREO_FLAGS_ENUM_(p, name, bit) p##_##name##_BIT = (bit),
#define VIREO_FLAGS(p, TABLE)           enum { TABLE(VIREO_FLAGS_ENUM_, p) p##_FLAGS_END_ }
#define VIREO_BIT(p, name)              (1ull << p##_##name##_BIT)
/* Flag name of v as 0 or 1. */
#define VIREO_FLAG(p, name, v) (((u64)(v) >> p##_##name##_BIT) & 1u)

/* The OR of every flag in a flag table (for "reserved bits" checks). */
#define VIREO_FLAGS_OR_(p, name, bit) | (1ull << (bit))
#define VIREO_FLAGS_ALL(p, TABLE)     (0ull TABLE(VIREO_FLAGS_OR_, p))
/* The OR of every field in a layout table. */
#define VIREO_LAYOUT_OR_(p, name, sh, width) | VIREO_FIELD_PUT(~0ull, sh, width)
#define VIREO_LAYOUT_ALL(p, TABLE)           (0ull TABLE(VIREO_LAYOUT_OR_, p))

#endif
