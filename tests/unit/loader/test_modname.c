/* The module naming rule and module list helpers (loader/boot/modname.c,
 * modules.c). */
#include "check.h"
#include "modname.h"
#include "modules.h"
#include <string.h>

static int split(const char *cmdline, char *name, char *args)
{
    struct boot_error err;
    return module_name_split(cmdline, strlen(cmdline), name, args, &err);
}

#define NAME_IS(cmdline, want_name, want_args)                                                     \
    do {                                                                                           \
        char n_[VIREO_BOOT_NAME_LEN], a_[VIREO_BOOT_NAME_LEN];                                     \
        CHECK(split(cmdline, n_, a_));                                                             \
        CHECK(strcmp(n_, want_name) == 0);                                                         \
        CHECK(strcmp(a_, want_args) == 0);                                                         \
        if (strcmp(n_, want_name) || strcmp(a_, want_args))                                        \
            fprintf(stderr, "  \"%s\" -> name '%s' args '%s'\n", cmdline, n_, a_);                 \
    } while (0)

int main(void)
{
    /* QEMU -initrd: path first, then the given words. */
    NAME_IS("/tmp/build/kernel.elf kernel", "kernel", "");
    NAME_IS("/tmp/init.elf init arg1  arg2 ", "init", "arg1  arg2");
    NAME_IS("/tmp/build/system.dtb", "system.dtb", "");
    NAME_IS("./x/y/z.bin", "z.bin", "");
    /* GRUB module2: no path (the path word is not passed). */
    NAME_IS("kernel", "kernel", "");
    NAME_IS("  init   quiet  ", "init", "quiet");
    NAME_IS("init\tfoo\nbar", "init", "foo\nbar");
    /* A first word without '/' is the name even if later words have one. */
    NAME_IS("echo /etc/x", "echo", "/etc/x");

    char n[VIREO_BOOT_NAME_LEN], a[VIREO_BOOT_NAME_LEN];
    struct boot_error err;
    CHECK(!split("", n, a));
    CHECK(!split("   ", n, a));
    CHECK(!module_name_split("/path/ends/with/slash/", 22, n, a, &err));
    CHECK(strstr(err.msg, "has no name") != NULL);
    /* Bounded by len: "/a/b" alone gives the basename "b". */
    CHECK(module_name_split("/a/b name", 4, n, a, &err) && strcmp(n, "b") == 0 && a[0] == 0);
    CHECK(module_name_split("abc\0def", 7, n, a, &err) && strcmp(n, "abc") == 0 && a[0] == 0);

    /* Too long: no silent truncation. */
    char longname[100];
    memset(longname, 'x', 47);
    longname[47] = 0;
    CHECK(split(longname, n, a) && strlen(n) == 47);
    memset(longname, 'x', 48);
    longname[48] = 0;
    CHECK(!module_name_split(longname, strlen(longname), n, a, &err));
    CHECK(strstr(err.msg, "longer than 47") != NULL);
    CHECK(err.status == 3);
    snprintf(longname, sizeof(longname), "init %060d", 0);
    CHECK(!module_name_split(longname, strlen(longname), n, a, &err));
    CHECK(strstr(err.msg, "arguments") != NULL);

    /* The loader's command line. */
    char cl[VIREO_BOOT_CMDLINE_LEN];
    CHECK(loader_cmdline_strip("/boot/loader.elf  debug x=1 ", 28, cl, &err) &&
          strcmp(cl, "debug x=1") == 0);
    CHECK(loader_cmdline_strip("debug", 5, cl, &err) && strcmp(cl, "debug") == 0);
    CHECK(loader_cmdline_strip("/boot/loader.elf", 16, cl, &err) && cl[0] == 0);
    CHECK(loader_cmdline_strip("", 0, cl, &err) && cl[0] == 0);

    /* Lists, lookup, duplicates. */
    struct vireo_module mods[3] = {{.name = "kernel"}, {.name = "init"}, {.name = "system.dtb"}};
    char list[200];
    module_list_names(mods, 3, list, sizeof(list));
    CHECK(strcmp(list, "kernel, init, system.dtb") == 0);
    module_list_names(mods, 0, list, sizeof(list));
    CHECK(strcmp(list, "none") == 0);
    CHECK(module_find(mods, 3, "init") == &mods[1]);
    CHECK(module_find(mods, 3, "ini") == NULL);
    CHECK(module_check_unique(mods, 3, &err));
    const struct vireo_module *found;
    CHECK(!module_require(mods, 2, "system.dtb", &found, &err));
    CHECK(strcmp(err.msg, "no boot module named 'system.dtb' (modules: kernel, init)") == 0);
    strcpy(mods[2].name, "kernel");
    CHECK(!module_check_unique(mods, 3, &err));
    CHECK(strcmp(err.msg, "two boot modules are named 'kernel' (modules 1 and 3)") == 0);
    return check_report("loader_modname");
}
