/* Reading multiboot1 / multiboot2 boot information into one neutral form.
 * Everything needed later is copied out, so the boot loader's information
 * block may be overwritten once multiboot_parse() returns. */
#ifndef LOADER_MULTIBOOT_H
#define LOADER_MULTIBOOT_H

#include "boot_error.h"
#include <vireo/boot_info.h>

#define MB1_BOOT_MAGIC 0x2badb002u
#define MB2_BOOT_MAGIC 0x36d76289u

/* How parsing reaches physical memory: the loader maps identity, the host
 * tests map a buffer. Returns NULL when [phys, phys + size) is not readable. */
struct phys_view {
    const void *(*map)(void *ctx, u64 phys, u64 size);
    void *ctx;
};

#define RSDP_MAX_SIZE 36 /* ACPI 2.0+ RSDP; 1.0 uses the first 20 bytes */

struct boot_input {
    u32 protocol; /* enum vireo_boot_protocol */
    u32 mem_count;
    u32 module_count;
    u32 rsdp_size; /* 0: the boot loader passed no RSDP */
    u64 info_phys; /* the information block itself, [info_phys, +info_size) */
    u64 info_size;
    struct vireo_mem_region mem[VIREO_BOOT_MAX_MEM]; /* the firmware's map, as given */
    struct vireo_module modules[VIREO_BOOT_MAX_MODULES];
    char cmdline[VIREO_BOOT_CMDLINE_LEN];
    u8 rsdp[RSDP_MAX_SIZE];
};

bool multiboot_parse(u32 magic, u64 info_phys, const struct phys_view *view, struct boot_input *out,
                     struct boot_error *err);

#endif
