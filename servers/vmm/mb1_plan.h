/*
 * What loading a multiboot1 image means, decided before anything is
 * written: which file bytes go to which guest-physical range, what is
 * zeroed and where execution starts. As QEMU's -kernel: the a.out-kludge
 * address fields when the header has them (flag 16), whatever the file
 * format; otherwise the ELF program headers at their physical addresses
 * (ELF-32 i386, and also ELF-64 x86-64, which QEMU refuses).
 */
#ifndef VIREO_VMM_MB1_PLAN_H
#define VIREO_VMM_MB1_PLAN_H

#include "mb1_header.h"
#include <vireo/elf64.h>

enum mb1_format {
    MB1_FORMAT_AOUT_KLUDGE = 1, /* the header's address fields */
    MB1_FORMAT_ELF32 = 2,
    MB1_FORMAT_ELF64 = 3,
};

#define MB1_MAX_RANGES ELF64_MAX_SEGMENTS

/* File bytes [offset, offset + filesz) go to [gpa, gpa + filesz); the rest
 * of [gpa, gpa + memsz) is zeroed (bss). */
struct mb1_range {
    u64 gpa, memsz;
    u64 offset, filesz;
};

struct mb1_plan {
    u32 format; /* enum mb1_format */
    struct mb1_header header;
    u32 entry;     /* EIP */
    u64 low, high; /* span of all ranges */
    u32 range_count;
    struct mb1_range ranges[MB1_MAX_RANGES]; /* disjoint */
};

/* Plans image (size bytes) for a VM with ram_size bytes of RAM (checked by
 * mb1_ram_check). Every range lies in RAM, outside the reserved hole below
 * 1 MiB and the boot information page; the entry lies in the loaded bytes
 * (a.out kludge) or in an executable segment (ELF). On failure returns
 * false with *out zeroed and a one-line reason. */
bool mb1_plan(const void *image, u64 size, u64 ram_size, struct mb1_plan *out,
              const struct mb1_why *why);

#endif
