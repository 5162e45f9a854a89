#include "guest_access.h"
#include "cpuid.h"
#include <string.h>
#include <vireo/x86/cr.h>
#include <vireo/x86/msr.h>
#include <vireo/x86/pte.h>
#include <vireo/x86/vmcb.h>

/* Segment descriptor type bits (the low four of ar). */
#define SEG_TYPE_CODE        (1u << 3)
#define SEG_TYPE_EXPAND_DOWN (1u << 2) /* data */
#define SEG_TYPE_WRITABLE    (1u << 1) /* data */
#define SEG_TYPE_READABLE    (1u << 1) /* code */

void ga_regs(const struct vireo_vcpu_state *s, struct gpt_regs *r)
{
    r->cr0 = s->cr0;
    r->cr3 = s->cr3;
    r->cr4 = s->cr4;
    r->efer = s->efer;
    r->rflags = s->rflags;
    /* VMX with EPT holds PAE PDPTEs in registers (the exit gives them);
     * SVM's nested paging reads them from memory at every walk. */
    r->pdpte = s->arch == VIREO_ARCH_VMX ? s->pdpte : NULL;
    r->phys_bits = cpuid_phys_bits();
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

/* Entries are naturally aligned (table + index * size), so the atomic
 * operations may address them directly. */
static enum gpt_mark mark_phys(void *ctx, u64 gpa, u32 size, u64 old, u64 bits)
{
    void *p = vm_ram(ctx, gpa, size);
    if (!p)
        return GPT_NOT_RAM;
    bool done;
    if (size == 4) {
        u32 expect = (u32)old;
        done = __atomic_compare_exchange_n((u32 *)p, &expect, expect | (u32)bits, false,
                                           __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    } else {
        u64 expect = old;
        done = __atomic_compare_exchange_n((u64 *)p, &expect, expect | bits, false,
                                           __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    }
    return done ? GPT_MARKED : GPT_CHANGED;
}

enum ga_result ga_translate(struct exit_ctx *x, u64 linear, u32 access, u64 *gpa)
{
    struct gpt_regs r;
    ga_regs(x->s, &r);
    if (r.cpl == 3)
        access |= GPT_USER;
    const struct gpt_mem mem = {.read = read_phys, .mark = mark_phys, .ctx = x->vm};
    u32 pf;
    switch (gpt_translate(&r, linear, access, &mem, gpa, &pf)) {
    case GPT_OK:
        return GA_OK;
    case GPT_BAD_TABLE:
        return GA_NOT_RAM;
    case GPT_PAGE_FAULT:
        x->s->cr2 = linear;
        x->changed |= VIREO_MTD(CR2);
        exit_inject_exception(x, EXC_PF, true, pf);
        return GA_FAULT;
    case GPT_BUSY:
        break;
    }
    vm_stop(x->vm, VM_END_ERROR, VM_STATUS_ERROR,
            "the guest's page tables for %#llx kept changing during %u walks",
            (unsigned long long)linear, GPT_MAX_WALKS);
    return GA_STOPPED;
}

/* Page by page; copies between buf and RAM. */
static enum ga_result access_linear(struct exit_ctx *x, u64 linear, u8 *buf, u32 len, u32 access,
                                    bool write)
{
    while (len) {
        u32 chunk = (u32)(PAGE_SIZE - (linear & (PAGE_SIZE - 1)));
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

bool ga_canonical(const struct vireo_vcpu_state *s, u64 a)
{
    u32 unused = (s->cr4 & CR4_LA57) ? 64 - 57 : 64 - 48;
    return (u64)((s64)(a << unused) >> unused) == a;
}

const struct vireo_seg *ga_seg(const struct vireo_vcpu_state *s, u32 seg)
{
    _Static_assert(offsetof(struct vireo_vcpu_state, gs) ==
                       offsetof(struct vireo_vcpu_state, es) + 5 * sizeof(struct vireo_seg),
                   "ES..GS are in x86 segment-register order");
    return &s->es + (seg <= VIREO_SEG_GS ? seg : VIREO_SEG_DS);
}

/* Whether seg:offset..offset+len-1 passes the segment's checks outside
 * 64-bit mode (SDM vol. 3 5.3, 5.4). Real and virtual-8086 mode check the
 * limit only. */
static bool segment_ok(const struct vireo_vcpu_state *s, const struct vireo_seg *sr, u64 offset,
                       u32 len, u32 access)
{
    u64 last = offset + len - 1;
    if (!(s->cr0 & CR0_PE) || (s->rflags & RFLAGS_VM))
        return last <= sr->limit;
    u32 type = VIREO_GET(SVM_ATTR, TYPE, sr->ar);
    if ((sr->ar & VIREO_SEG_AR_UNUSABLE) || !VIREO_GET(SVM_ATTR, P, sr->ar))
        return false; /* a null selector */
    if (access & GPT_WRITE) {
        if ((type & SEG_TYPE_CODE) || !(type & SEG_TYPE_WRITABLE))
            return false;
    } else if (!(access & GPT_FETCH) && (type & SEG_TYPE_CODE) && !(type & SEG_TYPE_READABLE)) {
        return false;
    }
    if (!(type & SEG_TYPE_CODE) && (type & SEG_TYPE_EXPAND_DOWN)) {
        u64 upper = VIREO_GET(SVM_ATTR, DB, sr->ar) ? 0xffffffffull : 0xffffull;
        return offset > sr->limit && last <= upper;
    }
    return last <= sr->limit;
}

bool ga_linear_for(struct exit_ctx *x, u32 seg, u64 offset, u32 len, u32 access, u64 *linear)
{
    const struct vireo_vcpu_state *s = x->s;
    const struct vireo_seg *sr = ga_seg(s, seg);
    bool ok;
    if (ga_long_mode(s)) {
        /* Only the FS and GS bases count in 64-bit mode. */
        u64 a = (seg == VIREO_SEG_FS || seg == VIREO_SEG_GS) ? sr->base + offset : offset;
        ok = ga_canonical(s, a) && ga_canonical(s, a + len - 1);
        *linear = a;
    } else {
        ok = segment_ok(s, sr, offset, len, access);
        *linear = (sr->base + offset) & 0xffffffffull;
    }
    if (!ok)
        exit_inject_exception(x, seg == VIREO_SEG_SS ? EXC_SS : EXC_GP, true, 0);
    return ok;
}

bool ga_linear(struct exit_ctx *x, u32 seg, u64 offset, u32 len, u64 *linear)
{
    return ga_linear_for(x, seg, offset, len, 0, linear);
}
