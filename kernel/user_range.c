#include "user_range.h"
#include "page_table.h"

bool user_range_ok(u64 pml4, u64 addr, u64 len, bool need_write)
{
    if (addr >= USER_HALF_END || len > USER_HALF_END - addr)
        return false;
    if (len == 0)
        return true;
    u64 last = addr + len - 1;
    for (u64 page = addr & ~(PAGE_SIZE - 1); page <= last; page += PAGE_SIZE) {
        struct pt_translation t;
        if (!pt_translate(pml4, page, &t) || !t.user || (need_write && !t.writable))
            return false;
    }
    return true;
}
