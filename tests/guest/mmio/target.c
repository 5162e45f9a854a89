/* The memory under test and the region of mixed pages (mmio.h). */
#include "mmio.h"
#include <guest/cpu.h>

#define SCRATCH_PORT 0xe0
#define PATTERN      0x5ca1ab1eu
#define PTE_P        (1ull << 0)
#define PTE_W        (1ull << 1)
#define PTE_U        (1ull << 2)
#define PTE_PCD      (1ull << 4) /* the window uncached, as MMIO is mapped */
#define TABLE        (PTE_P | PTE_W | PTE_U)

extern uint64_t rt_pml4[512], rt_pdpt[512];

uint8_t *target;
bool target_is_mmio;
uint8_t region_ram[4096] __attribute__((aligned(4096)));
static uint8_t fallback[WINDOW_SIZE] __attribute__((aligned(4096)));
static uint64_t pd[512] __attribute__((aligned(4096)));
static uint64_t pt[512] __attribute__((aligned(4096)));
static uint64_t top_pdpt[512] __attribute__((aligned(4096)));
static uint64_t top_pd[512] __attribute__((aligned(4096)));
static uint64_t top_pt[512] __attribute__((aligned(4096)));
static uint8_t top_ram[4096] __attribute__((aligned(4096)));

/* pc-testdev answers at its scratch port (bare Bochs: all ones). */
static bool testdev_present(void)
{
    outl(SCRATCH_PORT, PATTERN);
    return inl(SCRATCH_PORT) == PATTERN;
}

void target_init(void)
{
    target_is_mmio = testdev_present();
    if (!target_is_mmio && rt_platform() != RT_PLATFORM_BOCHS)
        rt_fail("pc-testdev present", "port 0xe0 does not read back on %s", rt_platform_name());
    target = target_is_mmio ? (uint8_t *)WINDOW : fallback;
    if (target_is_mmio)
        rt_pass("pc-testdev's window at 0xff000000 is the memory under test");
    else
        rt_note("no pc-testdev (bare Bochs): the checks run on a RAM buffer at %p", fallback);
    uint64_t t = (uint64_t)target, cache = target_is_mmio ? PTE_PCD : 0;
    pt[PG_M0] = (t + 0x8000) | TABLE | cache;
    pt[PG_M1] = (t + 0x9000) | TABLE | cache;
    pt[PG_RAM] = (uint64_t)region_ram | TABLE;
    pt[PG_M2] = (t + 0xa000) | TABLE | cache;
    pt[PG_ABSENT] = 0;
    pd[0] = (uint64_t)pt | TABLE;
    rt_pdpt[REGION >> 30] = (uint64_t)pd | TABLE;
    /* TOP_PAGE: PML4 entry 255, the last PDPT, PD and PT entries. */
    top_pt[511] = (uint64_t)top_ram | TABLE;
    top_pd[511] = (uint64_t)top_pt | TABLE;
    top_pdpt[511] = (uint64_t)top_pd | TABLE;
    rt_pml4[255] = (uint64_t)top_pdpt | TABLE;
    write_cr3(read_cr3());
}
