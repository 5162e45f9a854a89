/*
 * printf-style formatting shared by loader, kernel and servers.
 * Supports %d %i %u %x %X %o %c %s %p %%, flags '-', '0', '#', ' ', '+',
 * width and precision (also '*'), and length modifiers hh h l ll z j t.
 * No floating point.
 */
#ifndef VIREO_LIB_FORMAT_H
#define VIREO_LIB_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

/* Called for each run of output characters. */
typedef void (*format_sink)(void *ctx, const char *s, size_t n);

/* Formats into sink; returns the number of characters produced. */
size_t vformat(format_sink sink, void *ctx, const char *fmt, va_list ap);

/* snprintf semantics: always NUL-terminates when size > 0 and returns the
 * length the full output would have had. */
size_t vsnformat(char *buf, size_t size, const char *fmt, va_list ap);
size_t snformat(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
