/*
 * Finding and checking the multiboot1 header of a guest image: the first
 * 4-byte-aligned MB1_HEADER_MAGIC in the first 8 KiB whose checksum holds
 * (as QEMU's -kernel and GRUB search).
 */
#ifndef VIREO_VMM_MB1_HEADER_H
#define VIREO_VMM_MB1_HEADER_H

#include "mb1_why.h"
#include <vireo/types.h>

struct mb1_header {
    u32 offset; /* file offset of the magic */
    u32 flags;  /* MB1_HF_* */
    /* valid with MB1_HF_AOUT_KLUDGE, else 0 */
    u32 header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr;
    /* valid with MB1_HF_VIDEO_MODE, else 0 (read, not acted on) */
    u32 mode_type, width, height, depth;
};

/* Fills *out from image (size bytes, any alignment; nothing outside it is
 * read). Refuses: no header, a header whose fields (12, 32 with the a.out
 * kludge or 48 with the video fields) run past the file or the first
 * 8 KiB, and requirement bits (0-15) other than page alignment, memory
 * information and the video mode (the last accepted and not honoured, as
 * QEMU does). */
bool mb1_header_find(const void *image, u64 size, struct mb1_header *out,
                     const struct mb1_why *why);

#endif
