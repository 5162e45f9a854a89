/* What the loader checks of the system description before the kernel sees
 * it: a well-formed tree, compatible "vireo,system" at the root, and every
 * node's "module" property naming a loaded boot module. */
#ifndef LOADER_DTB_CHECK_H
#define LOADER_DTB_CHECK_H

#include "boot_error.h"
#include <vireo/boot_info.h>

#define DTB_ROOT_COMPATIBLE "vireo,system"

bool dtb_check(const void *fdt, u64 size, const struct vireo_module *mods, u32 count,
               struct boot_error *err);

#endif
