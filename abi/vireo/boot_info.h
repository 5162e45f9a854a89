/*
 * The loader -> kernel hand-over: the loader enters the kernel in 64-bit mode
 * at its ELF entry with %rdi = physical address of a struct vireo_boot_info.
 *
 * At entry the loader's page tables map:
 *   - physical 0..4 GiB identity (for the hand-over only; the kernel drops it),
 *   - all physical memory up to phys_limit at VIREO_PHYSMAP_BASE (the direct map),
 *   - the kernel image at its link address VIREO_KERNEL_VIRT_BASE + offset,
 *     backed by physical kernel_phys + offset.
 * Interrupts are off, the stack is a loader-provided 16 KiB stack inside a
 * VIREO_MEM_BOOT region, EFER.LME/NXE are set, CR0.WP is set.
 */
#ifndef VIREO_ABI_BOOT_INFO_H
#define VIREO_ABI_BOOT_INFO_H

#include <vireo/types.h>

#define VIREO_BOOT_MAGIC   0x544f4f424f524956ull /* "VIROBOOT" */
#define VIREO_BOOT_VERSION 1u

/* The kernel is linked at this virtual base (-mcmodel=kernel); its physical
 * placement is chosen by the loader (2 MiB aligned) and reported below. */
#define VIREO_KERNEL_VIRT_BASE 0xffffffff80000000ull
/* Every physical byte below phys_limit is mapped here (no execute). */
#define VIREO_PHYSMAP_BASE 0xffff800000000000ull

#define VIREO_BOOT_MAX_MEM     128
#define VIREO_BOOT_MAX_MODULES 32
#define VIREO_BOOT_NAME_LEN    48
#define VIREO_BOOT_CMDLINE_LEN 256

/* Memory region types. 1..5 are the firmware's (e820 / multiboot numbering);
 * the rest mark what the loader placed in usable RAM. */
enum vireo_mem_type {
    VIREO_MEM_USABLE = 1,
    VIREO_MEM_RESERVED = 2,
    VIREO_MEM_ACPI_RECLAIM = 3,
    VIREO_MEM_ACPI_NVS = 4,
    VIREO_MEM_BAD = 5,
    VIREO_MEM_KERNEL = 0x100, /* the loaded kernel image (text, data, bss) */
    VIREO_MEM_MODULE = 0x101, /* a boot module, kept for its owner */
    VIREO_MEM_BOOT = 0x102,   /* loader data: page tables, stack, boot info;
                                 free once the kernel runs on its own tables */
};

struct vireo_mem_region {
    u64 base;
    u64 size;
    u32 type; /* enum vireo_mem_type */
    u32 reserved;
};
VIREO_ABI_SIZE(struct vireo_mem_region, 24);

/* A boot module. name is the first word of the module's command line (GRUB's
 * module2 argument / QEMU's -initrd "file name" string), args the rest. */
struct vireo_module {
    u64 phys;
    u64 size;
    char name[VIREO_BOOT_NAME_LEN];
    char args[VIREO_BOOT_NAME_LEN];
};
VIREO_ABI_SIZE(struct vireo_module, 112);

enum vireo_boot_protocol {
    VIREO_BOOT_MULTIBOOT1 = 1,
    VIREO_BOOT_MULTIBOOT2 = 2,
};

struct vireo_boot_info {
    u64 magic;    /* VIREO_BOOT_MAGIC */
    u32 version;  /* VIREO_BOOT_VERSION */
    u32 size;     /* sizeof(struct vireo_boot_info) */
    u32 protocol; /* enum vireo_boot_protocol */
    u32 mem_count;
    u32 module_count;
    u32 reserved0;
    u64 phys_limit;  /* end of the direct map (covers every region) */
    u64 kernel_phys; /* physical base of the kernel image (2 MiB aligned) */
    u64 kernel_size; /* bytes from kernel_phys to the end of bss, page rounded */
    u64 dtb_phys;    /* the system description (module "system.dtb"), checked */
    u64 dtb_size;
    u64 rsdp_phys;                        /* ACPI RSDP if the boot loader passed one, else 0 */
    char cmdline[VIREO_BOOT_CMDLINE_LEN]; /* the loader's own command line */
    struct vireo_mem_region mem[VIREO_BOOT_MAX_MEM];
    struct vireo_module modules[VIREO_BOOT_MAX_MODULES];
};
VIREO_ABI_OFFSET(struct vireo_boot_info, phys_limit, 32);
VIREO_ABI_OFFSET(struct vireo_boot_info, cmdline, 80);
VIREO_ABI_OFFSET(struct vireo_boot_info, mem, 336);
VIREO_ABI_SIZE(struct vireo_boot_info,
               336 + 24 * VIREO_BOOT_MAX_MEM + 112 * VIREO_BOOT_MAX_MODULES);

/* Well-known module names. */
#define VIREO_MODULE_KERNEL "kernel"
#define VIREO_MODULE_INIT   "init"
#define VIREO_MODULE_DTB    "system.dtb"

#endif
