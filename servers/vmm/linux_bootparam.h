/*
 * The Linux x86 boot protocol (the kernel's Documentation/arch/x86/boot.rst
 * and zero-page.rst): the setup header of a bzImage and the boot_params
 * ("zero page") a loader hands to the kernel. Facts from those documents
 * only, each offset checked below; what Vireo does with them is in
 * linux_*.h and docs/VMM.md.
 */
#ifndef VIREO_VMM_LINUX_BOOTPARAM_H
#define VIREO_VMM_LINUX_BOOTPARAM_H

#include <vireo/types.h>
#include <stddef.h>

#define LINUX_HDRS_MAGIC      0x53726448u /* "HdrS" at file offset 0x202 */
#define LINUX_BOOT_FLAG       0xaa55u
#define LINUX_SECTOR          512u
#define LINUX_SETUP_SECTS_OLD 4u     /* setup_sects 0 means 4 */
#define LINUX_HDR_OFFSET      0x1f1u /* the setup header in the file and in boot_params */
#define LINUX_HDR_JUMP_END    0x202u /* the header ends at 0x202 + the byte at 0x201 */

/* Protocol versions (setup_header.version, major << 8 | minor). */
#define LINUX_PROTO_MIN_64 0x020cu /* 2.12: xloadflags, the 64-bit entry */

/* loadflags */
#define LINUX_LOADED_HIGH  (1u << 0) /* protected-mode code at 0x100000 (bzImage) */
#define LINUX_CAN_USE_HEAP (1u << 7)

/* xloadflags */
#define LINUX_XLF_KERNEL_64              (1u << 0) /* has the 64-bit entry at +0x200 */
#define LINUX_XLF_CAN_BE_LOADED_ABOVE_4G (1u << 1)

#define LINUX_ENTRY64_OFFSET 0x200u /* startup_64 from the load address */
#define LINUX_LOADER_UNKNOWN 0xffu  /* type_of_loader: no assigned ID */

/* The 64-bit boot protocol's selectors (boot.rst, "64-bit Boot Protocol"). */
#define LINUX_BOOT_CS 0x10u
#define LINUX_BOOT_DS 0x18u

#define LINUX_E820_RAM      1u
#define LINUX_E820_RESERVED 2u
#define LINUX_E820_MAX      128u

struct __attribute__((packed)) linux_setup_header {
    u8 setup_sects;
    u16 root_flags;
    u32 syssize; /* protected-mode code, 16-byte units */
    u16 ram_size;
    u16 vid_mode;
    u16 root_dev;
    u16 boot_flag;
    u16 jump;
    u32 header;
    u16 version;
    u32 realmode_swtch;
    u16 start_sys_seg;
    u16 kernel_version;
    u8 type_of_loader;
    u8 loadflags;
    u16 setup_move_size;
    u32 code32_start;
    u32 ramdisk_image;
    u32 ramdisk_size;
    u32 bootsect_kludge;
    u16 heap_end_ptr;
    u8 ext_loader_ver;
    u8 ext_loader_type;
    u32 cmd_line_ptr;
    u32 initrd_addr_max; /* highest address the initrd may occupy */
    u32 kernel_alignment;
    u8 relocatable_kernel;
    u8 min_alignment;
    u16 xloadflags;
    u32 cmdline_size; /* longest command line, NUL excluded */
    u32 hardware_subarch;
    u64 hardware_subarch_data;
    u32 payload_offset;
    u32 payload_length;
    u64 setup_data;
    u64 pref_address;
    u32 init_size; /* bytes the kernel needs from its load address */
    u32 handover_offset;
    u32 kernel_info_offset;
};

struct __attribute__((packed)) linux_e820_entry {
    u64 addr, size;
    u32 type;
};

struct __attribute__((packed)) linux_boot_params {
    u8 screen_info[0x40];
    u8 apm_bios_info[0x14];
    u8 pad1[4];
    u64 tboot_addr;
    u8 ist_info[0x10];
    u64 acpi_rsdp_addr;
    u8 pad2[8];
    u8 hd0_info[0x10], hd1_info[0x10], sys_desc_table[0x10], olpc_ofw_header[0x10];
    u32 ext_ramdisk_image, ext_ramdisk_size, ext_cmd_line_ptr;
    u8 pad3[0x140 - 0xcc];
    u8 edid_info[0x80];
    u8 efi_info[0x20];
    u32 alt_mem_k, scratch;
    u8 e820_entries;
    u8 eddbuf_entries, edd_mbr_sig_buf_entries, kbd_status, secure_boot;
    u8 pad4[2];
    u8 sentinel;
    u8 pad5;
    struct linux_setup_header hdr;
    u8 pad6[0x290 - 0x1f1 - sizeof(struct linux_setup_header)];
    u8 edd_mbr_sig_buffer[0x40];
    struct linux_e820_entry e820_table[LINUX_E820_MAX];
    u8 pad7[0xd00 - 0xcd0];
    u8 eddbuf[0x1ec]; /* 6 struct edd_info */
    u8 pad8[0x1000 - 0xeec];
};

#define LINUX_HDR_AT(field, off)                                                                   \
    _Static_assert(offsetof(struct linux_setup_header, field) + LINUX_HDR_OFFSET == (off),         \
                   "setup_header." #field " at " #off)
LINUX_HDR_AT(setup_sects, 0x1f1);
LINUX_HDR_AT(syssize, 0x1f4);
LINUX_HDR_AT(boot_flag, 0x1fe);
LINUX_HDR_AT(header, 0x202);
LINUX_HDR_AT(version, 0x206);
LINUX_HDR_AT(type_of_loader, 0x210);
LINUX_HDR_AT(loadflags, 0x211);
LINUX_HDR_AT(code32_start, 0x214);
LINUX_HDR_AT(ramdisk_image, 0x218);
LINUX_HDR_AT(ramdisk_size, 0x21c);
LINUX_HDR_AT(heap_end_ptr, 0x224);
LINUX_HDR_AT(cmd_line_ptr, 0x228);
LINUX_HDR_AT(initrd_addr_max, 0x22c);
LINUX_HDR_AT(kernel_alignment, 0x230);
LINUX_HDR_AT(relocatable_kernel, 0x234);
LINUX_HDR_AT(xloadflags, 0x236);
LINUX_HDR_AT(cmdline_size, 0x238);
LINUX_HDR_AT(setup_data, 0x250);
LINUX_HDR_AT(pref_address, 0x258);
LINUX_HDR_AT(init_size, 0x260);
LINUX_HDR_AT(kernel_info_offset, 0x268);
_Static_assert(sizeof(struct linux_setup_header) == 0x26c - 0x1f1, "setup_header ends at 0x26c");

#define LINUX_BP_AT(field, off)                                                                    \
    _Static_assert(offsetof(struct linux_boot_params, field) == (off), "boot_params." #field)
LINUX_BP_AT(tboot_addr, 0x058);
LINUX_BP_AT(acpi_rsdp_addr, 0x070);
LINUX_BP_AT(ext_ramdisk_image, 0x0c0);
LINUX_BP_AT(ext_ramdisk_size, 0x0c4);
LINUX_BP_AT(ext_cmd_line_ptr, 0x0c8);
LINUX_BP_AT(edid_info, 0x140);
LINUX_BP_AT(efi_info, 0x1c0);
LINUX_BP_AT(alt_mem_k, 0x1e0);
LINUX_BP_AT(e820_entries, 0x1e8);
LINUX_BP_AT(sentinel, 0x1ef);
LINUX_BP_AT(hdr, 0x1f1);
LINUX_BP_AT(edd_mbr_sig_buffer, 0x290);
LINUX_BP_AT(e820_table, 0x2d0);
LINUX_BP_AT(eddbuf, 0xd00);
_Static_assert(sizeof(struct linux_e820_entry) == 20, "e820 entries are 20 bytes");
_Static_assert(sizeof(struct linux_boot_params) == 0x1000, "boot_params is one page");

#endif
