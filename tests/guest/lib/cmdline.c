/* The multiboot command line: "PATH [WORDS...]" from QEMU and GRUB alike. */
#include <guest/layout.h>
#include <guest/multiboot.h>
#include <guest/rt.h>
#include <string.h>

const char *rt_cmdline(void)
{
    if (rt_mb_magic != MB1_BOOT_MAGIC || !(mb1_info()->flags & MB1_INFO_CMDLINE) ||
        !mb1_info()->cmdline)
        return "";
    return (const char *)(uintptr_t)mb1_info()->cmdline;
}

bool rt_cmdline_has(const char *word)
{
    size_t n = strlen(word);
    for (const char *p = rt_cmdline(); *p;) {
        while (*p == ' ')
            p++;
        const char *end = strchr(p, ' ');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == n && !memcmp(p, word, n))
            return true;
        p += len;
    }
    return false;
}

bool rt_strict(void)
{
    return rt_cmdline_has("strict");
}
