#include "user_mem.h"
#include "../memory.h"
#include "../page_table.h"
#include <string.h>
#include <vireo/utcb.h>

u8 *user_page(const struct obj_pd *pd, u64 addr, bool write)
{
    struct pt_translation t;
    if (!pd->arch_space || (pd->flags & VIREO_PD_VM) || addr >= USER_HALF_END)
        return NULL;
    if (!pt_translate(pd->arch_space, addr, &t) || !t.user || (write && !t.writable))
        return NULL;
    u64 phys = t.phys & ~(u64)(PAGE_SIZE - 1);
    if (!phys_in_direct_map(phys, PAGE_SIZE))
        return NULL;
    return phys_to_virt(phys);
}

bool user_read(const struct obj_pd *pd, u64 addr, void *buf, u64 len)
{
    if (addr >= USER_HALF_END || len > USER_HALF_END - addr)
        return false;
    u8 *out = buf;
    while (len) {
        u64 off = addr & (PAGE_SIZE - 1);
        u64 n = PAGE_SIZE - off < len ? PAGE_SIZE - off : len;
        const u8 *page = user_page(pd, addr - off, false);
        if (!page)
            return false;
        memcpy(out, page + off, n);
        out += n;
        addr += n;
        len -= n;
    }
    return true;
}

struct vireo_utcb *utcb_of(const struct obj_ec *ec, bool write)
{
    if (ec->flags & VIREO_EC_VCPU)
        return NULL;
    return (struct vireo_utcb *)user_page(ec->pd, ec->utcb_page << VIREO_PAGE_SHIFT, write);
}
