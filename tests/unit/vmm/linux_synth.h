/* Synthetic Linux bzImages for the VMM's Linux boot tests: a setup area
 * with a protocol 2.15 setup header and a patterned protected-mode
 * kernel, built into a caller's buffer. */
#ifndef TESTS_UNIT_VMM_LINUX_SYNTH_H
#define TESTS_UNIT_VMM_LINUX_SYNTH_H

#include "linux_bootparam.h"

#define LINUX_SYNTH_MAX    0x8000
#define LINUX_SYNTH_SECTS  4      /* setup sectors: the kernel at file offset 0xa00 */
#define LINUX_SYNTH_KERNEL 0x2000 /* protected-mode bytes */
#define LINUX_SYNTH_INIT   0x800000ull
#define LINUX_SYNTH_PREF   0x1000000ull

/* A relocatable 64-bit bzImage: setup_sects 4, kernel 0x2000 bytes
 * (byte i is (i * 7 + 3) & 0xff), pref_address 16 MiB, kernel_alignment
 * 2 MiB, init_size 8 MiB, initrd_addr_max 0x7fffffff, cmdline_size 2047,
 * xloadflags KERNEL_64 | CAN_BE_LOADED_ABOVE_4G. Returns the file size. */
u64 linux_synth(u8 *img);

/* The image's setup header, to mutate (unaligned: packed). */
struct linux_setup_header *linux_synth_hdr(u8 *img);

/* The byte the kernel holds at offset i. */
static inline u8 linux_synth_byte(u64 i)
{
    return (u8)(i * 7 + 3);
}

#endif
