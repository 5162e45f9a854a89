/* The load plan of a Linux bzImage (linux_plan.h). */
#include "linux_plan.h"
#include "mb1_memory.h"
#include <vireo/x86/pte.h>
#include <string.h>

static u64 align_up(u64 x, u64 align)
{
    return (x + align - 1) & ~(align - 1);
}

/* [addr, addr + len) inside RAM above 1 MiB (no overflow: addr and len
 * are below 2^33). */
static bool fits(u64 addr, u64 len, u64 ram_size)
{
    return addr >= MB1_HIGH_RAM_START && addr <= ram_size && len <= ram_size - addr;
}

static bool place_kernel(const struct linux_header *h, u64 ram_size, struct linux_plan *p,
                         const struct mb1_why *why)
{
    const struct linux_setup_header *s = &h->hdr;
    if (s->relocatable_kernel) {
        /* Linux runs where it is loaded: init_size from there. */
        u64 align = s->kernel_alignment;
        u64 need = h->kernel_size > s->init_size ? h->kernel_size : s->init_size;
        u64 at = s->pref_address;
        if (at % align || !fits(at, need, ram_size))
            at = align_up(MB1_HIGH_RAM_START, align);
        if (!fits(at, need, ram_size))
            return mb1_fail(why,
                            "kernel does not fit: 0x%llx bytes (init_size) at 0x%llx "
                            "(kernel_alignment 0x%llx) in 0x%llx bytes of RAM",
                            MB1_ULL(need), MB1_ULL(at), MB1_ULL(align), MB1_ULL(ram_size));
        p->kernel_addr = at;
        p->kernel_end = at + need;
        return true;
    }
    /* Loaded at code32_start, it decompresses to its fixed run-time
     * address (pref_address) and needs init_size there. */
    u64 at = s->code32_start;
    if (!fits(at, h->kernel_size, ram_size))
        return mb1_fail(why,
                        "kernel does not fit: 0x%llx bytes at code32_start 0x%llx "
                        "(not relocatable) in 0x%llx bytes of RAM",
                        MB1_ULL(h->kernel_size), MB1_ULL(at), MB1_ULL(ram_size));
    u64 run = s->pref_address ? s->pref_address : at;
    if (!fits(run, s->init_size, ram_size))
        return mb1_fail(why,
                        "kernel does not fit: it runs at 0x%llx (pref_address, not relocatable) "
                        "and needs 0x%x bytes (init_size) in 0x%llx bytes of RAM",
                        MB1_ULL(run), s->init_size, MB1_ULL(ram_size));
    p->kernel_addr = at;
    p->kernel_end = at + h->kernel_size;
    if (run + s->init_size > p->kernel_end)
        p->kernel_end = run + s->init_size;
    return true;
}

static bool place_cmdline(const struct linux_request *req, const struct linux_setup_header *s,
                          struct linux_plan *p, const struct mb1_why *why)
{
    u64 len = req->cmdline ? strnlen(req->cmdline, LINUX_CMDLINE_MAX + 1) : 0;
    if (len > LINUX_CMDLINE_MAX)
        return mb1_fail(why, "command line longer than %u bytes", LINUX_CMDLINE_MAX);
    if (len > s->cmdline_size)
        return mb1_fail(why,
                        "command line too long: %llu bytes, the kernel takes %u (cmdline_size)",
                        MB1_ULL(len), s->cmdline_size);
    p->cmdline_addr = LINUX_CMDLINE_ADDR;
    p->cmdline_length = (u32)len;
    return true;
}

static bool place_initrd(const struct linux_request *req, const struct linux_setup_header *s,
                         u64 ram_size, struct linux_plan *p, const struct mb1_why *why)
{
    u64 limit = ram_size;
    /* initrd_addr_max is the highest byte it may occupy; a kernel that
     * can be loaded above 4 GiB takes its initrd anywhere. */
    if (!(s->xloadflags & LINUX_XLF_CAN_BE_LOADED_ABOVE_4G) && (u64)s->initrd_addr_max + 1 < limit)
        limit = (u64)s->initrd_addr_max + 1;
    p->initrd_limit = limit;
    if (req->initrd_size == 0)
        return true;
    if (!req->initrd)
        return mb1_fail(why, "initrd of %llu bytes has no data", MB1_ULL(req->initrd_size));
    u64 at = req->initrd_size <= limit ? (limit - req->initrd_size) & ~(PAGE_SIZE - 1) : 0;
    if (req->initrd_size > limit || at < p->kernel_end)
        return mb1_fail(why,
                        "initrd does not fit: %llu bytes between the kernel's end 0x%llx and "
                        "0x%llx (%s)",
                        MB1_ULL(req->initrd_size), MB1_ULL(p->kernel_end), MB1_ULL(limit),
                        limit < ram_size ? "initrd_addr_max" : "the end of RAM");
    p->initrd_addr = at;
    p->initrd_size = req->initrd_size;
    return true;
}

static bool plan(const struct linux_request *req, u64 ram_size, struct linux_plan *p,
                 const struct mb1_why *why)
{
    if (!req)
        return mb1_fail(why, "no request");
    if (!mb1_ram_check(ram_size, why) ||
        !linux_header_parse(req->image, req->image_size, &p->header, why) ||
        !place_kernel(&p->header, ram_size, p, why) ||
        !place_cmdline(req, &p->header.hdr, p, why) ||
        !place_initrd(req, &p->header.hdr, ram_size, p, why))
        return false;
    p->entry = p->kernel_addr + LINUX_ENTRY64_OFFSET;
    return true;
}

bool linux_plan(const struct linux_request *req, u64 ram_size, struct linux_plan *out,
                const struct mb1_why *why)
{
    memset(out, 0, sizeof(*out));
    mb1_why_clear(why);
    if (plan(req, ram_size, out, why))
        return true;
    memset(out, 0, sizeof(*out));
    return false;
}
