/* Writing the image and the boot information (mb1_write in mb1_boot.h). */
#include "mb1_boot.h"
#include "mb1_cpu.h"
#include "mb1_memory.h"
#include "multiboot1.h"
#include <vireo/x86/pte.h>
#include <string.h>

struct writer {
    const struct guest_mem *mem;
    const struct mb1_why *why;
};

static bool put(const struct writer *w, u64 gpa, const void *src, u64 len)
{
    if (len && !w->mem->write(w->mem->ctx, gpa, src, len))
        return mb1_fail(w->why, "guest memory refused a write of 0x%llx bytes at 0x%llx",
                        MB1_ULL(len), MB1_ULL(gpa));
    return true;
}

static bool zero(const struct writer *w, u64 gpa, u64 len)
{
    if (len && !w->mem->zero(w->mem->ctx, gpa, len))
        return mb1_fail(w->why, "guest memory refused to zero 0x%llx bytes at 0x%llx", MB1_ULL(len),
                        MB1_ULL(gpa));
    return true;
}

static bool put_string(const struct writer *w, u64 gpa, const char *s)
{
    return put(w, gpa, s ? s : "", (s ? strlen(s) : 0) + 1);
}

static bool write_image(const struct writer *w, const struct mb1_plan *p, const u8 *image)
{
    for (u32 i = 0; i < p->range_count; i++) {
        const struct mb1_range *r = &p->ranges[i];
        if (!put(w, r->gpa, image + r->offset, r->filesz) ||
            !zero(w, r->gpa + r->filesz, r->memsz - r->filesz))
            return false;
    }
    return true;
}

/* One memory-map entry: the size field, then base, length and type at
 * offsets 4, 12 and 20 (unaligned, so assembled byte-wise). */
static void mmap_entry(u8 out[MB1_MMAP_ENTRY_SIZE], const struct mb1_mmap_range *r)
{
    u32 size = MB1_MMAP_SIZE_FIELD;
    memcpy(out, &size, 4);
    memcpy(out + 4, &r->base, 8);
    memcpy(out + 12, &r->length, 8);
    memcpy(out + 20, &r->type, 4);
}

static bool write_boot_page(const struct writer *w, const struct mb1_layout *l, u64 ram_size)
{
    struct mb1_mmap_range map[MB1_MMAP_ENTRIES];
    u8 entries[MB1_MMAP_ENTRIES][MB1_MMAP_ENTRY_SIZE];
    mb1_memory_map(ram_size, map);
    for (u32 i = 0; i < MB1_MMAP_ENTRIES; i++)
        mmap_entry(entries[i], &map[i]);

    struct mb1_info info = {
        .flags = MB1_INFO_MEMORY | MB1_INFO_BOOT_DEVICE | MB1_INFO_CMDLINE | MB1_INFO_MODS |
                 MB1_INFO_MEM_MAP | MB1_INFO_LOADER_NAME,
        .mem_lower = (u32)(MB1_LOW_RAM_END / 1024),
        .mem_upper = (u32)((ram_size - MB1_HIGH_RAM_START) / 1024),
        .boot_device = MB1_BOOT_DEVICE,
        .cmdline = l->cmdline_addr,
        .mods_count = l->module_count,
        .mods_addr = l->mods_addr,
        .mmap_length = l->mmap_length,
        .mmap_addr = l->mmap_addr,
        .boot_loader_name = l->loader_name_addr,
    };
    u64 gdt[MB1_GDT_ENTRIES];
    mb1_gdt(gdt);
    return zero(w, MB1_BOOT_PAGE, MB1_BOOT_PAGE_SIZE) &&
           put(w, l->mmap_addr, entries, sizeof(entries)) &&
           put(w, l->info_addr, &info, sizeof(info)) && put(w, l->gdt_addr, gdt, sizeof(gdt));
}

/* The kernel's command line: "name args", or args alone without a name. */
static bool write_cmdline(const struct writer *w, const struct mb1_request *req,
                          const struct mb1_layout *l)
{
    u64 at = l->cmdline_addr;
    if (req->image_name) {
        u64 n = strlen(req->image_name);
        if (!put(w, at, req->image_name, n) || !put(w, at + n, " ", 1))
            return false;
        at += n + 1;
    }
    return put_string(w, at, req->cmdline);
}

static bool write_area(const struct writer *w, const struct mb1_request *req,
                       const struct mb1_layout *l)
{
    if (!zero(w, l->area_start, l->area_end - l->area_start))
        return false;
    for (u32 i = 0; i < l->module_count; i++) {
        const struct mb1_module *m = &req->modules[i];
        struct mb1_mod mod = {
            .mod_start = l->module_start[i],
            .mod_end = (u32)(l->module_start[i] + m->size),
            .string = l->module_string[i],
        };
        if (!put(w, l->mods_addr + (u64)i * sizeof(mod), &mod, sizeof(mod)) ||
            !put_string(w, l->module_string[i], m->string))
            return false;
    }
    return write_cmdline(w, req, l) && put_string(w, l->loader_name_addr, MB1_LOADER_NAME);
}

/* Module bytes, and zeros up to the next page so the guest sees no stale
 * data between modules. */
static bool write_modules(const struct writer *w, const struct mb1_request *req,
                          const struct mb1_layout *l)
{
    for (u32 i = 0; i < l->module_count; i++) {
        const struct mb1_module *m = &req->modules[i];
        u64 end = l->module_start[i] + m->size;
        u64 page_end = (end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
        if (!put(w, l->module_start[i], m->data, m->size) || !zero(w, end, page_end - end))
            return false;
    }
    return true;
}

bool mb1_write(const struct mb1_request *req, const struct mb1_plan *plan,
               const struct mb1_layout *layout, const struct guest_mem *mem,
               const struct mb1_why *why)
{
    const struct writer w = {mem, why};
    return write_image(&w, plan, req->image) && write_boot_page(&w, layout, mem->size) &&
           write_area(&w, req, layout) && write_modules(&w, req, layout);
}
