/* Boot: the kernel-object pool and init's user frames come out of the page
 * allocator (runtime.h). What stays in the allocator is the kernel's: page
 * tables, init's boot mappings. */
#include "runtime.h"
#include "../kernel_memory.h"
#include "../log.h"
#include "../memory.h"
#include "../stop.h"
#include <string.h>
#include <vireo/x86/pte.h>

#define MIB_PAGES(n)   ((u64)(n) << (20 - VIREO_PAGE_SHIFT))
#define POOL_MIN       MIB_PAGES(1)
#define POOL_MAX       MIB_PAGES(32)
#define RESERVE_MIN    MIB_PAGES(4)
#define MAX_USER_RANGE 64u /* init's MEM selectors 1..64, below its EC/SC */

_Static_assert(VIREO_INIT_SEL_MEM + MAX_USER_RANGE <= VIREO_INIT_SEL_EC, "MEM caps before EC");

extern const struct obj_mmu_ops rt_mmu_ops;

static __attribute__((noreturn)) void too_little(u64 free)
{
    log_error("kernel: memory: %llu free pages are too few for the object pool and init\n",
              (unsigned long long)free);
    system_stop(VIREO_STOP_NO_MEMORY, "not enough memory for kernel objects");
}

void rt_objects_init(void)
{
    u64 free = memory_free_pages();
    u64 pool = free / 16, reserve = free / 8;
    pool = pool < POOL_MIN ? POOL_MIN : pool > POOL_MAX ? POOL_MAX : pool;
    reserve = reserve < RESERVE_MIN ? RESERVE_MIN : reserve;
    if (free < pool + reserve + 1)
        too_little(free);
    u64 pool_phys = memory_take_run(pool);
    if (!pool_phys)
        too_little(free);

    static struct pmm_range runs[MAX_USER_RANGE];
    static struct obj_frame_range ranges[MAX_USER_RANGE];
    u32 n = memory_take_user_ranges(reserve, runs, MAX_USER_RANGE);
    u64 user_pages = 0;
    for (u32 i = 0; i < n; i++) {
        ranges[i].frame = runs[i].base >> VIREO_PAGE_SHIFT;
        ranges[i].pages = runs[i].pages;
        user_pages += runs[i].pages;
    }
    enum vireo_status s = obj_kernel_init(&kobj, phys_to_virt(pool_phys), pool * PAGE_SIZE,
                                          &rt_mmu_ops, NULL, ranges, n);
    if (s != VIREO_OK) {
        log_error("kernel: objects: set-up failed (status %d)\n", (int)s);
        system_stop(VIREO_STOP_NO_MEMORY, "kernel object set-up failed");
    }
    memcpy(kobj.init_pd->name, "init", 5);
    log_info("kernel: objects: pool %llu KiB (%llu blocks), init gets %llu MiB in %u ranges, "
             "kernel keeps %llu KiB\n",
             (unsigned long long)(pool * PAGE_SIZE >> 10), (unsigned long long)kobj.pool.count,
             (unsigned long long)(user_pages * PAGE_SIZE >> 20), n,
             (unsigned long long)(memory_free_pages() * PAGE_SIZE >> 10));
}
