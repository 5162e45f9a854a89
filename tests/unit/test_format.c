/* lib/format.c against the host's snprintf for the same format and value. */
#include "check.h"
#include <vireo/format.h>
#include <stdio.h>
#include <string.h>
#include <stdint.h>

#define SAME(...)                                                                                  \
    do {                                                                                           \
        char ours[256], host[256];                                                                 \
        size_t n1 = snformat(ours, sizeof(ours), __VA_ARGS__);                                     \
        int n2 = snprintf(host, sizeof(host), __VA_ARGS__);                                        \
        CHECK(n1 == (size_t)n2);                                                                   \
        if (strcmp(ours, host) != 0) {                                                             \
            fprintf(stderr, "format %s: ours '%s' host '%s'\n", #__VA_ARGS__, ours, host);         \
            check_failed++;                                                                        \
        } else {                                                                                   \
            check_passed++;                                                                        \
        }                                                                                          \
    } while (0)

int main(void)
{
    static const long long ints[] = {0,
                                     1,
                                     -1,
                                     7,
                                     42,
                                     -42,
                                     255,
                                     65535,
                                     2147483647LL,
                                     -2147483647LL - 1,
                                     1LL << 40,
                                     -(1LL << 40),
                                     9223372036854775807LL,
                                     -9223372036854775807LL - 1};
    static const char *const int_formats[] = {"%lld",  "%5lld",  "%-5lld|", "%05lld",   "%+lld",
                                              "% lld", "%.3lld", "%8.3lld", "%-+8lld|", "%.0lld"};
    static const char *const uns_formats[] = {"%llu",     "%llx",   "%llX",    "%#llx",
                                              "%#llo",    "%llo",   "%016llx", "%#018llx",
                                              "%-10llx|", "%.0llx", "%#.0llo", "%5.3llx"};
    for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
        for (size_t f = 0; f < sizeof(int_formats) / sizeof(int_formats[0]); f++)
            SAME(int_formats[f], ints[i]);
        for (size_t f = 0; f < sizeof(uns_formats) / sizeof(uns_formats[0]); f++)
            SAME(uns_formats[f], (unsigned long long)ints[i]);
    }
    SAME("%d %i %u", -5, 17, 4000000000u);
    /* Values wider than the length modifier must be truncated as C says;
     * clang warns about exactly that, which is the point here. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
    SAME("%hhd %hhu %hd %hu", 300, 300, 70000, 70000);
#pragma GCC diagnostic pop
    SAME("%ld %lu %lx", -3L, 3UL, 0xdeadbeefUL);
    SAME("%zu %zx", (size_t)12345, (size_t)0xabc);
    SAME("%jd", (intmax_t)-77);
    SAME("%c|%3c|%-3c|", 'a', 'b', 'c');
    SAME("%s|%10s|%-10s|%.2s|%*s|%-*s|", "abc", "abc", "abc", "abc", 6, "xy", 6, "xy");
    SAME("%*d|%-*d|%.*d", 5, 42, 5, 42, 4, 42);
    SAME("100%% done");
    SAME("%p", (void *)0x1234);
    SAME("%s", "");

    /* Truncation: NUL-terminated, returns the full length. */
    char small[5];
    size_t n = snformat(small, sizeof(small), "%s", "abcdefgh");
    CHECK(n == 8);
    CHECK(strcmp(small, "abcd") == 0);
    n = snformat(small, 0, "%d", 12345);
    CHECK(n == 5);
    CHECK(snformat(NULL, 0, "xyz") == 3);
    return check_report("test_format");
}
