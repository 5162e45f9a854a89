/*
 * ELF-64 executables (System V gABI, x86-64 psABI): the format, and the one
 * parser every part of Vireo uses to check an image before loading it —
 * the loader (the kernel image), the kernel (init), init (servers) and the
 * VMM (multiboot guest kernels, which may also be ELF-32 i386 images and
 * load at their physical addresses). The parser only reads the image; it
 * never faults on any input.
 */
#ifndef VIREO_LIB_ELF64_H
#define VIREO_LIB_ELF64_H

#include <vireo/types.h>

#define EI_NIDENT   16
#define EI_CLASS    4
#define EI_DATA     5
#define EI_VERSION  6
#define ELFCLASS32  1
#define ELFCLASS64  2
#define ELFDATA2LSB 1
#define EV_CURRENT  1
#define ET_EXEC     2
#define EM_386      3
#define EM_X86_64   62

#define PT_NULL    0
#define PT_LOAD    1
#define PT_DYNAMIC 2
#define PT_INTERP  3
#define PT_TLS     7

#define PF_X 1u
#define PF_W 2u
#define PF_R 4u

struct elf64_ehdr {
    u8 e_ident[EI_NIDENT];
    u16 e_type;
    u16 e_machine;
    u32 e_version;
    u64 e_entry;
    u64 e_phoff;
    u64 e_shoff;
    u32 e_flags;
    u16 e_ehsize;
    u16 e_phentsize;
    u16 e_phnum;
    u16 e_shentsize;
    u16 e_shnum;
    u16 e_shstrndx;
};
VIREO_ABI_SIZE(struct elf64_ehdr, 64);

struct elf64_phdr {
    u32 p_type;
    u32 p_flags;
    u64 p_offset;
    u64 p_vaddr;
    u64 p_paddr;
    u64 p_filesz;
    u64 p_memsz;
    u64 p_align;
};
VIREO_ABI_SIZE(struct elf64_phdr, 56);

/* ELF-32 (i386): read only when elf64_rules.allow_elf32; the parser widens
 * these into the 64-bit structures above before checking them. */
struct elf32_ehdr {
    u8 e_ident[EI_NIDENT];
    u16 e_type;
    u16 e_machine;
    u32 e_version;
    u32 e_entry;
    u32 e_phoff;
    u32 e_shoff;
    u32 e_flags;
    u16 e_ehsize;
    u16 e_phentsize;
    u16 e_phnum;
    u16 e_shentsize;
    u16 e_shnum;
    u16 e_shstrndx;
};
VIREO_ABI_SIZE(struct elf32_ehdr, 52);

struct elf32_phdr {
    u32 p_type;
    u32 p_offset;
    u32 p_vaddr;
    u32 p_paddr;
    u32 p_filesz;
    u32 p_memsz;
    u32 p_flags;
    u32 p_align;
};
VIREO_ABI_SIZE(struct elf32_phdr, 32);

#define ELF64_MAX_SEGMENTS 16 /* loadable (PT_LOAD) segments */
#define ELF64_MAX_PHDRS    64 /* program headers of any type */

/* What an image must satisfy, besides being a static x86-64 ET_EXEC (no
 * PT_INTERP, PT_DYNAMIC or PT_TLS) whose at most ELF64_MAX_SEGMENTS
 * non-empty PT_LOAD segments lie inside the file, do not overlap, have
 * power-of-two alignments and only PF_R/PF_W/PF_X flags, and whose entry
 * point lies in an executable segment. */
struct elf64_rules {
    u64 low, high;          /* every segment inside [low, high) */
    const char *range_name; /* names [low, high) in reasons ("user range");
                               NULL reads "allowed range" */
    bool separate_pages;    /* no two segments share a page; vaddr and file
                               offset agree modulo the page size (so a loader
                               can map file pages with each segment's rights) */
    bool forbid_wx;         /* no segment both writable and executable */
    bool allow_elf32;       /* also accept ELF-32 i386 (EM_386) images */
    bool load_by_paddr;     /* segments go to p_paddr, not p_vaddr (a
                               physical loader, as QEMU loads multiboot
                               ELFs): the range, overlap and page checks,
                               low/high and segments[].vaddr use p_paddr,
                               and the entry is translated (below) */
};

struct elf64_segment {
    u64 vaddr, memsz;   /* in memory: [vaddr, vaddr + memsz), memsz > 0;
                           vaddr is p_paddr under load_by_paddr */
    u64 offset, filesz; /* in the file: filesz <= memsz, the rest is zero */
    u32 flags;          /* PF_R | PF_W | PF_X */
};

/* Under load_by_paddr the entry is e_entry moved by (p_paddr - p_vaddr) of
 * the first executable segment whose file bytes hold it at its p_vaddr (a
 * kernel linked high but loaded low); otherwise e_entry as it is. */
struct elf64_image {
    u64 entry;
    u64 low, high; /* span of all segments: lowest vaddr, highest end */
    u32 segment_count;
    struct elf64_segment segments[ELF64_MAX_SEGMENTS]; /* in program header order */
    u32 elf_class; /* ELFCLASS64, or ELFCLASS32 (allow_elf32 only) */
};

/* Checks image (size bytes, any alignment) against rules and fills *out.
 * Reads nothing outside [image, image + size). On failure returns false,
 * leaves *out zeroed and writes a one-line reason, without a trailing
 * newline, into why (truncated to why_size; why may be NULL if why_size
 * is 0). */
bool elf64_parse(const void *image, u64 size, const struct elf64_rules *rules,
                 struct elf64_image *out, char *why, size_t why_size);

#endif
