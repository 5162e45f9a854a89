/* mb1_load (mb1_boot.h): plan, lay out, write; all checks before any write. */
#include "mb1_boot.h"
#include "multiboot1.h"
#include <string.h>

static bool load(const struct mb1_request *req, const struct guest_mem *mem, struct mb1_boot *out,
                 const struct mb1_why *why)
{
    if (!req || !mem || !mem->write || !mem->zero)
        return mb1_fail(why, "no request or no guest memory");
    if (!mb1_plan(req->image, req->image_size, mem->size, &out->plan, why) ||
        !mb1_layout(req, &out->plan, mem->size, &out->layout, why) ||
        !mb1_write(req, &out->plan, &out->layout, mem, why))
        return false;
    out->eax = MB1_BOOT_MAGIC;
    out->ebx = out->layout.info_addr;
    out->eip = out->plan.entry;
    return true;
}

bool mb1_load(const struct mb1_request *req, const struct guest_mem *mem, struct mb1_boot *out,
              char *why, size_t why_size)
{
    const struct mb1_why w = {why, why_size};
    memset(out, 0, sizeof(*out));
    mb1_why_clear(&w);
    if (load(req, mem, out, &w))
        return true;
    memset(out, 0, sizeof(*out));
    return false;
}
