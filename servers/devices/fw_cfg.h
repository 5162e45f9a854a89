/*
 * QEMU's fw_cfg, I/O-port interface (QEMU docs/specs/fw_cfg.rst): a 16-bit
 * write to the selector port (0x510) picks an item and rewinds it; each
 * 8-bit read of the data port (0x511) returns its next byte, 0 past its
 * end or for an unknown item. Read-only: data writes are ignored, as in
 * QEMU since 2.4, and there is no DMA interface (FW_CFG_ID says so).
 *
 * Items: the signature "QEMU", the feature id, the CPU count, the RAM size,
 * any bytes added by key, and named files listed in the file directory
 * (key 0x19), sorted by name. Item data stays owned by the caller.
 */
#ifndef VIREO_DEVICES_FW_CFG_H
#define VIREO_DEVICES_FW_CFG_H

#include "port_bus.h"

#define FW_CFG_PORT_SEL  0x510u
#define FW_CFG_PORT_DATA 0x511u
#define FW_CFG_PORTS     2u

#define FW_CFG_KEY_TABLE(X)                                                                        \
    X(SIGNATURE, 0x0000)                                                                           \
    X(ID, 0x0001)                                                                                  \
    X(UUID, 0x0002)                                                                                \
    X(RAM_SIZE, 0x0003)                                                                            \
    X(NOGRAPHIC, 0x0004)                                                                           \
    X(NB_CPUS, 0x0005)                                                                             \
    X(MACHINE_ID, 0x0006)                                                                          \
    X(KERNEL_ADDR, 0x0007)                                                                         \
    X(KERNEL_SIZE, 0x0008)                                                                         \
    X(KERNEL_CMDLINE, 0x0009)                                                                      \
    X(INITRD_ADDR, 0x000a)                                                                         \
    X(INITRD_SIZE, 0x000b)                                                                         \
    X(BOOT_DEVICE, 0x000c)                                                                         \
    X(NUMA, 0x000d)                                                                                \
    X(BOOT_MENU, 0x000e)                                                                           \
    X(MAX_CPUS, 0x000f)                                                                            \
    X(KERNEL_ENTRY, 0x0010)                                                                        \
    X(KERNEL_DATA, 0x0011)                                                                         \
    X(INITRD_DATA, 0x0012)                                                                         \
    X(CMDLINE_ADDR, 0x0013)                                                                        \
    X(CMDLINE_SIZE, 0x0014)                                                                        \
    X(CMDLINE_DATA, 0x0015)                                                                        \
    X(SETUP_ADDR, 0x0016)                                                                          \
    X(SETUP_SIZE, 0x0017)                                                                          \
    X(SETUP_DATA, 0x0018)                                                                          \
    X(FILE_DIR, 0x0019)                                                                            \
    X(FILE_FIRST, 0x0020)                                                                          \
    X(WRITE_CHANNEL, 0x4000)                                                                       \
    X(ARCH_LOCAL, 0x8000)                                                                          \
    X(INVALID, 0xffff)
enum fw_cfg_key {
#define FW_CFG_KEY_ENUM_(name, k) FW_CFG_##name = (k),
    FW_CFG_KEY_TABLE(FW_CFG_KEY_ENUM_)
#undef FW_CFG_KEY_ENUM_
};

#define FW_CFG_ID_TRADITIONAL 0x1u /* feature bit 0: the port interface */
#define FW_CFG_MAX_ITEMS      16u
#define FW_CFG_MAX_FILES      16u
#define FW_CFG_NAME_MAX       56u /* including the terminating NUL */
#define FW_CFG_DIR_ENTRY      64u /* bytes per directory entry */

struct fw_cfg_item {
    u16 key;
    u32 len;
    const u8 *data;
};

struct fw_cfg_file {
    char name[FW_CFG_NAME_MAX];
    u32 len;
    const u8 *data;
};

struct fw_cfg {
    u16 selector;
    u32 offset;
    u8 id[4]; /* little-endian, as QEMU stores them */
    u8 nb_cpus[2];
    u8 max_cpus[2];
    u8 ram_size[8];
    struct fw_cfg_item item[FW_CFG_MAX_ITEMS];
    unsigned items;
    struct fw_cfg_file file[FW_CFG_MAX_FILES]; /* sorted by name */
    unsigned files;
};

void fw_cfg_init(struct fw_cfg *fc, u16 cpus, u64 ram_size);
/* Adds or replaces a plain item. -1 for keys the model owns (signature,
 * id, CPU counts, RAM size, file directory and file keys) or a full table. */
int fw_cfg_add_bytes(struct fw_cfg *fc, u16 key, const void *data, u32 len);
/* Adds a named file; its key (FW_CFG_FILE_FIRST + its place in name order)
 * can change when files are added before the guest runs. -1 for an empty,
 * too long or duplicate name, or a full table. */
int fw_cfg_add_file(struct fw_cfg *fc, const char *name, const void *data, u32 len);
/* The key of a file, or FW_CFG_INVALID. */
u16 fw_cfg_file_key(const struct fw_cfg *fc, const char *name);

void fw_cfg_select(struct fw_cfg *fc, u16 key);
u8 fw_cfg_read_byte(struct fw_cfg *fc);
/* Size of the selected item's data (0 if none). */
u32 fw_cfg_item_len(const struct fw_cfg *fc, u16 key);

u32 fw_cfg_io_read(void *dev, u16 offset, unsigned size);
void fw_cfg_io_write(void *dev, u16 offset, unsigned size, u32 value);
struct port_range fw_cfg_port_range(struct fw_cfg *fc, u16 base);

#endif
