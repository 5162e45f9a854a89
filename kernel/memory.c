/* The kernel's physical memory: the page allocator built from the boot
 * memory map, frames zeroed through the direct map. */
#include "memory.h"
#include "kernel_memory.h"
#include "log.h"
#include "pmm.h"
#include "stop.h"
#include <string.h>
#include <vireo/x86/pte.h>

static struct pmm pmm;
static u64 phys_limit;

bool phys_in_direct_map(u64 phys, u64 len)
{
    return phys + len >= phys && phys + len <= phys_limit;
}

void *phys_to_virt(u64 phys)
{
    return (void *)(VIREO_PHYSMAP_BASE + phys);
}

u64 virt_to_phys(const void *virt)
{
    return (u64)virt - VIREO_PHYSMAP_BASE;
}

u64 frame_alloc(void)
{
    u64 phys = pmm_alloc(&pmm);
    if (phys)
        memset(phys_to_virt(phys), 0, PAGE_SIZE);
    return phys;
}

void frame_free(u64 phys)
{
    if (!pmm_free(&pmm, phys))
        log_warn("kernel: freeing frame 0x%llx that is not allocated\n", (unsigned long long)phys);
}

void memory_init(const struct vireo_boot_info *boot)
{
    u64 words = pmm_map_words(boot->mem, boot->mem_count);
    u64 bytes = 2 * words * sizeof(u64);
    u64 home = words ? pmm_find_home(boot->mem, boot->mem_count, bytes) : 0;
    if (!home) {
        log_error("kernel: memory: no usable RAM above 1 MiB for the page allocator\n");
        system_stop(VIREO_STOP_NO_MEMORY, "no usable memory");
    }
    phys_limit = boot->phys_limit;
    pmm_init(&pmm, phys_to_virt(home), words, boot->mem, boot->mem_count);
    pmm_remove_range(&pmm, home, bytes);
}

void memory_reclaim_boot_data(const struct vireo_boot_info *boot)
{
    pmm_add_type(&pmm, boot->mem, boot->mem_count, VIREO_MEM_BOOT);
}

void memory_report(void)
{
    log_info("kernel: memory: %llu MiB usable, %llu free pages\n",
             (unsigned long long)(pmm.owned_pages * PAGE_SIZE >> 20),
             (unsigned long long)pmm.free_pages);
}

u64 memory_free_pages(void)
{
    return pmm.free_pages;
}

u64 memory_take_run(u64 pages)
{
    return pmm_take_run(&pmm, pages);
}

u32 memory_take_user_ranges(u64 keep, struct pmm_range *out, u32 max)
{
    return pmm_take_free_ranges(&pmm, keep, out, max);
}
