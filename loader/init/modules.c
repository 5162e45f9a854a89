/* Finds a boot module by name in the init-info module table. */
#include "modules.h"
#include <string.h>

const void *module_find(const struct vireo_init_info *info, const char *name, u64 *size)
{
#ifdef VIREO_INIT_MAX_MODULES
    for (u32 i = 0; i < info->module_count && i < VIREO_INIT_MAX_MODULES; i++) {
        const struct vireo_init_module *m = &info->modules[i];
        if (strncmp(m->name, name, sizeof(m->name)) == 0) {
            *size = m->size;
            return (const void *)m->addr;
        }
    }
#else
    /* The kernel does not list modules yet (abi/vireo/init_info.h). */
    (void)info;
    (void)name;
#endif
    *size = 0;
    return NULL;
}
