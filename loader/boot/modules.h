/* Looking up boot modules by name and listing them in messages. */
#ifndef LOADER_MODULES_H
#define LOADER_MODULES_H

#include "boot_error.h"
#include <vireo/boot_info.h>

/* The module called name, or NULL. */
const struct vireo_module *module_find(const struct vireo_module *mods, u32 count,
                                       const char *name);

/* Writes "kernel, init, system.dtb" (or "none") into buf. */
void module_list_names(const struct vireo_module *mods, u32 count, char *buf, size_t size);

/* Fails when two modules share a name. */
bool module_check_unique(const struct vireo_module *mods, u32 count, struct boot_error *err);

/* Fails, naming what is there, when no module is called name. */
bool module_require(const struct vireo_module *mods, u32 count, const char *name,
                    const struct vireo_module **found, struct boot_error *err);

#endif
