/*
 * Where a Linux guest's pieces go, decided before anything is written
 * (the 64-bit boot protocol, boot.rst): the protected-mode kernel at
 * pref_address when it is relocatable (else the lowest kernel_alignment
 * boundary from 1 MiB that holds init_size), at code32_start when it is
 * not; the initrd at the top of the RAM it may use (below initrd_addr_max
 * unless XLF_CAN_BE_LOADED_ABOVE_4G), page-aligned, above the kernel's
 * init_size; boot_params, GDT, page tables and command line in fixed
 * places below 640 KiB. The memory map is the multiboot one
 * (mb1_memory.h): RAM below 0x9fc00, reserved to 1 MiB, RAM above.
 */
#ifndef VIREO_VMM_LINUX_PLAN_H
#define VIREO_VMM_LINUX_PLAN_H

#include "linux_header.h"

#define LINUX_BOOT_PARAMS_ADDR 0x7000ull
#define LINUX_GDT_ADDR         0x8000ull
#define LINUX_GDT_ENTRIES      4 /* null, unused, __BOOT_CS, __BOOT_DS */
/* PML4, one PDPT, four page directories of 2 MiB pages: the first 4 GiB
 * identity-mapped, which holds all of a VM's RAM (MB1_RAM_MAX). */
#define LINUX_PML4_ADDR    0x9000ull
#define LINUX_PT_PAGES     6
#define LINUX_PT_END       (LINUX_PML4_ADDR + LINUX_PT_PAGES * 0x1000ull)
#define LINUX_MAPPED_END   0x100000000ull
#define LINUX_CMDLINE_ADDR 0x20000ull
#define LINUX_CMDLINE_MAX  0xffffu /* bytes, NUL excluded: up to 0x30000 */

struct linux_request {
    const void *image; /* the bzImage file */
    u64 image_size;
    const char *cmdline; /* NULL: "" */
    const void *initrd;  /* NULL with initrd_size 0: none */
    u64 initrd_size;
};

struct linux_plan {
    struct linux_header header;
    u64 kernel_addr; /* where the protected-mode code goes */
    u64 kernel_end;  /* end of what it needs: its bytes and init_size */
    u64 entry;       /* startup_64: kernel_addr + 0x200 */
    u64 cmdline_addr;
    u32 cmdline_length;           /* NUL excluded */
    u64 initrd_addr, initrd_size; /* 0, 0: no initrd */
    u64 initrd_limit;             /* the end of the RAM the initrd may use */
};

/* Plans req for a VM with ram_size bytes of RAM (mb1_ram_check). On
 * failure returns false with *out zeroed and a one-line reason. */
bool linux_plan(const struct linux_request *req, u64 ram_size, struct linux_plan *out,
                const struct mb1_why *why);

#endif
