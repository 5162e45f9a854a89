#include "gpt.h"
#include <vireo/x86/cr.h>
#include <vireo/x86/msr.h>
#include <vireo/x86/pte.h>

/* The address bits of a 64-bit entry. The VMM checks reserved bits up to
 * the architectural maximum (52); bits between the CPU's MAXPHYADDR and
 * 52 are not checked. */
#define PAE_ADDR_MASK 0x000ffffffffff000ull

struct walk {
    const struct gpt_regs *r;
    u32 access;
    bool user, write, fetch;
    bool nx_enabled;
    bool allow_w, allow_u, allow_x; /* accumulated over the levels */
};

/* SDM 4.7: I is set for a fetch only with CR4.SMEP, or with EFER.NXE
 * under PAE or 4-level paging (CR4.PAE): 32-bit paging has no XD bit. */
static u32 fault_bits(const struct walk *w, bool present)
{
    const struct gpt_regs *r = w->r;
    bool i = w->fetch && ((w->nx_enabled && (r->cr4 & CR4_PAE)) || (r->cr4 & CR4_SMEP));
    return (present ? PF_P : 0) | (w->write ? PF_W : 0) | (w->user ? PF_U : 0) | (i ? PF_I : 0);
}

/* One more level's permissions. */
static void narrow(struct walk *w, u64 entry, bool has_nx)
{
    w->allow_w = w->allow_w && (entry & PTE_W);
    w->allow_u = w->allow_u && (entry & PTE_U);
    if (has_nx && w->nx_enabled && (entry & PTE_NX))
        w->allow_x = false;
}

/* Whether the final permissions allow the access (SDM 4.6). */
static bool allowed(const struct walk *w)
{
    const struct gpt_regs *r = w->r;
    if (w->user && !w->allow_u)
        return false;
    if (w->write) {
        if (w->user && !w->allow_w)
            return false;
        if (!w->user && !w->allow_w && (r->cr0 & CR0_WP))
            return false;
    }
    if (w->fetch) {
        if (!w->allow_x)
            return false;
        if (!w->user && w->allow_u && (r->cr4 & CR4_SMEP))
            return false;
    }
    if (!w->user && !w->fetch && w->allow_u && (r->cr4 & CR4_SMAP))
        return false; /* SMAP: the VMM emulates on behalf of supervisor code without AC */
    return true;
}

static enum gpt_result walk_64(struct walk *w, u64 la, int levels, gpt_read_fn read, void *ctx,
                               u64 *gpa, u32 *pf)
{
    const struct gpt_regs *r = w->r;
    u64 table = r->cr3 & PAE_ADDR_MASK;
    int level = levels;
    if (levels == 3) {
        /* PAE: the PDPTE from CR3 bits 31:5. */
        u64 pdpte;
        if (!read(ctx, (r->cr3 & 0xffffffe0u) + ((la >> 30) & 3) * 8, 8, &pdpte))
            return GPT_BAD_TABLE;
        if (!(pdpte & PTE_P)) {
            *pf = fault_bits(w, false);
            return GPT_PAGE_FAULT;
        }
        /* Bits 2:1 and 8:5 are reserved, and so are 63:52: a PAE PDPTE
         * has no XD bit (SDM table 4-8). */
        if (pdpte & (0x1e6ull | ~(PAE_ADDR_MASK | 0xfffull))) {
            *pf = fault_bits(w, true) | PF_RSVD;
            return GPT_PAGE_FAULT;
        }
        table = pdpte & PAE_ADDR_MASK;
        level = 2;
    }
    for (; level >= 1; level--) {
        u64 entry;
        if (!read(ctx, table + PT_INDEX(la, level) * 8, 8, &entry))
            return GPT_BAD_TABLE;
        if (!(entry & PTE_P)) {
            *pf = fault_bits(w, false);
            return GPT_PAGE_FAULT;
        }
        bool large = level > 1 && (entry & PTE_PS);
        /* Reserved: XD without EFER.NXE, PS in a PML4E, and in PAE mode
         * bits 62:52 (4-level paging ignores them). */
        bool rsvd = (!w->nx_enabled && (entry & PTE_NX)) || (level >= 4 && (entry & PTE_PS)) ||
                    (levels == 3 && (entry & 0x7ff0000000000000ull));
        if (large) {
            u64 size = 1ull << (12 + 9 * (level - 1));
            rsvd = rsvd || (entry & (size - 1) & ~0x1fffull); /* bits above PAT must be 0 */
        }
        if (rsvd) {
            *pf = fault_bits(w, true) | PF_RSVD;
            return GPT_PAGE_FAULT;
        }
        narrow(w, entry, true);
        if (level == 1 || large) {
            if (!allowed(w)) {
                *pf = fault_bits(w, true);
                return GPT_PAGE_FAULT;
            }
            u64 size = 1ull << (12 + 9 * (level - 1));
            *gpa = (entry & PAE_ADDR_MASK & ~(size - 1)) | (la & (size - 1));
            return GPT_OK;
        }
        table = entry & PAE_ADDR_MASK;
    }
    return GPT_BAD_TABLE; /* not reached */
}

static enum gpt_result walk_32(struct walk *w, u64 la, gpt_read_fn read, void *ctx, u64 *gpa,
                               u32 *pf)
{
    const struct gpt_regs *r = w->r;
    u64 pde, pte;
    u32 l = (u32)la;
    if (!read(ctx, (r->cr3 & 0xfffff000u) + (l >> 22) * 4, 4, &pde))
        return GPT_BAD_TABLE;
    if (!(pde & PTE_P)) {
        *pf = fault_bits(w, false);
        return GPT_PAGE_FAULT;
    }
    narrow(w, pde, false);
    if ((pde & PTE_PS) && (r->cr4 & CR4_PSE)) {
        if (pde & (1u << 21)) { /* bit 21 reserved in a 4 MiB PDE */
            *pf = fault_bits(w, true) | PF_RSVD;
            return GPT_PAGE_FAULT;
        }
        if (!allowed(w)) {
            *pf = fault_bits(w, true);
            return GPT_PAGE_FAULT;
        }
        /* PSE-36: bits 20:13 are physical-address bits 39:32. */
        *gpa = (pde & 0xffc00000u) | ((pde >> 13) & 0xffull) << 32 | (l & 0x3fffff);
        return GPT_OK;
    }
    if (!read(ctx, (pde & 0xfffff000u) + ((l >> 12) & 0x3ff) * 4, 4, &pte))
        return GPT_BAD_TABLE;
    if (!(pte & PTE_P)) {
        *pf = fault_bits(w, false);
        return GPT_PAGE_FAULT;
    }
    narrow(w, pte, false);
    if (!allowed(w)) {
        *pf = fault_bits(w, true);
        return GPT_PAGE_FAULT;
    }
    *gpa = (pte & 0xfffff000u) | (l & 0xfff);
    return GPT_OK;
}

enum gpt_result gpt_translate(const struct gpt_regs *r, u64 linear, u32 access, gpt_read_fn read,
                              void *ctx, u64 *gpa, u32 *pf_error)
{
    *pf_error = 0;
    if (!(r->cr0 & CR0_PG)) {
        *gpa = (r->efer & EFER_LMA) ? linear : (linear & 0xffffffffull);
        return GPT_OK;
    }
    struct walk w = {
        .r = r,
        .access = access,
        .user = (access & GPT_USER) != 0,
        .write = (access & GPT_WRITE) != 0,
        .fetch = (access & GPT_FETCH) != 0,
        .nx_enabled = (r->efer & EFER_NXE) != 0,
        .allow_w = true,
        .allow_u = true,
        .allow_x = true,
    };
    if (r->efer & EFER_LMA)
        return walk_64(&w, linear, (r->cr4 & CR4_LA57) ? 5 : 4, read, ctx, gpa, pf_error);
    if (r->cr4 & CR4_PAE)
        return walk_64(&w, linear & 0xffffffffull, 3, read, ctx, gpa, pf_error);
    return walk_32(&w, linear, read, ctx, gpa, pf_error);
}
