/*
 * 4-level x86-64 page tables: map, unmap and translate 4 KiB (and 2 MiB)
 * pages in a given PML4. Pure apart from memory.h, so host tests drive it
 * over heap memory. Tables are reached through phys_to_virt().
 */
#ifndef KERNEL_PAGE_TABLE_H
#define KERNEL_PAGE_TABLE_H

#include <vireo/status.h>
#include <vireo/types.h>
#include <vireo/x86/pte.h>

#define USER_HALF_END     0x0000800000000000ull /* first non-user address */
#define KERNEL_HALF_START 0xffff800000000000ull /* first kernel address */
#define PML4_KERNEL_FIRST 256                   /* PML4 slots 256..511 */

static inline bool is_canonical(u64 addr)
{
    return addr < USER_HALF_END || addr >= KERNEL_HALF_START;
}

struct pt_translation {
    u64 phys;      /* the physical address virt maps to */
    u64 page_size; /* 4 KiB, 2 MiB or 1 GiB */
    bool writable; /* W at every level */
    bool user;     /* U at every level */
    bool no_exec;  /* NX at some level */
};

/* Maps the 4 KiB page at virt to phys with leaf flags (PTE_P is implied).
 * Intermediate tables are created as needed, with U set only in the user
 * half. Fails with VIREO_E_INVALID_ARG (unaligned, non-canonical),
 * VIREO_E_OVERLAP (something is mapped there), VIREO_E_NO_MEMORY. */
enum vireo_status pt_map(u64 pml4, u64 virt, u64 phys, u64 flags);
/* The same for a 2 MiB page. */
enum vireo_status pt_map_large(u64 pml4, u64 virt, u64 phys, u64 flags);

/* How many tables pt_map(pml4, virt, ...) would have to create (0..3):
 * what a 4 KiB mapping there costs in page-table pages. */
unsigned pt_tables_missing(u64 pml4, u64 virt);

/* Removes the 4 KiB mapping at virt; returns false if there was none (or it
 * is part of a large page). The caller flushes the TLB. */
bool pt_unmap(u64 pml4, u64 virt, u64 *old_phys);

/* Walks the tables; false if virt is not mapped. */
bool pt_translate(u64 pml4, u64 virt, struct pt_translation *out);

/* A new PML4 whose kernel half (slots 256..511) is the kernel's; the user
 * half is empty. Returns its physical address, or 0. */
u64 pt_new_address_space(u64 kernel_pml4);

#endif
