#include "guest_access.h"
#include <string.h>
#include <vireo/x86/cr.h>
#include <vireo/x86/msr.h>
#include <vireo/x86/vmcb.h>

#define PAGE 4096ull

void ga_regs(const struct vireo_vcpu_state *s, struct gpt_regs *r)
{
    r->cr0 = s->cr0;
    r->cr3 = s->cr3;
    r->cr4 = s->cr4;
    r->efer = s->efer;
    r->cpl = exit_cpl(s);
}

bool ga_long_mode(const struct vireo_vcpu_state *s)
{
    return (s->efer & EFER_LMA) && VIREO_GET(SVM_ATTR, L, s->cs.ar);
}

static bool read_phys(void *ctx, u64 gpa, u32 size, u64 *value)
{
    void *p = vm_ram(ctx, gpa, size);
    if (!p)
        return false;
    *value = 0;
    memcpy(value, p, size);
    return true;
}

enum ga_result ga_translate(struct exit_ctx *x, u64 linear, u32 access, u64 *gpa)
{
    struct gpt_regs r;
    ga_regs(x->s, &r);
    if (r.cpl == 3)
        access |= GPT_USER;
    u32 pf;
    enum gpt_result res = gpt_translate(&r, linear, access, read_phys, x->vm, gpa, &pf);
    if (res == GPT_BAD_TABLE)
        return GA_NOT_RAM;
    if (res == GPT_PAGE_FAULT) {
        x->s->cr2 = linear;
        x->changed |= VIREO_MTD(CR2);
        exit_inject_exception(x, EXC_PF, true, pf);
        return GA_FAULT;
    }
    return GA_OK;
}

/* Page by page; fn copies between buf and RAM. */
static enum ga_result access_linear(struct exit_ctx *x, u64 linear, u8 *buf, u32 len, u32 access,
                                    bool write)
{
    while (len) {
        u32 chunk = (u32)(PAGE - (linear & (PAGE - 1)));
        if (chunk > len)
            chunk = len;
        u64 gpa;
        enum ga_result res = ga_translate(x, linear, access, &gpa);
        if (res != GA_OK)
            return res;
        u8 *p = vm_ram(x->vm, gpa, chunk);
        if (!p)
            return GA_NOT_RAM;
        if (write)
            memcpy(p, buf, chunk);
        else
            memcpy(buf, p, chunk);
        linear += chunk;
        buf += chunk;
        len -= chunk;
    }
    return GA_OK;
}

enum ga_result ga_read(struct exit_ctx *x, u64 linear, void *buf, u32 len, u32 access)
{
    return access_linear(x, linear, buf, len, access & ~GPT_WRITE, false);
}

enum ga_result ga_write(struct exit_ctx *x, u64 linear, const void *buf, u32 len)
{
    return access_linear(x, linear, (u8 *)buf, len, GPT_WRITE, true);
}

static bool canonical(u64 a)
{
    return (u64)((s64)(a << 16) >> 16) == a;
}

const struct vireo_seg *ga_seg(const struct vireo_vcpu_state *s, u32 seg)
{
    _Static_assert(offsetof(struct vireo_vcpu_state, gs) ==
                       offsetof(struct vireo_vcpu_state, es) + 5 * sizeof(struct vireo_seg),
                   "ES..GS are in x86 segment-register order");
    return &s->es + (seg <= VIREO_SEG_GS ? seg : VIREO_SEG_DS);
}

bool ga_linear(struct exit_ctx *x, u32 seg, u64 offset, u32 len, u64 *linear)
{
    const struct vireo_vcpu_state *s = x->s;
    const struct vireo_seg *sr = ga_seg(s, seg);
    if (ga_long_mode(s)) {
        /* Only the FS and GS bases count in 64-bit mode. */
        u64 a = (seg == VIREO_SEG_FS || seg == VIREO_SEG_GS) ? sr->base + offset : offset;
        if (!canonical(a) || !canonical(a + len - 1)) {
            exit_inject_exception(x, seg == VIREO_SEG_SS ? EXC_SS : EXC_GP, true, 0);
            return false;
        }
        *linear = a;
        return true;
    }
    *linear = (sr->base + offset) & 0xffffffffull;
    return true;
}
