/*
 * What the kernel gives the root task, init. init's ELF is loaded at its
 * link addresses (user half, below VIREO_INIT_MODULES_ADDR); the kernel
 * maps, read-only, this info page, the system description and every boot
 * module but "kernel", plus a stack and init's UTCB, then enters init's
 * ELF entry in ring 3 with %rdi = VIREO_INIT_INFO_ADDR and %rsp at the top
 * of the stack (16-byte aligned, as after a call: (%rsp + 8) % 16 == 0).
 *
 * These boot mappings are the root of everything and live outside the
 * mapping database: no capability covers their frames, none of them can be
 * delegated or revoked, and their frames are never part of init's MEM
 * capabilities. init's main thread runs as an EC with its own SC
 * (VIREO_INIT_SEL_EC, VIREO_INIT_SEL_SC in abi/vireo/cap.h).
 */
#ifndef VIREO_ABI_INIT_INFO_H
#define VIREO_ABI_INIT_INFO_H

#include <vireo/types.h>

#define VIREO_INIT_INFO_ADDR  0x00007fff00000000ull /* one page, read-only */
#define VIREO_INIT_UTCB_ADDR  0x00007fff00010000ull /* one page */
#define VIREO_INIT_STACK_TOP  0x00007fff00800000ull
#define VIREO_INIT_STACK_SIZE 0x40000ull            /* 256 KiB */
#define VIREO_INIT_DTB_ADDR   0x00007ffe00000000ull /* system.dtb, read-only */
/* Boot modules, read-only, each at a page-aligned address from here up in
 * boot order (a gap of at least one unmapped page between two); the bytes
 * after a module's end up to its page end read as 0. */
#define VIREO_INIT_MODULES_ADDR 0x00007f0000000000ull
#define VIREO_INIT_MAX_MODULES  32u /* = VIREO_BOOT_MAX_MODULES */
#define VIREO_INIT_MODULE_NAME  48u /* name bytes, NUL-terminated */

#define VIREO_INIT_MAGIC 0x54494e494f524956ull /* "VIROINIT" */

/* One boot module as init sees it. */
struct vireo_init_module {
    u64 addr;                          /* user address (page aligned, read-only) */
    u64 size;                          /* bytes */
    char name[VIREO_INIT_MODULE_NAME]; /* the module's name ("init", "echo", ...) */
};
VIREO_ABI_SIZE(struct vireo_init_module, 64);

struct vireo_init_info {
    u64 magic;
    u64 dtb_addr; /* user address of the system description */
    u64 dtb_size;
    u64 utcb_addr;
    u32 cpu_count;
    u32 virt;         /* enum vireo_virt_kind: what the kernel detected */
    u32 module_count; /* entries of modules[] in use */
    u32 tsc_khz;      /* the TSC's rate as the kernel measured it; 0: unknown */
    struct vireo_init_module modules[VIREO_INIT_MAX_MODULES];
    /* The host's date and time as the kernel read its CMOS RTC at boot
     * (UTC, to the second): epoch_s seconds since 1970-01-01 00:00:00
     * UTC, 0 if unknown (no readable RTC, or a date outside 2000..2099);
     * epoch_tsc the TSC at that read. The time now is epoch_s plus the
     * TSC ticks since epoch_tsc at tsc_khz (lib/include/vireo/date.h,
     * date_at_tsc). */
    u64 epoch_s;
    u64 epoch_tsc;
};
VIREO_ABI_OFFSET(struct vireo_init_info, module_count, 40);
VIREO_ABI_OFFSET(struct vireo_init_info, modules, 48);
VIREO_ABI_OFFSET(struct vireo_init_info, epoch_s, 48 + 64 * VIREO_INIT_MAX_MODULES);
VIREO_ABI_SIZE(struct vireo_init_info, 48 + 64 * VIREO_INIT_MAX_MODULES + 16);
_Static_assert(sizeof(struct vireo_init_info) <= 4096, "the info fits its page");

enum vireo_virt_kind {
    VIREO_VIRT_NONE = 0,
    VIREO_VIRT_VMX = 1,
    VIREO_VIRT_SVM = 2,
};

#endif
