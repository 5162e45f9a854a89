/* Placing the boot information (mb1_layout in mb1_boot.h). */
#include "mb1_boot.h"
#include "mb1_memory.h"
#include "multiboot1.h"
#include <vireo/format.h>
#include <vireo/x86/pte.h>
#include <string.h>

static u64 page_up(u64 x)
{
    return (x + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}

/* Length of s (NULL reads ""), or false if it exceeds MB1_STRING_MAX. */
static bool string_length(const char *s, const char *what, u64 *len, const struct mb1_why *why)
{
    *len = s ? strnlen(s, MB1_STRING_MAX + 1) : 0;
    if (*len > MB1_STRING_MAX)
        return mb1_fail(why, "%s is longer than %u bytes", what, MB1_STRING_MAX);
    return true;
}

/* The module list and the strings, from the page after the image. */
static bool place_area(const struct mb1_request *req, const struct mb1_plan *plan, u64 ram_size,
                       struct mb1_layout *l, const struct mb1_why *why)
{
    u64 at = page_up(plan->high);
    l->area_start = (u32)at;
    l->mods_addr = (u32)at;
    at += (u64)req->module_count * sizeof(struct mb1_mod);
    for (u32 i = 0; i < req->module_count; i++) {
        char what[32];
        u64 len;
        snformat(what, sizeof(what), "module %u's string", i);
        if (!string_length(req->modules[i].string, what, &len, why))
            return false;
        l->module_string[i] = (u32)at;
        at += len + 1;
    }
    u64 name = 0, args = 0;
    if (!string_length(req->image_name, "the image name", &name, why) ||
        !string_length(req->cmdline, "the command line", &args, why))
        return false;
    l->cmdline_addr = (u32)at;
    l->cmdline_length = (u32)(req->image_name ? name + 1 + args : args);
    at += l->cmdline_length + 1;
    l->loader_name_addr = (u32)at;
    at += sizeof(MB1_LOADER_NAME);
    /* Everything so far is below 4 GiB: plan->high <= MB1_RAM_MAX and the
     * additions are bounded by the module and string limits. */
    if (!mb1_place_check(ram_size, l->area_start, at - l->area_start,
                         "the boot information after the image", why))
        return false;
    l->area_end = (u32)page_up(at);
    return true;
}

static bool place_modules(const struct mb1_request *req, u64 ram_size, struct mb1_layout *l,
                          const struct mb1_why *why)
{
    u64 at = l->area_end;
    for (u32 i = 0; i < req->module_count; i++) {
        const struct mb1_module *m = &req->modules[i];
        char what[32];
        snformat(what, sizeof(what), "module %u", i);
        if (!m->data && m->size)
            return mb1_fail(why, "module %u has no data", i);
        if (!mb1_place_check(ram_size, at, m->size, what, why))
            return false;
        if (m->size == 0 && at >= ram_size)
            return mb1_fail(why, "module %u at 0x%llx lies outside guest RAM (0x%llx bytes)", i,
                            MB1_ULL(at), MB1_ULL(ram_size));
        l->module_start[i] = (u32)at;
        at = page_up(at + m->size); /* at + size <= ram_size: no overflow */
    }
    l->module_count = req->module_count;
    l->end = (u32)at;
    return true;
}

bool mb1_layout(const struct mb1_request *req, const struct mb1_plan *plan, u64 ram_size,
                struct mb1_layout *out, const struct mb1_why *why)
{
    memset(out, 0, sizeof(*out));
    mb1_why_clear(why);
    if (req->module_count > MB1_MAX_MODULES)
        return mb1_fail(why, "%u modules, at most %u", req->module_count, MB1_MAX_MODULES);
    if (req->module_count && !req->modules)
        return mb1_fail(why, "%u modules but no module list", req->module_count);
    out->mmap_addr = MB1_MMAP_ADDR;
    out->mmap_length = MB1_MMAP_ENTRIES * MB1_MMAP_ENTRY_SIZE;
    out->info_addr = MB1_INFO_ADDR;
    out->gdt_addr = MB1_GDT_ADDR;
    if (place_area(req, plan, ram_size, out, why) && place_modules(req, ram_size, out, why))
        return true;
    memset(out, 0, sizeof(*out));
    return false;
}
