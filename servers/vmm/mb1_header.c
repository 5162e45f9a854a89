/* The multiboot1 header scan (mb1_header.h). */
#include "mb1_header.h"
#include "multiboot1.h"
#include <string.h>

/* Requirement bits this loader meets. The video mode is accepted without
 * a framebuffer, as QEMU does, so that kernels written for it still boot;
 * their info block simply lacks MB1_INFO_VBE. */
#define KNOWN_REQUIREMENTS (MB1_HF_PAGE_ALIGN | MB1_HF_MEMORY_INFO | MB1_HF_VIDEO_MODE)

static u32 get32(const u8 *p)
{
    u32 v;
    memcpy(&v, p, sizeof(v));
    return v;
}

/* Offset of the first valid magic + checksum, or ~0u. */
static u32 scan(const u8 *bytes, u64 size)
{
    u64 limit = size < MB1_HEADER_SEARCH ? size : MB1_HEADER_SEARCH;
    for (u64 i = 0; i + MB1_H_SIZE_BASE <= limit; i += 4) {
        const u8 *h = bytes + i;
        if (get32(h + MB1_H_MAGIC) != MB1_HEADER_MAGIC)
            continue;
        if ((u32)(MB1_HEADER_MAGIC + get32(h + MB1_H_FLAGS) + get32(h + MB1_H_CHECKSUM)) == 0)
            return (u32)i;
    }
    return ~0u;
}

static bool no_header(const u8 *bytes, u64 size, const struct mb1_why *why)
{
    u64 limit = size < MB1_HEADER_SEARCH ? size : MB1_HEADER_SEARCH;
    for (u64 i = 0; i + 4 <= limit; i += 4) {
        if (get32(bytes + i) == MB1_HEADER_MAGIC)
            return mb1_fail(why,
                            "no multiboot header: magic 0x%x at offset 0x%llx but its checksum "
                            "does not add up (or its flags and checksum lie past the first "
                            "8 KiB or the file)",
                            MB1_HEADER_MAGIC, MB1_ULL(i));
    }
    return mb1_fail(why,
                    "no multiboot header: magic 0x%x not found 4-byte aligned in the first "
                    "%llu bytes",
                    MB1_HEADER_MAGIC, MB1_ULL(limit));
}

bool mb1_header_find(const void *image, u64 size, struct mb1_header *out, const struct mb1_why *why)
{
    memset(out, 0, sizeof(*out));
    mb1_why_clear(why);
    if (!image)
        return mb1_fail(why, "no image");
    const u8 *bytes = image;
    u32 at = scan(bytes, size);
    if (at == ~0u)
        return no_header(bytes, size, why);
    const u8 *h = bytes + at;
    u32 flags = get32(h + MB1_H_FLAGS);
    u32 unknown = flags & MB1_HF_REQUIRED & ~KNOWN_REQUIREMENTS;
    if (unknown)
        return mb1_fail(why,
                        "multiboot header at 0x%x requires features 0x%x (flags 0x%x) that this "
                        "loader does not provide",
                        at, unknown, flags);
    u32 need = MB1_H_SIZE_BASE;
    if (flags & MB1_HF_AOUT_KLUDGE)
        need = MB1_H_SIZE_AOUT;
    if (flags & MB1_HF_VIDEO_MODE)
        need = MB1_H_SIZE_VIDEO;
    if (at + need > MB1_HEADER_SEARCH)
        return mb1_fail(why,
                        "multiboot header at 0x%x (flags 0x%x, %u bytes) extends beyond the "
                        "first %u bytes",
                        at, flags, need, MB1_HEADER_SEARCH);
    if (at + need > size)
        return mb1_fail(why,
                        "multiboot header at 0x%x (flags 0x%x, %u bytes) is cut off by the end "
                        "of the file (%llu bytes)",
                        at, flags, need, MB1_ULL(size));
    out->offset = at;
    out->flags = flags;
    if (flags & MB1_HF_AOUT_KLUDGE) {
        out->header_addr = get32(h + MB1_H_HEADER_ADDR);
        out->load_addr = get32(h + MB1_H_LOAD_ADDR);
        out->load_end_addr = get32(h + MB1_H_LOAD_END_ADDR);
        out->bss_end_addr = get32(h + MB1_H_BSS_END_ADDR);
        out->entry_addr = get32(h + MB1_H_ENTRY_ADDR);
    }
    if (flags & MB1_HF_VIDEO_MODE) {
        out->mode_type = get32(h + MB1_H_MODE_TYPE);
        out->width = get32(h + MB1_H_WIDTH);
        out->height = get32(h + MB1_H_HEIGHT);
        out->depth = get32(h + MB1_H_DEPTH);
    }
    return true;
}
