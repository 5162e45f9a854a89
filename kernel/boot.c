#include "boot.h"
#include "log.h"
#include "memory.h"
#include "stop.h"
#include <string.h>

static struct vireo_boot_info boot_copy;

static __attribute__((noreturn)) void bad(const char *what)
{
    log_error("kernel: boot: %s\n", what);
    system_stop(VIREO_STOP_BAD_BOOT, what);
}

const struct vireo_boot_info *boot_info_take(u64 boot_info_phys)
{
    /* The loader's direct map is live at entry. */
    const struct vireo_boot_info *in = phys_to_virt(boot_info_phys);
    if (boot_info_phys == 0 || in->magic != VIREO_BOOT_MAGIC)
        bad("bad boot info magic");
    if (in->version != VIREO_BOOT_VERSION || in->size != sizeof(struct vireo_boot_info))
        bad("boot info version or size mismatch");
    memcpy(&boot_copy, in, sizeof(boot_copy));
    if (boot_copy.mem_count == 0 || boot_copy.mem_count > VIREO_BOOT_MAX_MEM)
        bad("bad memory map size");
    if (boot_copy.module_count > VIREO_BOOT_MAX_MODULES)
        bad("too many boot modules");
    if (boot_copy.kernel_phys % 0x200000 || boot_copy.kernel_phys == 0)
        bad("kernel not 2 MiB aligned");
    for (u32 i = 0; i < boot_copy.module_count; i++) {
        boot_copy.modules[i].name[VIREO_BOOT_NAME_LEN - 1] = '\0';
        boot_copy.modules[i].args[VIREO_BOOT_NAME_LEN - 1] = '\0';
    }
    boot_copy.cmdline[VIREO_BOOT_CMDLINE_LEN - 1] = '\0';
    return &boot_copy;
}

void boot_info_print(const struct vireo_boot_info *boot)
{
    char names[VIREO_BOOT_MAX_MODULES * (VIREO_BOOT_NAME_LEN + 2)];
    size_t len = 0;
    names[0] = '\0';
    for (u32 i = 0; i < boot->module_count; i++) {
        const char *name = boot->modules[i].name;
        size_t n = strlen(name);
        if (i) {
            memcpy(names + len, ", ", 2);
            len += 2;
        }
        memcpy(names + len, name, n);
        len += n;
        names[len] = '\0';
    }
    const char *protocol = boot->protocol == VIREO_BOOT_MULTIBOOT1   ? "multiboot1"
                           : boot->protocol == VIREO_BOOT_MULTIBOOT2 ? "multiboot2"
                                                                     : "unknown protocol";
    log_info("kernel: boot: %s, %u modules: %s\n", protocol, boot->module_count, names);
}
