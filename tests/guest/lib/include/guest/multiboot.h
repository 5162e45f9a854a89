/* Multiboot 1 boot information (the fields guests read). */
#ifndef GUEST_MULTIBOOT_H
#define GUEST_MULTIBOOT_H

#include <stdint.h>

#define MB1_INFO_MEM     (1u << 0)
#define MB1_INFO_CMDLINE (1u << 2)
#define MB1_INFO_MODS    (1u << 3)
#define MB1_INFO_MMAP    (1u << 6)
#define MB1_INFO_LOADER  (1u << 9)

struct mb1_info {
    uint32_t flags;
    uint32_t mem_lower, mem_upper; /* KiB below 1 MiB / from 1 MiB to the first hole */
    uint32_t boot_device;
    uint32_t cmdline;
    uint32_t mods_count, mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length, mmap_addr;
    uint32_t drives_length, drives_addr;
    uint32_t config_table;
    uint32_t boot_loader_name;
};

/* Memory map entries: size counts the bytes after itself. */
struct __attribute__((packed)) mb1_mmap_entry {
    uint32_t size;
    uint64_t addr, len;
    uint32_t type; /* 1: usable RAM */
};

static inline const struct mb1_info *mb1_info(void)
{
    extern uint32_t rt_mb_info;
    return (const struct mb1_info *)(uintptr_t)rt_mb_info;
}

#endif
