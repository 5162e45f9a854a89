/* Multiboot 0.6.96 and Multiboot2 information layouts (from the specs). */
#include "multiboot.h"
#include "modname.h"
#include <vireo/stop.h>
#include <string.h>

#define BAD_INFO "bad multiboot information"

/* multiboot1 info flags and field offsets */
#define MB1_FLAG_MEM     (1u << 0)
#define MB1_FLAG_CMDLINE (1u << 2)
#define MB1_FLAG_MODS    (1u << 3)
#define MB1_FLAG_MMAP    (1u << 6)
#define MB1_INFO_SIZE    88
#define MB1_MOD_SIZE     16

/* multiboot2 tag types */
#define MB2_TAG_END       0
#define MB2_TAG_CMDLINE   1
#define MB2_TAG_MODULE    3
#define MB2_TAG_BASIC_MEM 4
#define MB2_TAG_MMAP      6
#define MB2_TAG_ACPI_OLD  14
#define MB2_TAG_ACPI_NEW  15

/* The longest command line (module or loader) read from the info block. */
#define CMDLINE_MAX 4096

static u32 rd32(const u8 *p)
{
    u32 v;
    memcpy(&v, p, sizeof(v));
    return v;
}

static u64 rd64(const u8 *p)
{
    u64 v;
    memcpy(&v, p, sizeof(v));
    return v;
}

static const u8 *map(const struct phys_view *view, u64 phys, u64 size)
{
    return view->map(view->ctx, phys, size);
}

/* A NUL-terminated string at phys, read byte range by byte range. */
static bool read_string(const struct phys_view *view, u64 phys, const char **s, size_t *len,
                        struct boot_error *err)
{
    for (size_t n = 0; n < CMDLINE_MAX; n++) {
        const u8 *c = map(view, phys + n, 1);
        if (!c)
            return boot_fail(err, VIREO_STOP_BAD_BOOT, BAD_INFO,
                             "multiboot string at 0x%llx is not readable",
                             (unsigned long long)phys);
        if (*c == 0) {
            *s = (const char *)map(view, phys, n + 1);
            *len = n;
            return true;
        }
    }
    return boot_fail(err, VIREO_STOP_BAD_BOOT, BAD_INFO,
                     "multiboot string at 0x%llx is longer than %d bytes", (unsigned long long)phys,
                     CMDLINE_MAX);
}

static bool add_region(struct boot_input *out, u64 base, u64 size, u32 type, struct boot_error *err)
{
    if (size == 0)
        return true;
    if (out->mem_count == VIREO_BOOT_MAX_MEM)
        return boot_fail(err, VIREO_STOP_BAD_BOOT, "memory map too long",
                         "the firmware's memory map has more than %d entries", VIREO_BOOT_MAX_MEM);
    out->mem[out->mem_count++] =
        (struct vireo_mem_region){.base = base, .size = size, .type = type};
    return true;
}

static bool add_module(struct boot_input *out, u64 start, u64 end, const char *cmdline, size_t len,
                       struct boot_error *err)
{
    if (out->module_count == VIREO_BOOT_MAX_MODULES)
        return boot_fail(err, VIREO_STOP_BAD_BOOT, "too many boot modules",
                         "more than %d boot modules", VIREO_BOOT_MAX_MODULES);
    if (end < start)
        return boot_fail(err, VIREO_STOP_BAD_BOOT, BAD_INFO,
                         "boot module \"%.*s\" ends (0x%llx) before it starts (0x%llx)", (int)len,
                         cmdline, (unsigned long long)end, (unsigned long long)start);
    struct vireo_module *m = &out->modules[out->module_count];
    memset(m, 0, sizeof(*m));
    if (!module_name_split(cmdline, len, m->name, m->args, err))
        return false;
    m->phys = start;
    m->size = end - start;
    out->module_count++;
    return true;
}

static bool set_cmdline(struct boot_input *out, const struct phys_view *view, u64 phys,
                        struct boot_error *err)
{
    const char *s;
    size_t len;
    return read_string(view, phys, &s, &len, err) &&
           loader_cmdline_strip(s, len, out->cmdline, err);
}

static bool mb1_parse(u64 info_phys, const struct phys_view *view, struct boot_input *out,
                      struct boot_error *err)
{
    const u8 *info = map(view, info_phys, MB1_INFO_SIZE);
    if (!info)
        return boot_fail(err, VIREO_STOP_BAD_BOOT, BAD_INFO,
                         "multiboot information at 0x%llx is not readable",
                         (unsigned long long)info_phys);
    u32 flags = rd32(info);
    out->info_size = MB1_INFO_SIZE;

    if (flags & MB1_FLAG_CMDLINE) {
        if (!set_cmdline(out, view, rd32(info + 16), err))
            return false;
    }
    if (flags & MB1_FLAG_MMAP) {
        u32 length = rd32(info + 44), addr = rd32(info + 48);
        const u8 *mmap = map(view, addr, length);
        if (!mmap)
            return boot_fail(err, VIREO_STOP_BAD_BOOT, BAD_INFO,
                             "multiboot memory map at 0x%x is not readable", addr);
        /* Each entry: u32 size (not counting itself), u64 base, u64 length, u32 type. */
        for (u32 off = 0; off + 24 <= length;) {
            u32 size = rd32(mmap + off);
            if (size < 20)
                return boot_fail(err, VIREO_STOP_BAD_BOOT, BAD_INFO,
                                 "multiboot memory map entry at offset %u has size %u", off, size);
            if (!add_region(out, rd64(mmap + off + 4), rd64(mmap + off + 12), rd32(mmap + off + 20),
                            err))
                return false;
            off += size + 4;
        }
    } else if (flags & MB1_FLAG_MEM) {
        /* No map: lower memory from 0, upper memory from 1 MiB, in KiB. */
        if (!add_region(out, 0, (u64)rd32(info + 4) * 1024, VIREO_MEM_USABLE, err) ||
            !add_region(out, 0x100000, (u64)rd32(info + 8) * 1024, VIREO_MEM_USABLE, err))
            return false;
    }
    if (out->mem_count == 0)
        return boot_fail(err, VIREO_STOP_BAD_BOOT, BAD_INFO,
                         "the boot loader passed no memory information");

    if (flags & MB1_FLAG_MODS) {
        u32 count = rd32(info + 20), addr = rd32(info + 24);
        if (count > VIREO_BOOT_MAX_MODULES)
            return boot_fail(err, VIREO_STOP_BAD_BOOT, "too many boot modules",
                             "%u boot modules, at most %d are supported", count,
                             VIREO_BOOT_MAX_MODULES);
        const u8 *mods = map(view, addr, (u64)count * MB1_MOD_SIZE);
        if (count && !mods)
            return boot_fail(err, VIREO_STOP_BAD_BOOT, BAD_INFO,
                             "multiboot module list at 0x%x is not readable", addr);
        for (u32 i = 0; i < count; i++) {
            const u8 *m = mods + i * MB1_MOD_SIZE;
            const char *s = "";
            size_t len = 0;
            if (rd32(m + 8) && !read_string(view, rd32(m + 8), &s, &len, err))
                return false;
            if (!add_module(out, rd32(m), rd32(m + 4), s, len, err))
                return false;
        }
    }
    return true;
}

static bool mb2_mmap(const u8 *tag, u32 size, struct boot_input *out, struct boot_error *err)
{
    if (size < 16)
        return boot_fail(err, VIREO_STOP_BAD_BOOT, BAD_INFO, "multiboot2 memory map tag too short");
    u32 entry_size = rd32(tag + 8);
    if (entry_size < 24)
        return boot_fail(err, VIREO_STOP_BAD_BOOT, BAD_INFO,
                         "multiboot2 memory map entry size %u is below 24", entry_size);
    for (u32 off = 16; off + entry_size <= size; off += entry_size) {
        if (!add_region(out, rd64(tag + off), rd64(tag + off + 8), rd32(tag + off + 16), err))
            return false;
    }
    return true;
}

static bool mb2_parse(u64 info_phys, const struct phys_view *view, struct boot_input *out,
                      struct boot_error *err)
{
    const u8 *head = map(view, info_phys, 8);
    if (!head)
        return boot_fail(err, VIREO_STOP_BAD_BOOT, BAD_INFO,
                         "multiboot2 information at 0x%llx is not readable",
                         (unsigned long long)info_phys);
    u32 total = rd32(head);
    const u8 *info = map(view, info_phys, total);
    if (total < 16 || !info)
        return boot_fail(err, VIREO_STOP_BAD_BOOT, BAD_INFO,
                         "multiboot2 information has a bad total size %u", total);
    out->info_size = total;

    bool ended = false, have_mmap = false;
    u64 basic_lower = 0, basic_upper = 0;
    bool have_basic = false;
    for (u32 off = 8; off + 8 <= total && !ended;) {
        const u8 *tag = info + off;
        u32 type = rd32(tag), size = rd32(tag + 4);
        if (size < 8 || size > total - off)
            return boot_fail(err, VIREO_STOP_BAD_BOOT, BAD_INFO,
                             "multiboot2 tag %u at offset %u has a bad size %u", type, off, size);
        switch (type) {
        case MB2_TAG_END:
            ended = true;
            break;
        case MB2_TAG_CMDLINE:
            if (!loader_cmdline_strip((const char *)tag + 8, size - 8, out->cmdline, err))
                return false;
            break;
        case MB2_TAG_MODULE:
            if (size < 16)
                return boot_fail(err, VIREO_STOP_BAD_BOOT, BAD_INFO,
                                 "multiboot2 module tag too short");
            if (!add_module(out, rd32(tag + 8), rd32(tag + 12), (const char *)tag + 16, size - 16,
                            err))
                return false;
            break;
        case MB2_TAG_BASIC_MEM:
            if (size >= 16) {
                have_basic = true;
                basic_lower = (u64)rd32(tag + 8) * 1024;
                basic_upper = (u64)rd32(tag + 12) * 1024;
            }
            break;
        case MB2_TAG_MMAP:
            if (!mb2_mmap(tag, size, out, err))
                return false;
            have_mmap = true;
            break;
        case MB2_TAG_ACPI_OLD:
        case MB2_TAG_ACPI_NEW:
            /* The new (ACPI 2.0+) copy wins over the old one. */
            if (type == MB2_TAG_ACPI_NEW || out->rsdp_size == 0) {
                u32 n = size - 8 < RSDP_MAX_SIZE ? size - 8 : RSDP_MAX_SIZE;
                memcpy(out->rsdp, tag + 8, n);
                out->rsdp_size = n;
            }
            break;
        default:
            break;
        }
        off += (size + 7) & ~7u;
    }
    if (!ended)
        return boot_fail(err, VIREO_STOP_BAD_BOOT, BAD_INFO,
                         "multiboot2 information has no end tag");
    if (!have_mmap && have_basic) {
        if (!add_region(out, 0, basic_lower, VIREO_MEM_USABLE, err) ||
            !add_region(out, 0x100000, basic_upper, VIREO_MEM_USABLE, err))
            return false;
    }
    if (out->mem_count == 0)
        return boot_fail(err, VIREO_STOP_BAD_BOOT, BAD_INFO,
                         "the boot loader passed no memory information");
    return true;
}

bool multiboot_parse(u32 magic, u64 info_phys, const struct phys_view *view, struct boot_input *out,
                     struct boot_error *err)
{
    memset(out, 0, sizeof(*out));
    out->info_phys = info_phys;
    if (magic == MB1_BOOT_MAGIC) {
        out->protocol = VIREO_BOOT_MULTIBOOT1;
        return mb1_parse(info_phys, view, out, err);
    }
    if (magic == MB2_BOOT_MAGIC) {
        out->protocol = VIREO_BOOT_MULTIBOOT2;
        return mb2_parse(info_phys, view, out, err);
    }
    return boot_fail(err, VIREO_STOP_BAD_BOOT, "not started by a multiboot loader",
                     "started with EAX = 0x%x, not a multiboot1 (0x%x) or multiboot2 (0x%x) "
                     "boot loader",
                     magic, MB1_BOOT_MAGIC, MB2_BOOT_MAGIC);
}
