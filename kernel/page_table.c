#include "page_table.h"
#include "memory.h"

static u64 *table_at(u64 phys)
{
    return phys_to_virt(phys & PTE_ADDR_MASK);
}

/* Returns the table `level - 1` below entry, creating it if allowed. */
static u64 *next_table(u64 *entry, bool user, bool create)
{
    if (*entry & PTE_P) {
        if (*entry & PTE_PS)
            return NULL; /* a large page sits here */
        if (user)
            *entry |= PTE_U;
        return table_at(*entry);
    }
    if (!create)
        return NULL;
    u64 frame = frame_alloc();
    if (!frame)
        return NULL;
    /* Intermediate entries grant the most; the leaf decides. */
    *entry = frame | PTE_P | PTE_W | (user ? PTE_U : 0);
    return table_at(frame);
}

/* The entry for virt at level `leaf_level` (1: PTE, 2: PDE). Sets *nomem
 * when creation failed for lack of memory. */
static u64 *entry_for(u64 pml4, u64 virt, int leaf_level, bool create, bool *nomem)
{
    bool user = virt < USER_HALF_END;
    u64 *table = table_at(pml4);
    for (int level = 4; level > leaf_level; level--) {
        u64 *entry = &table[PT_INDEX(virt, level)];
        bool was_present = *entry & PTE_P;
        table = next_table(entry, user, create);
        if (!table) {
            if (nomem)
                *nomem = create && !was_present;
            return NULL;
        }
    }
    return &table[PT_INDEX(virt, leaf_level)];
}

static enum vireo_status map_at_level(u64 pml4, u64 virt, u64 phys, u64 flags, int level, u64 size)
{
    if (virt % size || phys % size || !is_canonical(virt) || (phys & ~PTE_ADDR_MASK))
        return VIREO_E_INVALID_ARG;
    bool nomem = false;
    u64 *entry = entry_for(pml4, virt, level, true, &nomem);
    if (!entry)
        return nomem ? VIREO_E_NO_MEMORY : VIREO_E_OVERLAP;
    if (*entry & PTE_P)
        return VIREO_E_OVERLAP;
    if (level == 2)
        flags |= PTE_PS;
    flags &= ~PTE_ADDR_MASK;
    *entry = phys | flags | PTE_P;
    return VIREO_OK;
}

enum vireo_status pt_map(u64 pml4, u64 virt, u64 phys, u64 flags)
{
    return map_at_level(pml4, virt, phys, flags & ~PTE_PS, 1, PAGE_SIZE);
}

enum vireo_status pt_map_large(u64 pml4, u64 virt, u64 phys, u64 flags)
{
    return map_at_level(pml4, virt, phys, flags, 2, LARGE_PAGE_SIZE);
}

unsigned pt_tables_missing(u64 pml4, u64 virt)
{
    u64 *table = table_at(pml4);
    for (int level = 4; level > 1; level--) {
        u64 entry = table[PT_INDEX(virt, level)];
        if (!(entry & PTE_P))
            return (unsigned)(level - 1);
        if (entry & PTE_PS)
            return 0; /* covered by a large page: pt_map will refuse */
        table = table_at(entry & PTE_ADDR_MASK);
    }
    return 0;
}

bool pt_unmap(u64 pml4, u64 virt, u64 *old_phys)
{
    if (virt % PAGE_SIZE || !is_canonical(virt))
        return false;
    u64 *entry = entry_for(pml4, virt, 1, false, NULL);
    if (!entry || !(*entry & PTE_P))
        return false;
    if (old_phys)
        *old_phys = *entry & PTE_ADDR_MASK;
    *entry = 0;
    return true;
}

bool pt_translate(u64 pml4, u64 virt, struct pt_translation *out)
{
    if (!is_canonical(virt))
        return false;
    u64 *table = table_at(pml4);
    bool writable = true, user = true, no_exec = false;
    for (int level = 4; level >= 1; level--) {
        u64 entry = table[PT_INDEX(virt, level)];
        if (!(entry & PTE_P))
            return false;
        writable = writable && (entry & PTE_W);
        user = user && (entry & PTE_U);
        no_exec = no_exec || (entry & PTE_NX);
        bool leaf = level == 1 || ((level == 2 || level == 3) && (entry & PTE_PS));
        if (leaf) {
            u64 size = PAGE_SIZE << (9 * (level - 1));
            /* For large pages bits 12.. of the address field include PAT;
             * mask to the page size. */
            u64 base = entry & PTE_ADDR_MASK & ~(size - 1);
            out->phys = base + (virt & (size - 1));
            out->page_size = size;
            out->writable = writable;
            out->user = user;
            out->no_exec = no_exec;
            return true;
        }
        table = table_at(entry);
    }
    return false;
}

u64 pt_new_address_space(u64 kernel_pml4)
{
    u64 pml4 = frame_alloc();
    if (!pml4)
        return 0;
    const u64 *src = table_at(kernel_pml4);
    u64 *dst = table_at(pml4);
    for (int i = PML4_KERNEL_FIRST; i < PT_ENTRIES; i++)
        dst[i] = src[i];
    return pml4;
}
