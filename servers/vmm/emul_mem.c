/* The emulator's memory accesses (emul_ctx.h): checks and translation
 * first, then RAM through the VMM's mapping and MMIO through mmio_route. */
#include "emul_ctx.h"
#include "guest_access.h"
#include "mmio_route.h"
#include <string.h>
#include <vireo/x86/cr.h>
#include <vireo/x86/pte.h>

/* SDM vol. 3 6.15 (#AC): data accesses at CPL 3 with CR0.AM and RFLAGS.AC,
 * an operand of 2, 4 or 8 bytes not aligned to its size. */
static bool misaligned(const struct emul *e, u64 linear, u32 len)
{
    const struct vireo_vcpu_state *s = e->s;
    return (s->cr0 & CR0_AM) && (s->rflags & RFLAGS_AC) && exit_cpl(s) == 3 && (linear & (len - 1));
}

static bool translate(struct emul *e, struct emul_part *p, u32 access)
{
    switch (ga_translate(e->x, p->linear, access, &p->gpa)) {
    case GA_OK:
        p->ram = vm_ram(e->x->vm, p->gpa, p->len);
        return true;
    case GA_NOT_RAM:
        vm_stop(e->x->vm, VM_END_ERROR, VM_STATUS_ERROR,
                "the guest's page tables for %#llx are not in RAM (rip %#llx)",
                (unsigned long long)p->linear, (unsigned long long)e->s->rip);
        return false;
    case GA_FAULT:
    case GA_STOPPED:
        break;
    }
    return false;
}

bool emul_span(struct emul *e, u32 seg, u64 offset, u32 len, u32 access, struct emul_span *sp)
{
    u64 linear;
    if (!ga_linear_for(e->x, seg, offset, len, access, &linear))
        return false;
    /* #AC comes after the segment checks and before the walk, as in
     * Bochs (the SDM leaves the order of #AC and #PF open). */
    if (misaligned(e, linear, len)) {
        exit_inject_exception(e->x, EXC_AC, true, 0);
        return false;
    }
    u32 first = (u32)(PAGE_SIZE - (linear & (PAGE_SIZE - 1)));
    if (first > len)
        first = len;
    sp->len = len;
    sp->n = first < len ? 2 : 1;
    sp->part[0] = (struct emul_part){.linear = linear, .len = first};
    /* Outside 64-bit mode linear addresses wrap at 4 GiB. */
    u64 wrap = e->long64 ? ~0ull : 0xffffffffull;
    sp->part[1] = (struct emul_part){.linear = (linear + first) & wrap, .len = len - first};
    for (u32 i = 0; i < sp->n; i++) {
        if (!translate(e, &sp->part[i], access))
            return false;
    }
    return true;
}

/* The largest naturally aligned access of at most left bytes at gpa. */
static u32 piece(u64 gpa, u32 left)
{
    u32 n = 8;
    while (n > left || (gpa & (n - 1)))
        n >>= 1;
    return n;
}

static bool mmio_part(struct emul *e, const struct emul_part *p, u8 *bytes, bool write)
{
    bool whole = p->len == 1 || p->len == 2 || p->len == 4 || p->len == 8;
    for (u32 done = 0; done < p->len;) {
        u64 gpa = p->gpa + done, v = 0;
        u32 n = whole ? p->len : piece(gpa, p->len - done);
        if (write) {
            memcpy(&v, bytes + done, n);
            if (!mmio_route_write(e->x, gpa, n, v))
                return false;
        } else {
            if (!mmio_route_read(e->x, gpa, n, &v))
                return false;
            memcpy(bytes + done, &v, n);
        }
        done += n;
    }
    return true;
}

static bool access_span(struct emul *e, const struct emul_span *sp, u8 *bytes, bool write)
{
    for (u32 i = 0, off = 0; i < sp->n; off += sp->part[i].len, i++) {
        const struct emul_part *p = &sp->part[i];
        if (!p->ram) {
            if (!mmio_part(e, p, bytes + off, write))
                return false;
        } else if (write) {
            memcpy(p->ram, bytes + off, p->len);
        } else {
            memcpy(bytes + off, p->ram, p->len);
        }
    }
    return true;
}

bool emul_span_read(struct emul *e, const struct emul_span *sp, u64 *value)
{
    u8 bytes[8] = {0};
    if (!access_span(e, sp, bytes, false))
        return false;
    memcpy(value, bytes, sizeof(bytes));
    return true;
}

bool emul_span_write(struct emul *e, const struct emul_span *sp, u64 value)
{
    u8 bytes[8];
    memcpy(bytes, &value, sizeof(bytes));
    return access_span(e, sp, bytes, true);
}
