/*
 * Checking the setup header of a Linux bzImage for the 64-bit boot
 * protocol (boot.rst): the "HdrS" magic, protocol 2.12 or later, a kernel
 * loaded high with the 64-bit entry, and a file that holds the setup
 * sectors and the protected-mode code they announce.
 */
#ifndef VIREO_VMM_LINUX_HEADER_H
#define VIREO_VMM_LINUX_HEADER_H

#include "linux_bootparam.h"
#include "mb1_why.h"

struct linux_header {
    struct linux_setup_header hdr; /* as in the file; zero past its end */
    u32 hdr_end;                   /* file offset after the header: 0x202 + byte 0x201 */
    u32 setup_sects;               /* 0 in the file reads 4 */
    u64 kernel_offset;             /* (setup_sects + 1) * 512: the protected-mode code */
    u64 kernel_size;               /* file bytes from kernel_offset to the end */
};

/* Whether image carries a bzImage setup header ("HdrS" at 0x202): the VMM
 * boots it with the Linux boot protocol, anything else as multiboot1. */
bool linux_is_bzimage(const void *image, u64 size);

/* Fills *out from image (size bytes, any alignment; nothing outside it is
 * read). On failure returns false with *out zeroed and a one-line reason. */
bool linux_header_parse(const void *image, u64 size, struct linux_header *out,
                        const struct mb1_why *why);

#endif
