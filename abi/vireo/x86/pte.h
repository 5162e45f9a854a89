/* x86-64 page-table entry bits (4-level paging), for loader and kernel. */
#ifndef VIREO_ABI_X86_PTE_H
#define VIREO_ABI_X86_PTE_H

#define PTE_P         (1ull << 0)
#define PTE_W         (1ull << 1)
#define PTE_U         (1ull << 2)
#define PTE_PWT       (1ull << 3)
#define PTE_PCD       (1ull << 4)
#define PTE_A         (1ull << 5)
#define PTE_D         (1ull << 6)
#define PTE_PS        (1ull << 7) /* in a PDE/PDPTE: a 2 MiB / 1 GiB page */
#define PTE_G         (1ull << 8)
#define PTE_NX        (1ull << 63)
#define PTE_ADDR_MASK 0x000ffffffffff000ull

#define PAGE_SIZE       0x1000ull
#define LARGE_PAGE_SIZE 0x200000ull
#define HUGE_PAGE_SIZE  0x40000000ull
#define PT_ENTRIES      512

/* Index of addr in the page table at level (1 = PT ... 4 = PML4). */
#define PT_INDEX(addr, level) (((addr) >> (12 + 9 * ((level)-1))) & 0x1ff)

#endif
