/* The loader's one-line reasons: every refusal says what and why. */
#ifndef VIREO_VMM_MB1_WHY_H
#define VIREO_VMM_MB1_WHY_H

#include <vireo/types.h>

/* A reason buffer: text of at most size - 1 bytes; buf may be NULL if
 * size is 0. */
struct mb1_why {
    char *buf;
    size_t size;
};

/* Writes the reason (printf-style, no trailing newline) and returns false,
 * so that a check reads `return mb1_fail(why, "...", ...);`. */
bool mb1_fail(const struct mb1_why *why, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Empties the reason, so that success leaves "" behind. */
static inline void mb1_why_clear(const struct mb1_why *why)
{
    if (why && why->buf && why->size)
        why->buf[0] = '\0';
}

#define MB1_ULL(x) ((unsigned long long)(x))

#endif
