/* Checks a bit-field table (abi/vireo/bitfield.h): every field inside 64
 * bits and no two fields overlapping. */
#ifndef TESTS_UNIT_VMX_LAYOUT_CHECK_H
#define TESTS_UNIT_VMX_LAYOUT_CHECK_H

#include <stddef.h>
#include <vireo/bitfield.h>

#include "check.h"

struct field_desc {
    const char *name;
    unsigned shift, width;
};
#define LAYOUT_DESC_(p, name, sh, w) {#name, sh, w},
#define FLAG_DESC_(p, name, bit)     {#name, bit, 1},

static inline void check_fields(const char *what, const struct field_desc *d, size_t n)
{
    u64 seen = 0;
    for (size_t i = 0; i < n; i++) {
        bool inside = d[i].width >= 1 && d[i].shift + d[i].width <= 64;
        if (!inside) {
            fprintf(stderr, "%s.%s: outside 64 bits\n", what, d[i].name);
            CHECK(inside);
            continue;
        }
        u64 mask = VIREO_FIELD_PUT(~0ull, d[i].shift, d[i].width);
        if (seen & mask)
            fprintf(stderr, "%s.%s: overlaps an earlier field\n", what, d[i].name);
        CHECK((seen & mask) == 0);
        seen |= mask;
    }
}

#define CHECK_LAYOUT(TABLE)                                                                        \
    do {                                                                                           \
        static const struct field_desc d_[] = {TABLE(LAYOUT_DESC_, x)};                            \
        check_fields(#TABLE, d_, sizeof(d_) / sizeof(d_[0]));                                      \
    } while (0)
#define CHECK_FLAGS(TABLE)                                                                         \
    do {                                                                                           \
        static const struct field_desc d_[] = {TABLE(FLAG_DESC_, x)};                              \
        check_fields(#TABLE, d_, sizeof(d_) / sizeof(d_[0]));                                      \
    } while (0)

#endif
