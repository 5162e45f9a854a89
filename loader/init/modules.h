/* Boot modules, which the kernel maps read-only into init and lists in
 * the init-info page. */
#ifndef INIT_MODULES_H
#define INIT_MODULES_H

#include <vireo/init_info.h>

/* The module named name (its *size bytes), or NULL. */
const void *module_find(const struct vireo_init_info *info, const char *name, u64 *size);

#endif
