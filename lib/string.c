/* Freestanding string functions: the ones the compiler may emit calls to
 * (memcpy, memset, memmove, memcmp) and the ones libfdt and Zydis use. */
#include <string.h>
#include <stdlib.h>
#include <stdbool.h>
#include <stdint.h>

/* Copies go a word at a time when both ends share their alignment within a
 * word (IPC moves UTCB messages this way); the tree builds with
 * -fno-strict-aliasing, so the word accesses are well defined. */
typedef uint64_t word_t;
#define WORD sizeof(word_t)

static bool word_aligned(const void *a, const void *b)
{
    return (((uintptr_t)a | (uintptr_t)b) % WORD) == 0;
}

static void copy_forward(unsigned char *d, const unsigned char *s, size_t n)
{
    if (word_aligned(d, s)) {
        for (; n >= WORD; n -= WORD, d += WORD, s += WORD)
            *(word_t *)d = *(const word_t *)s;
    }
    while (n--)
        *d++ = *s++;
}

static void copy_backward(unsigned char *d, const unsigned char *s, size_t n)
{
    if (word_aligned(d + n, s + n)) {
        for (; n >= WORD; n -= WORD)
            *(word_t *)(d + n - WORD) = *(const word_t *)(s + n - WORD);
    }
    while (n--)
        d[n] = s[n];
}

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
    copy_forward(dst, src, n);
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (d <= s || d >= s + n)
        copy_forward(d, s, n);
    else
        copy_backward(d, s, n);
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    /* A word at a time once aligned: every VM exit clears a message. */
    unsigned char *d = dst;
    for (; n && (uintptr_t)d % WORD; n--)
        *d++ = (unsigned char)c;
    word_t pattern = (word_t)0x0101010101010101ull * (unsigned char)c;
    for (; n >= WORD; n -= WORD, d += WORD)
        *(word_t *)d = pattern;
    while (n--)
        *d++ = (unsigned char)c;
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    for (; n; n--, x++, y++) {
        if (*x != *y)
            return *x - *y;
    }
    return 0;
}

void *memchr(const void *s, int c, size_t n)
{
    const unsigned char *p = s;
    for (; n; n--, p++) {
        if (*p == (unsigned char)c)
            return (void *)p;
    }
    return NULL;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b)
            return (unsigned char)*a - (unsigned char)*b;
        if (!*a)
            break;
    }
    return 0;
}

char *strchr(const char *s, int c)
{
    for (;; s++) {
        if (*s == (char)c)
            return (char *)s;
        if (!*s)
            return NULL;
    }
}

char *strrchr(const char *s, int c)
{
    const char *last = NULL;
    for (;; s++) {
        if (*s == (char)c)
            last = s;
        if (!*s)
            return (char *)last;
    }
}

static int digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'Z')
        return c - 'A' + 10;
    return 99;
}

unsigned long strtoul(const char *s, char **end, int base)
{
    const char *p = s;
    unsigned long v = 0;
    int any = 0;
    while (*p == ' ' || *p == '\t' || *p == '\n')
        p++;
    if (*p == '+')
        p++;
    if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
        digit_value(p[2]) < 16) {
        p += 2;
        base = 16;
    } else if (base == 0) {
        base = (p[0] == '0') ? 8 : 10;
    }
    for (;; p++) {
        int d = digit_value(*p);
        if (d >= base)
            break;
        unsigned long next = v * (unsigned long)base + (unsigned long)d;
        v = (next / (unsigned long)base == v) ? next : ~0ul; /* saturate */
        any = 1;
    }
    if (end)
        *end = (char *)(any ? p : s);
    return v;
}
