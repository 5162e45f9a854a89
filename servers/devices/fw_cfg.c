/* QEMU's fw_cfg, port interface (fw_cfg.h). */
#include <string.h>

#include "fw_cfg.h"

#define KEY_MASK 0x3fffu /* the write-channel bit does not change which item */

static const u8 signature[4] = {'Q', 'E', 'M', 'U'};

static void put_le(u8 *p, u64 v, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++)
        p[i] = (u8)(v >> (8 * i));
}

void fw_cfg_init(struct fw_cfg *fc, u16 cpus, u64 ram_size)
{
    memset(fc, 0, sizeof(*fc));
    fc->selector = FW_CFG_INVALID;
    put_le(fc->id, FW_CFG_ID_TRADITIONAL, 4);
    put_le(fc->nb_cpus, cpus, 2);
    put_le(fc->max_cpus, cpus, 2);
    put_le(fc->ram_size, ram_size, 8);
}

static bool model_owned(u16 key)
{
    u16 k = key & KEY_MASK;
    if (key & FW_CFG_ARCH_LOCAL)
        return false;
    return k == FW_CFG_SIGNATURE || k == FW_CFG_ID || k == FW_CFG_NB_CPUS || k == FW_CFG_MAX_CPUS ||
           k == FW_CFG_RAM_SIZE || k >= FW_CFG_FILE_DIR;
}

int fw_cfg_add_bytes(struct fw_cfg *fc, u16 key, const void *data, u32 len)
{
    if (key == FW_CFG_INVALID)
        return -1;
    key &= (u16)~FW_CFG_WRITE_CHANNEL;
    if (model_owned(key))
        return -1;
    for (unsigned i = 0; i < fc->items; i++)
        if (fc->item[i].key == key) {
            fc->item[i].data = data;
            fc->item[i].len = len;
            return 0;
        }
    if (fc->items >= FW_CFG_MAX_ITEMS)
        return -1;
    fc->item[fc->items++] = (struct fw_cfg_item){.key = key, .len = len, .data = data};
    return 0;
}

int fw_cfg_add_file(struct fw_cfg *fc, const char *name, const void *data, u32 len)
{
    size_t n = strnlen(name, FW_CFG_NAME_MAX);
    if (n == 0 || n >= FW_CFG_NAME_MAX || fc->files >= FW_CFG_MAX_FILES)
        return -1;
    unsigned at = 0;
    while (at < fc->files) {
        int c = strcmp(name, fc->file[at].name);
        if (c == 0)
            return -1;
        if (c < 0)
            break;
        at++;
    }
    memmove(&fc->file[at + 1], &fc->file[at], (fc->files - at) * sizeof(fc->file[0]));
    struct fw_cfg_file *f = &fc->file[at];
    memset(f->name, 0, sizeof(f->name));
    memcpy(f->name, name, n);
    f->len = len;
    f->data = data;
    fc->files++;
    return 0;
}

u16 fw_cfg_file_key(const struct fw_cfg *fc, const char *name)
{
    for (unsigned i = 0; i < fc->files; i++)
        if (strcmp(fc->file[i].name, name) == 0)
            return (u16)(FW_CFG_FILE_FIRST + i);
    return FW_CFG_INVALID;
}

/* A directory byte: count (BE32), then per file size (BE32), select
 * (BE16), reserved (16 bits), name[56]. */
static u8 dir_byte(const struct fw_cfg *fc, u32 off)
{
    if (off < 4)
        return (u8)(fc->files >> (8 * (3 - off)));
    off -= 4;
    unsigned i = off / FW_CFG_DIR_ENTRY, at = off % FW_CFG_DIR_ENTRY;
    if (i >= fc->files)
        return 0;
    const struct fw_cfg_file *f = &fc->file[i];
    if (at < 4)
        return (u8)(f->len >> (8 * (3 - at)));
    if (at < 6)
        return (u8)((FW_CFG_FILE_FIRST + i) >> (8 * (5 - at)));
    if (at < 8)
        return 0;
    return (u8)f->name[at - 8];
}

/* The data of a key, or 0 with *len = 0. The directory is computed. */
static const u8 *item_data(const struct fw_cfg *fc, u16 key, u32 *len)
{
    u16 k = key & (u16)~FW_CFG_WRITE_CHANNEL;
    *len = 0;
    if (!(k & FW_CFG_ARCH_LOCAL)) {
        switch (k) {
        case FW_CFG_SIGNATURE:
            *len = sizeof(signature);
            return signature;
        case FW_CFG_ID:
            *len = sizeof(fc->id);
            return fc->id;
        case FW_CFG_NB_CPUS:
            *len = sizeof(fc->nb_cpus);
            return fc->nb_cpus;
        case FW_CFG_MAX_CPUS:
            *len = sizeof(fc->max_cpus);
            return fc->max_cpus;
        case FW_CFG_RAM_SIZE:
            *len = sizeof(fc->ram_size);
            return fc->ram_size;
        default:
            break;
        }
        if (k >= FW_CFG_FILE_FIRST && (unsigned)(k - FW_CFG_FILE_FIRST) < fc->files) {
            *len = fc->file[k - FW_CFG_FILE_FIRST].len;
            return fc->file[k - FW_CFG_FILE_FIRST].data;
        }
    }
    for (unsigned i = 0; i < fc->items; i++)
        if (fc->item[i].key == k) {
            *len = fc->item[i].len;
            return fc->item[i].data;
        }
    return 0;
}

u32 fw_cfg_item_len(const struct fw_cfg *fc, u16 key)
{
    if ((key & (u16)~FW_CFG_WRITE_CHANNEL) == FW_CFG_FILE_DIR)
        return 4 + fc->files * FW_CFG_DIR_ENTRY;
    u32 len;
    item_data(fc, key, &len);
    return len;
}

void fw_cfg_select(struct fw_cfg *fc, u16 key)
{
    fc->selector = key;
    fc->offset = 0;
}

u8 fw_cfg_read_byte(struct fw_cfg *fc)
{
    u8 byte = 0;
    if ((fc->selector & (u16)~FW_CFG_WRITE_CHANNEL) == FW_CFG_FILE_DIR) {
        if (fc->offset < fw_cfg_item_len(fc, FW_CFG_FILE_DIR))
            byte = dir_byte(fc, fc->offset);
    } else {
        u32 len;
        const u8 *data = item_data(fc, fc->selector, &len);
        if (data && fc->offset < len)
            byte = data[fc->offset];
    }
    if (fc->offset < 0xffffffffu) /* reads past the end stay past it */
        fc->offset++;
    return byte;
}

u32 fw_cfg_io_read(void *dev, u16 offset, unsigned size)
{
    (void)offset; /* QEMU's I/O region answers data reads at both ports */
    if (size != 1)
        return 0xffffffffu;
    return fw_cfg_read_byte(dev);
}

void fw_cfg_io_write(void *dev, u16 offset, unsigned size, u32 value)
{
    if (size == 2 && offset == 0)
        fw_cfg_select(dev, (u16)value);
    /* 8-bit data writes: the write interface is gone (QEMU >= 2.4) */
}

struct port_range fw_cfg_port_range(struct fw_cfg *fc, u16 base)
{
    return (struct port_range){.base = base,
                               .count = FW_CFG_PORTS,
                               .sizes = PORT_SIZE_1 | PORT_SIZE_2,
                               .read = fw_cfg_io_read,
                               .write = fw_cfg_io_write,
                               .dev = fc,
                               .name = "fw_cfg"};
}
