/*
 * Booting a multiboot1 guest the way QEMU's -kernel does (docs/VMM.md):
 * check and plan the image, place the boot information, write it all into
 * guest memory, and produce the start state (mb1_cpu.h).
 *
 *   struct mb1_boot boot;
 *   if (!mb1_load(&req, &mem, &boot, why, sizeof(why))) -> refuse the VM
 *   mb1_vcpu_start(&boot, &state);                       -> STARTUP reply
 *
 * Nothing is written unless every check passes; only a guest_mem callback
 * that refuses a write can leave a partial load behind (and a reason).
 */
#ifndef VIREO_VMM_MB1_BOOT_H
#define VIREO_VMM_MB1_BOOT_H

#include "guest_mem.h"
#include "mb1_plan.h"

#define MB1_MAX_MODULES 32
#define MB1_STRING_MAX  4096 /* bytes in one command line or module string */
#define MB1_LOADER_NAME "vireo"
#define MB1_BOOT_DEVICE 0x8000ffffu /* QEMU's: first BIOS disk, whole disk */

struct mb1_module {
    const void *data;
    u64 size;
    const char *string; /* its command line; QEMU passes "FILE ARGS"; NULL: "" */
};

struct mb1_request {
    const void *image; /* the kernel file */
    u64 image_size;
    /* The kernel's command line is "image_name cmdline", as QEMU builds it
     * from the file name and -append (a space even when cmdline is empty);
     * with image_name NULL it is cmdline alone, as GRUB 2 passes it. */
    const char *image_name;
    const char *cmdline; /* NULL: "" */
    const struct mb1_module *modules;
    u32 module_count;
};

/* Where the boot information went (guest-physical addresses). */
struct mb1_layout {
    u32 mmap_addr, mmap_length; /* MB1_MMAP_ADDR, entries * 24 */
    u32 info_addr;              /* MB1_INFO_ADDR: EBX */
    u32 gdt_addr;               /* MB1_GDT_ADDR */
    /* After the image, from the next page boundary, as QEMU: the module
     * list, the module strings, the command line, the loader name. */
    u32 area_start, area_end; /* area_end page-aligned */
    u32 mods_addr, cmdline_addr, loader_name_addr;
    u32 cmdline_length; /* bytes, NUL excluded */
    u32 module_count;
    u32 module_start[MB1_MAX_MODULES]; /* page-aligned, from area_end up */
    u32 module_string[MB1_MAX_MODULES];
    u32 end; /* first byte after the last module's page */
};

struct mb1_boot {
    struct mb1_plan plan;
    struct mb1_layout layout;
    u32 eax, ebx, eip; /* MB1_BOOT_MAGIC, the info address, the entry */
};

/* Loads req into mem (RAM size mem->size). On failure returns false with
 * *out zeroed and a one-line reason in why (why_size bytes, may be 0). */
bool mb1_load(const struct mb1_request *req, const struct guest_mem *mem, struct mb1_boot *out,
              char *why, size_t why_size);

/* The placement step alone (used by mb1_load; exposed for tests). */
bool mb1_layout(const struct mb1_request *req, const struct mb1_plan *plan, u64 ram_size,
                struct mb1_layout *out, const struct mb1_why *why);

/* The writing step alone: the image, the boot page and the area after the
 * image, as planned and laid out. */
bool mb1_write(const struct mb1_request *req, const struct mb1_plan *plan,
               const struct mb1_layout *layout, const struct guest_mem *mem,
               const struct mb1_why *why);

#endif
