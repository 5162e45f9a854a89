/*
 * Validation of init's ELF image before anything is mapped. Every check
 * the loader (init_task.c) relies on is made here, so loading cannot fault:
 * a static x86-64 ET_EXEC whose PT_LOAD segments lie in
 * [INIT_ELF_LOW, INIT_ELF_HIGH), are inside the file, have vaddr and
 * offset congruent modulo the page size, are not writable and executable
 * at once, and do not share a page with one another.
 */
#ifndef KERNEL_INIT_ELF_H
#define KERNEL_INIT_ELF_H

#include "elf64.h"
#include <vireo/init_info.h>
#include <vireo/types.h>
#include <stddef.h>

#define INIT_ELF_LOW       0x1000ull           /* page 0 stays unmapped */
#define INIT_ELF_HIGH      VIREO_INIT_DTB_ADDR /* everything above is the kernel's */
#define INIT_ELF_MAX_PHDRS 64

struct init_elf_segment {
    u64 vaddr; /* first byte */
    u64 memsz;
    u64 offset; /* in the file */
    u64 filesz;
    u32 flags; /* PF_* */
};

struct init_elf {
    u64 entry;
    u32 segment_count;
    struct init_elf_segment segments[INIT_ELF_MAX_PHDRS];
};

/* Returns true and fills *out if image is acceptable; otherwise writes a
 * one-line reason (no newline) into why. */
bool init_elf_check(const void *image, u64 size, struct init_elf *out, char *why, size_t why_size);

#endif
