/* How one server's memory is laid out: which pages of its MEM capability
 * hold what, where each run is mapped in the server and with which rights,
 * and which file bytes init copies where. Computed from the checked ELF
 * image and the description, before any system call. */
#ifndef INIT_ELF_PLAN_H
#define INIT_ELF_PLAN_H

#include <vireo/elf64.h>

/* One run of pages of the server's MEM capability mapped in the server. */
struct plan_map {
    u64 offset; /* first page in the MEM capability */
    u64 pages;
    u64 vpage;  /* first virtual page in the server */
    u32 rights; /* VIREO_MEM_R/W/X; never W with X */
};

/* File bytes to copy into the MEM capability (the rest stays zero). */
struct plan_copy {
    u64 mem_byte; /* byte offset in the MEM capability */
    u64 file_offset, bytes;
};

#define PLAN_MAX_MAPS (ELF64_MAX_SEGMENTS + 4)

struct server_plan {
    u64 entry;
    u64 total_pages;                                 /* size of the server's MEM capability */
    u64 info_page, utcb_page, stack_page, heap_page; /* offsets in it */
    u64 stack_pages, heap_pages;
    u32 map_count, copy_count;
    struct plan_map maps[PLAN_MAX_MAPS];
    struct plan_copy copies[ELF64_MAX_SEGMENTS];
};

/* The rules a server's ELF must meet: segments below the server's fixed
 * regions, no page shared by two segments, no W+X. */
extern const struct elf64_rules server_elf_rules;

/* Segments first, then the info page, UTCB, stack and heap (memory_kib
 * covers stack and heap). False, with why, if memory_kib cannot hold the
 * stack. */
bool elf_plan_build(const struct elf64_image *img, u32 memory_kib, struct server_plan *out,
                    char *why, size_t why_size);

#endif
