/* The memory plan of a server (elf_plan.h). */
#include "elf_plan.h"
#include <vireo/cap.h>
#include <vireo/format.h>
#include <vireo/server_info.h>
#include <string.h>

#define PAGE VIREO_PAGE_SIZE

const struct elf64_rules server_elf_rules = {
    .low = PAGE, /* page 0 stays unmapped: a NULL dereference faults */
    .high = VIREO_SERVER_HEAP_ADDR,
    .range_name = "server image range",
    .separate_pages = true,
    .forbid_wx = true,
};

static u32 segment_rights(u32 flags)
{
    /* x86 cannot map a page that is not readable. */
    u32 rights = VIREO_MEM_R;
    if (flags & PF_W)
        rights |= VIREO_MEM_W;
    if (flags & PF_X)
        rights |= VIREO_MEM_X;
    return rights;
}

static void add_map(struct server_plan *p, u64 offset, u64 pages, u64 vpage, u32 rights)
{
    p->maps[p->map_count++] = (struct plan_map){offset, pages, vpage, rights};
}

bool elf_plan_build(const struct elf64_image *img, u32 memory_kib, struct server_plan *out,
                    char *why, size_t why_size)
{
    memset(out, 0, sizeof(*out));
    u64 stack_pages = VIREO_SERVER_STACK_SIZE / PAGE;
    u64 mem_pages = (u64)memory_kib * 1024 / PAGE;
    if (mem_pages < stack_pages) {
        snformat(why, why_size, "memory-kib %u cannot hold the %llu KiB stack", memory_kib,
                 (unsigned long long)(VIREO_SERVER_STACK_SIZE / 1024));
        return false;
    }
    out->entry = img->entry;
    u64 next = 0;
    for (u32 i = 0; i < img->segment_count; i++) {
        const struct elf64_segment *s = &img->segments[i];
        u64 first = s->vaddr / PAGE, last = (s->vaddr + s->memsz - 1) / PAGE;
        add_map(out, next, last - first + 1, first, segment_rights(s->flags));
        if (s->filesz)
            out->copies[out->copy_count++] =
                (struct plan_copy){next * PAGE + s->vaddr % PAGE, s->offset, s->filesz};
        next += last - first + 1;
    }
    out->info_page = next++;
    add_map(out, out->info_page, 1, VIREO_SERVER_INFO_ADDR / PAGE, VIREO_MEM_R);
    out->utcb_page = next++;
    add_map(out, out->utcb_page, 1, VIREO_SERVER_UTCB_ADDR / PAGE, VIREO_MEM_R | VIREO_MEM_W);
    out->stack_page = next;
    out->stack_pages = stack_pages;
    add_map(out, next, stack_pages, (VIREO_SERVER_STACK_TOP - VIREO_SERVER_STACK_SIZE) / PAGE,
            VIREO_MEM_R | VIREO_MEM_W);
    next += stack_pages;
    out->heap_page = next;
    out->heap_pages = mem_pages - stack_pages;
    if (out->heap_pages)
        add_map(out, next, out->heap_pages, VIREO_SERVER_HEAP_ADDR / PAGE,
                VIREO_MEM_R | VIREO_MEM_W);
    next += out->heap_pages;
    out->total_pages = next;
    return true;
}
