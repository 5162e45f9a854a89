#include "gpt.h"
#include <vireo/x86/cr.h>
#include <vireo/x86/msr.h>
#include <vireo/x86/pte.h>

/* PAE and 4-level entries: bits 62:52 are reserved in PAE paging (4-level
 * paging ignores them); PAE PDPTEs also reserve 2:1 and 8:5 (no A bit). */
#define PAE_HIGH_RSVD  0x7ff0000000000000ull
#define PDPTE_LOW_RSVD 0x1e6ull
/* A large page's address bits from 13 up to its size are reserved (12 is
 * PAT); a 4 MiB page (32-bit paging) reserves bit 21. */
#define LARGE_PAT_BITS 0x1fffull
#define PDE4M_RSVD_21  (1ull << 21)

/* One entry the walk used: Accessed is set in each, Dirty in the last. */
struct used {
    u64 gpa, value;
    u32 size;
};

struct walk {
    const struct gpt_regs *r;
    const struct gpt_mem *m;
    bool user, write, fetch, implicit, nx;
    u64 phys_rsvd;                  /* address bits from MAXPHYADDR to 51 */
    bool allow_w, allow_u, allow_x; /* accumulated over the levels */
    u32 n;
    struct used used[5];
};

/* SDM 4.7: I is set for a fetch only with CR4.SMEP, or with EFER.NXE
 * under PAE or 4-level paging (CR4.PAE): 32-bit paging has no XD bit. */
static enum gpt_result fault(const struct walk *w, bool present, bool rsvd, u32 *pf)
{
    const struct gpt_regs *r = w->r;
    bool i = w->fetch && ((w->nx && (r->cr4 & CR4_PAE)) || (r->cr4 & CR4_SMEP));
    *pf = (present ? PF_P : 0) | (w->write ? PF_W : 0) | (w->user ? PF_U : 0) |
          (rsvd ? PF_RSVD : 0) | (i ? PF_I : 0);
    return GPT_PAGE_FAULT;
}

static bool read_entry(struct walk *w, u64 gpa, u32 size, u64 *e)
{
    if (!w->m->read(w->m->ctx, gpa, size, e))
        return false;
    w->used[w->n++] = (struct used){.gpa = gpa, .value = *e, .size = size};
    return true;
}

/* One more level's permissions. */
static void narrow(struct walk *w, u64 entry, bool has_nx)
{
    w->allow_w = w->allow_w && (entry & PTE_W);
    w->allow_u = w->allow_u && (entry & PTE_U);
    if (has_nx && w->nx && (entry & PTE_NX))
        w->allow_x = false;
}

/* Whether the final permissions allow the access (SDM 4.6.1). A user-mode
 * address is one with U/S set at every level. */
static bool allowed(const struct walk *w)
{
    const struct gpt_regs *r = w->r;
    bool wp = (r->cr0 & CR0_WP) != 0;
    if (w->user)
        return w->allow_u && (!w->write || w->allow_w) && (!w->fetch || w->allow_x);
    if (w->fetch)
        return w->allow_x && !(w->allow_u && (r->cr4 & CR4_SMEP));
    /* SMAP: supervisor data accesses to user-mode addresses, unless the
     * access is explicit and RFLAGS.AC is set. */
    if (w->allow_u && (r->cr4 & CR4_SMAP) && (w->implicit || !(r->rflags & RFLAGS_AC)))
        return false;
    return !w->write || w->allow_w || !wp;
}

static enum gpt_result leaf(const struct walk *w, u64 frame, u64 size, u64 la, u64 *gpa, u32 *pf)
{
    if (!allowed(w))
        return fault(w, true, false, pf);
    *gpa = (frame & ~(size - 1)) | (la & (size - 1));
    return GPT_OK;
}

/* The PAE PDPTE for la: from the CPU's registers, or read from the PDPT
 * at CR3 bits 31:5 (with its reserved bits checked then). */
static enum gpt_result pae_pdpte(struct walk *w, u64 la, u64 *table, u32 *pf)
{
    const struct gpt_regs *r = w->r;
    u32 i = (u32)(la >> 30) & 3;
    u64 pdpte;
    if (r->pdpte)
        pdpte = r->pdpte[i];
    else if (!w->m->read(w->m->ctx, (r->cr3 & 0xffffffe0u) + i * 8, 8, &pdpte))
        return GPT_BAD_TABLE;
    if (!(pdpte & PTE_P))
        return fault(w, false, false, pf);
    if (!r->pdpte && (pdpte & (PDPTE_LOW_RSVD | w->phys_rsvd | ~(PTE_ADDR_MASK | 0xfffull))))
        return fault(w, true, true, pf);
    *table = pdpte & PTE_ADDR_MASK;
    return GPT_OK;
}

static enum gpt_result walk_64(struct walk *w, u64 la, int levels, u64 *gpa, u32 *pf)
{
    u64 table = w->r->cr3 & PTE_ADDR_MASK;
    int level = levels;
    if (levels == 3) {
        enum gpt_result res = pae_pdpte(w, la, &table, pf);
        if (res != GPT_OK)
            return res;
        level = 2;
    }
    for (; level >= 1; level--) {
        u64 e;
        if (!read_entry(w, table + PT_INDEX(la, level) * 8, 8, &e))
            return GPT_BAD_TABLE;
        if (!(e & PTE_P))
            return fault(w, false, false, pf);
        /* Reserved: address bits beyond MAXPHYADDR, XD without EFER.NXE,
         * PS in a PML4E/PML5E, and in PAE mode bits 62:52. */
        bool large = level > 1 && level < 4 && (e & PTE_PS);
        u64 size = 1ull << (12 + 9 * (level - 1));
        bool rsvd = (e & w->phys_rsvd) || (!w->nx && (e & PTE_NX)) ||
                    (level >= 4 && (e & PTE_PS)) || (levels == 3 && (e & PAE_HIGH_RSVD)) ||
                    (large && (e & (size - 1) & ~LARGE_PAT_BITS));
        if (rsvd)
            return fault(w, true, true, pf);
        narrow(w, e, true);
        if (level == 1 || large)
            return leaf(w, e & PTE_ADDR_MASK, size, la, gpa, pf);
        table = e & PTE_ADDR_MASK;
    }
    return GPT_BAD_TABLE; /* not reached */
}

static enum gpt_result walk_32(struct walk *w, u64 la, u64 *gpa, u32 *pf)
{
    const struct gpt_regs *r = w->r;
    u64 pde, pte;
    u32 l = (u32)la;
    if (!read_entry(w, (r->cr3 & 0xfffff000u) + (l >> 22) * 4, 4, &pde))
        return GPT_BAD_TABLE;
    if (!(pde & PTE_P))
        return fault(w, false, false, pf);
    if ((pde & PTE_PS) && (r->cr4 & CR4_PSE)) {
        /* PSE-36: bits 20:13 are physical-address bits 39:32, those at or
         * above MAXPHYADDR (at most 40 here) reserved, and bit 21. */
        u32 phys = w->r->phys_bits > 40 ? 40 : w->r->phys_bits < 32 ? 32 : w->r->phys_bits;
        u64 rsvd = PDE4M_RSVD_21 | (0x1fe000ull & ~0ull << (13 + phys - 32));
        if (pde & rsvd)
            return fault(w, true, true, pf);
        narrow(w, pde, false);
        u64 frame = (pde & 0xffc00000u) | ((pde >> 13) & 0xffull) << 32;
        return leaf(w, frame, 1ull << 22, l, gpa, pf);
    }
    narrow(w, pde, false);
    if (!read_entry(w, (pde & 0xfffff000u) + ((l >> 12) & 0x3ff) * 4, 4, &pte))
        return GPT_BAD_TABLE;
    if (!(pte & PTE_P))
        return fault(w, false, false, pf);
    narrow(w, pte, false);
    return leaf(w, pte & 0xfffff000u, PAGE_SIZE, l, gpa, pf);
}

/* Accessed in every entry used, Dirty in the final one for a write. */
static enum gpt_mark mark_used(const struct walk *w)
{
    for (u32 i = 0; i < w->n; i++) {
        const struct used *u = &w->used[i];
        u64 bits = PTE_A | ((i + 1 == w->n && w->write) ? PTE_D : 0);
        if ((u->value & bits) == bits)
            continue;
        enum gpt_mark res = w->m->mark(w->m->ctx, u->gpa, u->size, u->value, bits);
        if (res != GPT_MARKED)
            return res;
    }
    return GPT_MARKED;
}

enum gpt_result gpt_translate(const struct gpt_regs *r, u64 linear, u32 access,
                              const struct gpt_mem *m, u64 *gpa, u32 *pf_error)
{
    *pf_error = 0;
    if (!(r->cr0 & CR0_PG)) {
        *gpa = (r->efer & EFER_LMA) ? linear : (linear & 0xffffffffull);
        return GPT_OK;
    }
    u32 phys = r->phys_bits < 52 ? r->phys_bits : 52;
    struct walk w = {
        .r = r,
        .m = m,
        .user = (access & GPT_USER) && !(access & GPT_IMPLICIT),
        .write = (access & GPT_WRITE) != 0,
        .fetch = (access & GPT_FETCH) != 0,
        .implicit = (access & GPT_IMPLICIT) != 0,
        .nx = (r->efer & EFER_NXE) != 0,
        .phys_rsvd = PTE_ADDR_MASK & ~0ull << phys,
    };
    for (u32 tries = 0; tries < GPT_MAX_WALKS; tries++) {
        w.n = 0;
        w.allow_w = w.allow_u = w.allow_x = true;
        enum gpt_result res;
        if (r->efer & EFER_LMA)
            res = walk_64(&w, linear, (r->cr4 & CR4_LA57) ? 5 : 4, gpa, pf_error);
        else if (r->cr4 & CR4_PAE)
            res = walk_64(&w, linear & 0xffffffffull, 3, gpa, pf_error);
        else
            res = walk_32(&w, linear, gpa, pf_error);
        if (res != GPT_OK)
            return res;
        switch (mark_used(&w)) {
        case GPT_MARKED:
            return GPT_OK;
        case GPT_NOT_RAM:
            return GPT_BAD_TABLE;
        case GPT_CHANGED:
            break; /* another agent wrote an entry: walk again */
        }
    }
    return GPT_BUSY;
}
