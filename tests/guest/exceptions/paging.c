/*
 * A 4 KiB-page test region at 4 GiB (PDPT entry 4, beside the runtime's
 * identity map of 0-4 GiB), one page per kind of mapping a #PF test needs.
 */
#include "paging.h"
#include <guest/cpu.h>

#define PTE_P   (1ull << 0)
#define PTE_W   (1ull << 1)
#define PTE_U   (1ull << 2)
#define PTE_NX  (1ull << 63)
#define TABLE_P (PTE_P | PTE_W | PTE_U) /* the leaf decides */

extern uint64_t rt_pdpt[512];

static uint64_t pd[512] __attribute__((aligned(4096)));
static uint64_t pt[512] __attribute__((aligned(4096)));
static uint8_t backing[TEST_PAGES][4096] __attribute__((aligned(4096)));

bool paging_has_nx;
unsigned paging_rsvd_bit;

void paging_init(void)
{
    struct cpuid_regs e8 = cpuid(0x80000008, 0);
    unsigned maxphys = cpuid(0x80000000, 0).eax >= 0x80000008 ? (e8.eax & 0xff) : 36;
    paging_has_nx = cpuid(0x80000001, 0).edx >> 20 & 1;
    paging_rsvd_bit = maxphys < 52 ? maxphys : 0;

    for (unsigned i = 0; i < TEST_PAGES; i++)
        backing[i][0] = (uint8_t)(0xc3); /* RET, for the fetch test */
    uint64_t b = (uint64_t)backing;
    pt[PAGE_ABSENT] = 0;
    pt[PAGE_READ_ONLY] = (b + 0x1000 * PAGE_READ_ONLY) | PTE_P | PTE_U;
    pt[PAGE_SUPERVISOR] = (b + 0x1000 * PAGE_SUPERVISOR) | PTE_P | PTE_W;
    pt[PAGE_NO_EXEC] =
        (b + 0x1000 * PAGE_NO_EXEC) | PTE_P | PTE_W | PTE_U | (paging_has_nx ? PTE_NX : 0);
    pt[PAGE_RESERVED] = (b + 0x1000 * PAGE_RESERVED) | PTE_P | PTE_W | PTE_U |
                        (paging_rsvd_bit ? 1ull << paging_rsvd_bit : 0);
    pt[PAGE_NORMAL] = (b + 0x1000 * PAGE_NORMAL) | PTE_P | PTE_W | PTE_U;
    pd[0] = (uint64_t)pt | TABLE_P;
    rt_pdpt[TEST_REGION >> 30] = (uint64_t)pd | TABLE_P;
    write_cr3(read_cr3()); /* flush: the PDPT entry was absent before */
}
