/*
 * Multiboot 0.6.96 (the "multiboot1" specification): the OS image header a
 * boot loader searches for and the boot information it hands over. Facts
 * from the specification only; what Vireo does with them is in mb1_*.h and
 * docs/VMM.md.
 */
#ifndef VIREO_VMM_MULTIBOOT1_H
#define VIREO_VMM_MULTIBOOT1_H

#include <vireo/types.h>

/* ---- the OS image header: 4-byte aligned, inside the first 8 KiB ---- */
#define MB1_HEADER_MAGIC  0x1badb002u
#define MB1_HEADER_SEARCH 8192u

/* Header flags. Bits 0-15 are requirements: a loader that does not
 * understand one must refuse the image; bits 16-31 are optional. */
#define MB1_HF_PAGE_ALIGN  (1u << 0)  /* modules on 4 KiB boundaries */
#define MB1_HF_MEMORY_INFO (1u << 1)  /* mem_lower/mem_upper (and a map) wanted */
#define MB1_HF_VIDEO_MODE  (1u << 2)  /* video mode table wanted */
#define MB1_HF_AOUT_KLUDGE (1u << 16) /* the address fields below are valid */
#define MB1_HF_REQUIRED    0x0000ffffu

/* Byte offsets of the header fields from the magic. */
#define MB1_H_MAGIC         0
#define MB1_H_FLAGS         4
#define MB1_H_CHECKSUM      8
#define MB1_H_HEADER_ADDR   12
#define MB1_H_LOAD_ADDR     16
#define MB1_H_LOAD_END_ADDR 20
#define MB1_H_BSS_END_ADDR  24
#define MB1_H_ENTRY_ADDR    28
#define MB1_H_MODE_TYPE     32
#define MB1_H_WIDTH         36
#define MB1_H_HEIGHT        40
#define MB1_H_DEPTH         44
#define MB1_H_SIZE_BASE     12 /* magic, flags, checksum */
#define MB1_H_SIZE_AOUT     32 /* ... and the address fields */
#define MB1_H_SIZE_VIDEO    48 /* ... and the video fields */

/* ---- the machine state at entry ---- */
#define MB1_BOOT_MAGIC 0x2badb002u /* in EAX */

/* ---- the boot information structure (EBX points to it) ---- */
#define MB1_INFO_MEMORY      (1u << 0)  /* mem_lower, mem_upper */
#define MB1_INFO_BOOT_DEVICE (1u << 1)  /* boot_device */
#define MB1_INFO_CMDLINE     (1u << 2)  /* cmdline */
#define MB1_INFO_MODS        (1u << 3)  /* mods_count, mods_addr */
#define MB1_INFO_AOUT_SYMS   (1u << 4)  /* syms as a.out symbol table */
#define MB1_INFO_ELF_SHDR    (1u << 5)  /* syms as ELF section headers */
#define MB1_INFO_MEM_MAP     (1u << 6)  /* mmap_length, mmap_addr */
#define MB1_INFO_DRIVES      (1u << 7)  /* drives_length, drives_addr */
#define MB1_INFO_CONFIG      (1u << 8)  /* config_table */
#define MB1_INFO_LOADER_NAME (1u << 9)  /* boot_loader_name */
#define MB1_INFO_APM         (1u << 10) /* apm_table */
#define MB1_INFO_VBE         (1u << 11) /* vbe_* */

/* Every field is at its natural alignment, so the struct is the layout. */
struct mb1_info {
    u32 flags;
    u32 mem_lower; /* KiB of memory from 0 */
    u32 mem_upper; /* KiB of memory from 1 MiB up to the first hole */
    u32 boot_device;
    u32 cmdline; /* physical address of a NUL-terminated string */
    u32 mods_count;
    u32 mods_addr; /* physical address of mods_count struct mb1_mod */
    u32 syms[4];
    u32 mmap_length; /* bytes of memory map */
    u32 mmap_addr;   /* physical address of the first entry's size field */
    u32 drives_length;
    u32 drives_addr;
    u32 config_table;
    u32 boot_loader_name;
    u32 apm_table;
    u32 vbe_control_info;
    u32 vbe_mode_info;
    u16 vbe_mode;
    u16 vbe_interface_seg;
    u16 vbe_interface_off;
    u16 vbe_interface_len;
};
VIREO_ABI_SIZE(struct mb1_info, 88);
VIREO_ABI_OFFSET(struct mb1_info, mods_addr, 24);
VIREO_ABI_OFFSET(struct mb1_info, mmap_length, 44);
VIREO_ABI_OFFSET(struct mb1_info, mmap_addr, 48);
VIREO_ABI_OFFSET(struct mb1_info, boot_loader_name, 64);
VIREO_ABI_OFFSET(struct mb1_info, vbe_mode, 80);

struct mb1_mod {
    u32 mod_start, mod_end; /* [mod_start, mod_end) */
    u32 string;             /* physical address of its NUL-terminated string */
    u32 reserved;           /* 0 */
};
VIREO_ABI_SIZE(struct mb1_mod, 16);

/* A memory map entry: a size field (bytes that follow it, at least 20),
 * then base_addr and length (64-bit, unaligned) and type. */
#define MB1_MMAP_ENTRY_SIZE 24u
#define MB1_MMAP_SIZE_FIELD 20u
#define MB1_MMAP_AVAILABLE  1u /* RAM; any other type is reserved */
#define MB1_MMAP_RESERVED   2u

#endif
