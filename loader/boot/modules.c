#include "modules.h"
#include <vireo/format.h>
#include <vireo/stop.h>
#include <string.h>

const struct vireo_module *module_find(const struct vireo_module *mods, u32 count, const char *name)
{
    for (u32 i = 0; i < count; i++) {
        if (strcmp(mods[i].name, name) == 0)
            return &mods[i];
    }
    return NULL;
}

void module_list_names(const struct vireo_module *mods, u32 count, char *buf, size_t size)
{
    size_t used = 0;
    if (size == 0)
        return;
    buf[0] = 0;
    if (count == 0) {
        snformat(buf, size, "none");
        return;
    }
    for (u32 i = 0; i < count && used < size; i++)
        used += snformat(buf + used, size - used, "%s%s", i ? ", " : "", mods[i].name);
}

bool module_check_unique(const struct vireo_module *mods, u32 count, struct boot_error *err)
{
    for (u32 i = 0; i < count; i++) {
        for (u32 j = i + 1; j < count; j++) {
            if (strcmp(mods[i].name, mods[j].name) == 0)
                return boot_fail(err, VIREO_STOP_BAD_BOOT, "duplicate boot module name",
                                 "two boot modules are named '%s' (modules %u and %u)",
                                 mods[i].name, i + 1, j + 1);
        }
    }
    return true;
}

bool module_require(const struct vireo_module *mods, u32 count, const char *name,
                    const struct vireo_module **found, struct boot_error *err)
{
    *found = module_find(mods, count, name);
    if (*found)
        return true;
    char list[VIREO_BOOT_MAX_MODULES * (VIREO_BOOT_NAME_LEN + 2)];
    module_list_names(mods, count, list, sizeof(list));
    return boot_fail(err, VIREO_STOP_BAD_BOOT, "missing boot module",
                     "no boot module named '%s' (modules: %s)", name, list);
}
