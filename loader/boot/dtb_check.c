#include "dtb_check.h"
#include "modules.h"
#include <libfdt.h>
#include <vireo/stop.h>
#include <string.h>

#define BAD_DTB "bad system description"

/* The node's path for messages; fdt_get_path only fails on absurd depth. */
static const char *node_path(const void *fdt, int node, char *buf, int size)
{
    if (fdt_get_path(fdt, node, buf, size) != 0)
        return "(path too long)";
    return buf;
}

static bool check_module_prop(const void *fdt, int node, const struct vireo_module *mods, u32 count,
                              struct boot_error *err)
{
    int len;
    const char *name = fdt_getprop(fdt, node, "module", &len);
    if (!name)
        return true;
    char path[256];
    if (len < 2 || name[len - 1] != 0 || strlen(name) != (size_t)len - 1)
        return boot_fail(err, VIREO_STOP_BAD_BOOT, BAD_DTB,
                         "system.dtb: %s: property 'module' must be one non-empty string",
                         node_path(fdt, node, path, sizeof(path)));
    if (module_find(mods, count, name))
        return true;
    char list[VIREO_BOOT_MAX_MODULES * (VIREO_BOOT_NAME_LEN + 2)];
    module_list_names(mods, count, list, sizeof(list));
    return boot_fail(err, VIREO_STOP_BAD_BOOT, BAD_DTB,
                     "system.dtb: %s: property 'module' names \"%s\", but no boot module has "
                     "that name (modules: %s)",
                     node_path(fdt, node, path, sizeof(path)), name, list);
}

bool dtb_check(const void *fdt, u64 size, const struct vireo_module *mods, u32 count,
               struct boot_error *err)
{
    int rc = fdt_check_full(fdt, (size_t)size);
    if (rc != 0)
        return boot_fail(err, VIREO_STOP_BAD_BOOT, BAD_DTB,
                         "system.dtb: not a valid device tree: %s", fdt_strerror(rc));

    int len;
    const char *compat = fdt_getprop(fdt, 0, "compatible", &len);
    if (!compat || !fdt_stringlist_contains(compat, len, DTB_ROOT_COMPATIBLE))
        return boot_fail(err, VIREO_STOP_BAD_BOOT, BAD_DTB,
                         "system.dtb: /: property 'compatible' must contain \"%s\"",
                         DTB_ROOT_COMPATIBLE);

    /* Every node: the walk ends when depth drops below the root's. */
    int depth = 0, node = 0;
    for (; node >= 0 && depth >= 0; node = fdt_next_node(fdt, node, &depth)) {
        if (!check_module_prop(fdt, node, mods, count, err))
            return false;
    }
    if (node < 0 && node != -FDT_ERR_NOTFOUND)
        return boot_fail(err, VIREO_STOP_BAD_BOOT, BAD_DTB,
                         "system.dtb: walking the tree failed: %s", fdt_strerror(node));
    return true;
}
