/* The bzImage setup header checks (linux_header.h). */
#include "linux_header.h"
#include <string.h>

#define HDR_FILE_END (LINUX_HDR_OFFSET + sizeof(struct linux_setup_header))

static bool is_power_of_two(u32 x)
{
    return x && !(x & (x - 1));
}

bool linux_is_bzimage(const void *image, u64 size)
{
    u32 magic;
    if (!image || size < LINUX_HDR_JUMP_END + 4)
        return false;
    memcpy(&magic, (const u8 *)image + LINUX_HDR_JUMP_END, 4);
    return magic == LINUX_HDRS_MAGIC;
}

static bool parse(const u8 *img, u64 size, struct linux_header *h, const struct mb1_why *why)
{
    if (!img || size < LINUX_HDR_JUMP_END + 4)
        return mb1_fail(why, "not a bzImage: %llu bytes, too short for a setup header",
                        MB1_ULL(size));
    u32 magic;
    memcpy(&magic, img + LINUX_HDR_JUMP_END, 4);
    if (magic != LINUX_HDRS_MAGIC)
        return mb1_fail(why, "not a bzImage: no \"HdrS\" magic at 0x202 (found 0x%x)", magic);
    /* The jump at 0x200 is a short jump over the header: its displacement
     * (byte 0x201) says where the header ends. */
    h->hdr_end = LINUX_HDR_JUMP_END + img[LINUX_HDR_JUMP_END - 1];
    if (h->hdr_end > size)
        return mb1_fail(why,
                        "image truncated: the setup header ends at 0x%x, the file has %llu bytes",
                        h->hdr_end, MB1_ULL(size));
    u64 copy = h->hdr_end < HDR_FILE_END ? h->hdr_end : HDR_FILE_END;
    memcpy(&h->hdr, img + LINUX_HDR_OFFSET, copy - LINUX_HDR_OFFSET);
    const struct linux_setup_header *s = &h->hdr;
    if (s->version < LINUX_PROTO_MIN_64)
        return mb1_fail(why,
                        "boot protocol %u.%02u is too old: the 64-bit entry needs 2.12 or later",
                        s->version >> 8, s->version & 0xff);
    if (h->hdr_end < offsetof(struct linux_setup_header, init_size) + LINUX_HDR_OFFSET + 4)
        return mb1_fail(why, "setup header of protocol %u.%02u ends at 0x%x, before init_size",
                        s->version >> 8, s->version & 0xff, h->hdr_end);
    if (!(s->loadflags & LINUX_LOADED_HIGH))
        return mb1_fail(why, "not a bzImage: loadflags 0x%x lack LOADED_HIGH (a zImage)",
                        s->loadflags);
    if (!(s->xloadflags & LINUX_XLF_KERNEL_64))
        return mb1_fail(why, "kernel not 64-bit capable: xloadflags 0x%x lack XLF_KERNEL_64",
                        s->xloadflags);
    if (s->relocatable_kernel && !is_power_of_two(s->kernel_alignment))
        return mb1_fail(why, "relocatable kernel with kernel_alignment 0x%x, not a power of two",
                        s->kernel_alignment);
    h->setup_sects = s->setup_sects ? s->setup_sects : LINUX_SETUP_SECTS_OLD;
    h->kernel_offset = (u64)(h->setup_sects + 1) * LINUX_SECTOR;
    if (h->kernel_offset < h->hdr_end)
        return mb1_fail(why, "setup_sects %u end at 0x%llx, inside the setup header (to 0x%x)",
                        h->setup_sects, MB1_ULL(h->kernel_offset), h->hdr_end);
    u64 code = (u64)s->syssize * 16;
    if (code == 0)
        return mb1_fail(why, "syssize 0: no protected-mode kernel");
    if (h->kernel_offset > size || code > size - h->kernel_offset)
        return mb1_fail(why,
                        "image truncated: %u setup sectors and 0x%llx bytes of kernel (syssize) "
                        "need %llu bytes, the file has %llu",
                        h->setup_sects, MB1_ULL(code), MB1_ULL(h->kernel_offset + code),
                        MB1_ULL(size));
    h->kernel_size = size - h->kernel_offset;
    return true;
}

bool linux_header_parse(const void *image, u64 size, struct linux_header *out,
                        const struct mb1_why *why)
{
    memset(out, 0, sizeof(*out));
    mb1_why_clear(why);
    if (parse(image, size, out, why))
        return true;
    memset(out, 0, sizeof(*out));
    return false;
}
