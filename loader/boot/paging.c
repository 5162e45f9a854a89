#include "paging.h"
#include <vireo/x86/pte.h>
#include <string.h>

/* Intermediate entries allow everything; the leaf decides. */
#define PT_TABLE_FLAGS (PTE_P | PTE_W)

static u64 *table_at(const struct pt_builder *b, u64 phys)
{
    return (u64 *)(b->pool + (phys - b->pool_phys));
}

static bool in_pool(const struct pt_builder *b, u64 phys)
{
    return phys >= b->pool_phys && phys - b->pool_phys < (u64)b->used * PAGE_SIZE;
}

bool pt_init(struct pt_builder *b, void *pool, u64 pool_phys, u32 pages)
{
    if (pages == 0)
        return false;
    b->pool = pool;
    b->pool_phys = pool_phys;
    b->pages = pages;
    b->used = 1;
    b->pml4_phys = pool_phys;
    memset(pool, 0, (size_t)pages * PAGE_SIZE);
    return true;
}

bool pt_map(struct pt_builder *b, u64 va, u64 pa, u64 page_size, u64 flags)
{
    int leaf = page_size == LARGE_PAGE_SIZE ? 2 : 1;
    if ((page_size != PAGE_SIZE && page_size != LARGE_PAGE_SIZE) || ((va | pa) & (page_size - 1)))
        return false;
    u64 *table = table_at(b, b->pml4_phys);
    for (int level = 4; level > leaf; level--) {
        u64 *e = &table[PT_INDEX(va, level)];
        if (!(*e & PTE_P)) {
            if (b->used == b->pages)
                return false;
            *e = (b->pool_phys + (u64)b->used++ * PAGE_SIZE) | PT_TABLE_FLAGS;
        } else if ((*e & PTE_PS) || !in_pool(b, *e & PTE_ADDR_MASK)) {
            return false;
        }
        table = table_at(b, *e & PTE_ADDR_MASK);
    }
    u64 *e = &table[PT_INDEX(va, leaf)];
    if (*e & PTE_P)
        return false;
    *e = pa | flags | PTE_P | (leaf == 2 ? PTE_PS : 0);
    return true;
}

u64 pt_lookup(const struct pt_builder *b, u64 va, int *level)
{
    const u64 *table = table_at(b, b->pml4_phys);
    for (int l = 4; l >= 1; l--) {
        u64 e = table[PT_INDEX(va, l)];
        *level = l;
        if (l == 1 || !(e & PTE_P) || (e & PTE_PS))
            return e;
        table = table_at(b, e & PTE_ADDR_MASK);
    }
    return 0;
}

static u64 div_up(u64 v, u64 d)
{
    return v / d + (v % d != 0);
}

u32 pt_pages_bound(u64 phys_limit, u64 kernel_span)
{
    u64 pages = 1;                                             /* PML4 */
    pages += 1 + 4;                                            /* identity: PDPT, 4 PDs */
    pages += div_up(phys_limit, 512 * HUGE_PAGE_SIZE);         /* direct map PDPTs */
    pages += div_up(phys_limit, HUGE_PAGE_SIZE);               /* direct map PDs */
    pages += 1 + 2 + div_up(kernel_span, LARGE_PAGE_SIZE) + 1; /* kernel PDPT, PDs, PTs */
    return (u32)pages;
}
