#include "modname.h"
#include <vireo/stop.h>
#include <string.h>

struct span {
    const char *p;
    size_t n;
};

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static size_t bounded_len(const char *s, size_t len)
{
    const char *nul = memchr(s, 0, len);
    return nul ? (size_t)(nul - s) : len;
}

/* The next word of [*pos, end), advancing *pos past it. */
static struct span next_word(const char **pos, const char *end)
{
    const char *p = *pos;
    while (p < end && is_space(*p))
        p++;
    const char *start = p;
    while (p < end && !is_space(*p))
        p++;
    *pos = p;
    return (struct span){start, (size_t)(p - start)};
}

static struct span trim(const char *p, const char *end)
{
    while (p < end && is_space(*p))
        p++;
    while (end > p && is_space(end[-1]))
        end--;
    return (struct span){p, (size_t)(end - p)};
}

static bool has_slash(struct span w)
{
    return memchr(w.p, '/', w.n) != NULL;
}

static struct span basename_of(struct span path)
{
    for (size_t i = path.n; i > 0; i--) {
        if (path.p[i - 1] == '/')
            return (struct span){path.p + i, path.n - i};
    }
    return path;
}

static void copy_span(char *dst, struct span s)
{
    memcpy(dst, s.p, s.n);
    dst[s.n] = 0;
}

bool module_name_split(const char *cmdline, size_t len, char name[VIREO_BOOT_NAME_LEN],
                       char args[VIREO_BOOT_NAME_LEN], struct boot_error *err)
{
    const char *pos = cmdline, *end = cmdline + bounded_len(cmdline, len);
    struct span first = next_word(&pos, end);
    struct span word = first;
    if (first.n && has_slash(first)) {
        word = next_word(&pos, end);
        if (!word.n)
            word = basename_of(first);
    }
    struct span rest = trim(pos, end);
    int shown = (int)(end - cmdline);

    if (!word.n)
        return boot_fail(err, VIREO_STOP_BAD_BOOT, "boot module without a name",
                         "boot module with command line \"%.*s\" has no name", shown, cmdline);
    if (word.n >= VIREO_BOOT_NAME_LEN)
        return boot_fail(err, VIREO_STOP_BAD_BOOT, "boot module name too long",
                         "boot module name \"%.*s\" is longer than %d characters", (int)word.n,
                         word.p, VIREO_BOOT_NAME_LEN - 1);
    if (rest.n >= VIREO_BOOT_NAME_LEN)
        return boot_fail(err, VIREO_STOP_BAD_BOOT, "boot module arguments too long",
                         "boot module '%.*s': arguments \"%.*s\" are longer than %d characters",
                         (int)word.n, word.p, (int)rest.n, rest.p, VIREO_BOOT_NAME_LEN - 1);
    copy_span(name, word);
    copy_span(args, rest);
    return true;
}

bool loader_cmdline_strip(const char *cmdline, size_t len, char out[VIREO_BOOT_CMDLINE_LEN],
                          struct boot_error *err)
{
    const char *pos = cmdline, *end = cmdline + bounded_len(cmdline, len);
    const char *after_first = pos;
    struct span first = next_word(&after_first, end);
    if (first.n && has_slash(first))
        pos = after_first;
    struct span rest = trim(pos, end);
    if (rest.n >= VIREO_BOOT_CMDLINE_LEN)
        return boot_fail(err, VIREO_STOP_BAD_BOOT, "loader command line too long",
                         "the loader's command line is longer than %d characters",
                         VIREO_BOOT_CMDLINE_LEN - 1);
    copy_span(out, rest);
    return true;
}
