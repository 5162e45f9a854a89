/* lib/string.c against the host's libc: every alignment, length and
 * overlap for the copies, plus the other functions on random data. The
 * library's symbols are renamed vireo_* for this build (CMakeLists.txt). */
#include "check.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void *vireo_memcpy(void *dst, const void *src, size_t n);
void *vireo_memmove(void *dst, const void *src, size_t n);
void *vireo_memset(void *dst, int c, size_t n);
int vireo_memcmp(const void *a, const void *b, size_t n);
void *vireo_memchr(const void *s, int c, size_t n);
size_t vireo_strlen(const char *s);
size_t vireo_strnlen(const char *s, size_t max);
int vireo_strcmp(const char *a, const char *b);
int vireo_strncmp(const char *a, const char *b, size_t n);
char *vireo_strchr(const char *s, int c);
char *vireo_strrchr(const char *s, int c);
unsigned long vireo_strtoul(const char *s, char **end, int base);

enum { SIZE = 256 };
static unsigned char ours[SIZE], theirs[SIZE];

static int sign(int v)
{
    return (v > 0) - (v < 0);
}

static void fill(unsigned seed)
{
    srand(seed);
    for (int i = 0; i < SIZE; i++)
        ours[i] = theirs[i] = (unsigned char)rand();
}

int main(void)
{
    /* Copies: every source and destination offset in a word and beyond,
     * lengths 0..80, overlapping both ways (memmove) or not (memcpy). */
    unsigned bad = 0;
    for (unsigned src = 0; src < 24; src++) {
        for (unsigned dst = 0; dst < 24; dst++) {
            for (unsigned n = 0; n <= 80; n++) {
                fill(src * 10007 + dst * 101 + n);
                vireo_memmove(ours + dst, ours + src, n);
                memmove(theirs + dst, theirs + src, n);
                bad += memcmp(ours, theirs, SIZE) != 0;
                fill(n);
                vireo_memcpy(ours + 128 + dst, ours + src, n);
                memcpy(theirs + 128 + dst, theirs + src, n);
                bad += memcmp(ours, theirs, SIZE) != 0;
            }
        }
    }
    CHECK_EQ_U64(bad, 0);
    CHECK(vireo_memcpy(ours, theirs, 0) == ours);
    CHECK(vireo_memmove(ours + 3, ours, 9) == ours + 3);

    for (unsigned n = 0; n <= 80; n++) {
        fill(n);
        vireo_memset(ours + n % 9, (int)(0x100 + n), n); /* only the low byte counts */
        memset(theirs + n % 9, (int)(0x100 + n), n);
        CHECK(memcmp(ours, theirs, SIZE) == 0);
    }

    /* Comparisons and searches on random short strings. */
    srand(7);
    for (int t = 0; t < 20000; t++) {
        char a[16], b[16];
        for (int i = 0; i < 15; i++) {
            a[i] = (char)('a' + rand() % 3);
            b[i] = (char)('a' + rand() % 3);
        }
        a[rand() % 16 == 0 ? 0 : rand() % 15] = 0;
        b[15] = a[15] = 0;
        size_t n = (size_t)(rand() % 17);
        int c = 'a' + rand() % 4;
        CHECK(sign(vireo_memcmp(a, b, n % 16)) == sign(memcmp(a, b, n % 16)));
        CHECK(sign(vireo_strcmp(a, b)) == sign(strcmp(a, b)));
        CHECK(sign(vireo_strncmp(a, b, n)) == sign(strncmp(a, b, n)));
        CHECK(vireo_strlen(a) == strlen(a));
        CHECK(vireo_strnlen(a, n) == strnlen(a, n));
        CHECK(vireo_strchr(a, c) == strchr(a, c));
        CHECK(vireo_strrchr(a, c) == strrchr(a, c));
        CHECK(vireo_strchr(a, 0) == strchr(a, 0));
        CHECK(vireo_memchr(a, c, n % 16) == memchr(a, c, n % 16));
    }

    /* strtoul: bases, prefixes, stops, saturation. */
    static const char *const nums[] = {"0",
                                       "42",
                                       "0x1f",
                                       "0X1F",
                                       "017",
                                       "  12z",
                                       "+7",
                                       "0x",
                                       "xyz",
                                       "",
                                       "ff",
                                       "-1",
                                       "077",
                                       "1010",
                                       "z",
                                       "18446744073709551615",
                                       "99999999999999999999"};
    static const int bases[] = {0, 2, 8, 10, 16, 36};
    for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
        for (size_t k = 0; k < sizeof(bases) / sizeof(bases[0]); k++) {
            if (nums[i][0] == '-')
                continue; /* ours does not accept a sign: not needed by its users */
            char *e1, *e2;
            unsigned long v1 = vireo_strtoul(nums[i], &e1, bases[k]);
            unsigned long v2 = strtoul(nums[i], &e2, bases[k]);
            CHECK_EQ_U64(v1, v2);
            CHECK(e1 == e2);
        }
    }
    return check_report("lib_string");
}
