/* linux_load (linux_boot.h): plan, then write; all checks before any write. */
#include "linux_boot.h"
#include <vireo/x86/pte.h>
#include <string.h>

static bool put(const struct guest_mem *mem, u64 gpa, const void *src, u64 len, const char *what,
                const struct mb1_why *why)
{
    if (!mem->write(mem->ctx, gpa, src, len))
        return mb1_fail(why, "writing %s at 0x%llx (0x%llx bytes) failed", what, MB1_ULL(gpa),
                        MB1_ULL(len));
    return true;
}

static bool write_tables(const struct guest_mem *mem, const struct mb1_why *why)
{
    u64 gdt[LINUX_GDT_ENTRIES];
    linux_gdt(gdt);
    if (!mem->zero(mem->ctx, LINUX_GDT_ADDR, LINUX_PT_END - LINUX_GDT_ADDR))
        return mb1_fail(why, "zeroing the boot pages at 0x%llx failed", MB1_ULL(LINUX_GDT_ADDR));
    if (!put(mem, LINUX_GDT_ADDR, gdt, sizeof(gdt), "the GDT", why))
        return false;
    for (u32 page = 0; page < LINUX_PT_PAGES; page++)
        for (u32 i = 0; i < PT_ENTRIES; i++) {
            u64 e = linux_page_table_entry(page, i);
            if (e && !put(mem, LINUX_PML4_ADDR + page * PAGE_SIZE + i * 8ull, &e, 8,
                          "the page tables", why))
                return false;
        }
    return true;
}

static bool write_all(const struct linux_request *req, const struct linux_plan *p,
                      const struct guest_mem *mem, const struct mb1_why *why)
{
    struct linux_boot_params bp; /* one page on the stack */
    linux_boot_params(p, req->image, mem->size, &bp);
    const u8 *image = req->image;
    static const char empty[1] = "";
    const char *cmdline = req->cmdline ? req->cmdline : empty;
    return put(mem, LINUX_BOOT_PARAMS_ADDR, &bp, sizeof(bp), "boot_params", why) &&
           write_tables(mem, why) &&
           put(mem, p->cmdline_addr, cmdline, p->cmdline_length, "the command line", why) &&
           put(mem, p->cmdline_addr + p->cmdline_length, empty, 1, "the command line", why) &&
           put(mem, p->kernel_addr, image + p->header.kernel_offset, p->header.kernel_size,
               "the kernel", why) &&
           (!p->initrd_size ||
            put(mem, p->initrd_addr, req->initrd, p->initrd_size, "the initrd", why));
}

static bool load(const struct linux_request *req, const struct guest_mem *mem,
                 struct linux_boot *out, const struct mb1_why *why)
{
    if (!req || !mem || !mem->write || !mem->zero)
        return mb1_fail(why, "no request or no guest memory");
    if (!linux_plan(req, mem->size, &out->plan, why) || !write_all(req, &out->plan, mem, why))
        return false;
    linux_cpu_start(&out->plan, &out->cpu);
    return true;
}

bool linux_load(const struct linux_request *req, const struct guest_mem *mem,
                struct linux_boot *out, char *why, size_t why_size)
{
    const struct mb1_why w = {why, why_size};
    memset(out, 0, sizeof(*out));
    mb1_why_clear(&w);
    if (load(req, mem, out, &w))
        return true;
    memset(out, 0, sizeof(*out));
    return false;
}
