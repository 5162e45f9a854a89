/* The load plan of a multiboot1 image (mb1_plan.h). */
#include "mb1_plan.h"
#include "mb1_memory.h"
#include "multiboot1.h"
#include <vireo/format.h>
#include <string.h>

/* The a.out kludge (specification 3.1.3): the header says where it sits
 * in memory (header_addr), so the file offset of load_addr follows from
 * the header's own offset. */
static bool plan_kludge(const struct mb1_header *h, u64 size, struct mb1_plan *p,
                        const struct mb1_why *why)
{
    if (h->header_addr < h->load_addr)
        return mb1_fail(why, "a.out kludge: header_addr 0x%x is below load_addr 0x%x",
                        h->header_addr, h->load_addr);
    u64 before = h->header_addr - h->load_addr; /* bytes loaded before the header */
    if (before > h->offset)
        return mb1_fail(why,
                        "a.out kludge: load_addr 0x%x is 0x%llx bytes before header_addr 0x%x, "
                        "but the header is at file offset 0x%x",
                        h->load_addr, MB1_ULL(before), h->header_addr, h->offset);
    u64 offset = h->offset - before;
    u64 filesz = size - offset; /* load_end_addr 0: the rest of the file */
    if (h->load_end_addr) {
        if (h->load_end_addr < h->load_addr)
            return mb1_fail(why, "a.out kludge: load_end_addr 0x%x is below load_addr 0x%x",
                            h->load_end_addr, h->load_addr);
        filesz = (u64)h->load_end_addr - h->load_addr;
        if (filesz > size - offset)
            return mb1_fail(why,
                            "a.out kludge: file truncated: 0x%llx bytes to load from offset "
                            "0x%llx, the file has %llu bytes",
                            MB1_ULL(filesz), MB1_ULL(offset), MB1_ULL(size));
    }
    u64 memsz = filesz; /* bss_end_addr 0: no bss */
    if (h->bss_end_addr) {
        if (h->bss_end_addr < h->load_addr + filesz)
            return mb1_fail(why, "a.out kludge: bss_end_addr 0x%x is below the loaded end 0x%llx",
                            h->bss_end_addr, MB1_ULL(h->load_addr + filesz));
        memsz = (u64)h->bss_end_addr - h->load_addr;
    }
    if (memsz == 0)
        return mb1_fail(why, "a.out kludge: nothing to load (load_addr 0x%x, empty image)",
                        h->load_addr);
    if (h->entry_addr < h->load_addr || h->entry_addr - h->load_addr >= filesz)
        return mb1_fail(why,
                        "a.out kludge: entry_addr 0x%x is outside the loaded bytes "
                        "[0x%x, 0x%llx)",
                        h->entry_addr, h->load_addr, MB1_ULL(h->load_addr + filesz));
    p->format = MB1_FORMAT_AOUT_KLUDGE;
    p->entry = h->entry_addr;
    p->range_count = 1;
    p->ranges[0] = (struct mb1_range){h->load_addr, memsz, offset, filesz};
    return true;
}

/* Without the kludge the image must be ELF; QEMU's rule, widened to
 * ELF-64: segments at p_paddr, overlap and RAM checked by the one parser. */
static bool plan_elf(const void *image, u64 size, u64 ram_size, struct mb1_plan *p,
                     const struct mb1_why *why)
{
    const struct elf64_rules rules = {
        .low = 0,
        .high = ram_size,
        .range_name = "guest RAM",
        .allow_elf32 = true,
        .load_by_paddr = true,
    };
    struct elf64_image elf;
    char reason[160];
    if (!elf64_parse(image, size, &rules, &elf, reason, sizeof(reason)))
        return mb1_fail(why,
                        "multiboot header without the a.out kludge, so an ELF image is "
                        "needed: %s",
                        reason);
    p->format = elf.elf_class == ELFCLASS32 ? MB1_FORMAT_ELF32 : MB1_FORMAT_ELF64;
    p->entry = (u32)elf.entry; /* inside RAM, below MB1_RAM_MAX */
    p->range_count = elf.segment_count;
    for (u32 i = 0; i < elf.segment_count; i++) {
        const struct elf64_segment *s = &elf.segments[i];
        p->ranges[i] = (struct mb1_range){s->vaddr, s->memsz, s->offset, s->filesz};
    }
    return true;
}

static bool plan(const void *image, u64 size, u64 ram_size, struct mb1_plan *p,
                 const struct mb1_why *why)
{
    if (!mb1_ram_check(ram_size, why) || !mb1_header_find(image, size, &p->header, why))
        return false;
    bool ok = p->header.flags & MB1_HF_AOUT_KLUDGE ? plan_kludge(&p->header, size, p, why)
                                                   : plan_elf(image, size, ram_size, p, why);
    if (!ok)
        return false;
    p->low = ~0ull;
    for (u32 i = 0; i < p->range_count; i++) {
        const struct mb1_range *r = &p->ranges[i];
        char what[32] = "image";
        if (p->format != MB1_FORMAT_AOUT_KLUDGE)
            snformat(what, sizeof(what), "segment %u", i);
        if (!mb1_place_check(ram_size, r->gpa, r->memsz, what, why))
            return false;
        if (r->gpa < p->low)
            p->low = r->gpa;
        if (r->gpa + r->memsz > p->high)
            p->high = r->gpa + r->memsz;
    }
    return true;
}

bool mb1_plan(const void *image, u64 size, u64 ram_size, struct mb1_plan *out,
              const struct mb1_why *why)
{
    memset(out, 0, sizeof(*out));
    mb1_why_clear(why);
    if (plan(image, size, ram_size, out, why))
        return true;
    memset(out, 0, sizeof(*out));
    return false;
}
