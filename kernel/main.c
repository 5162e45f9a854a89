/* Kernel bring-up on the boot CPU, in dependency order: console, the
 * hand-over, descriptor tables, memory and the kernel's own page tables,
 * CPU features, the kernel-object pool and init's memory, the local APIC
 * timer, the host's date (CMOS RTC), virtualization, syscalls, and finally the first user task. */
#include "boot.h"
#include "init_task.h"
#include "kernel_memory.h"
#include "log.h"
#include "rt/runtime.h"
#include "rt/vcpu_rt.h"
#include "sched/sched.h"
#include "x86/apic.h"
#include "x86/cpu_setup.h"
#include "x86/kernel_map.h"
#include "x86/percpu.h"
#include "x86/pic.h"
#include "x86/rtc.h"
#include "x86/virt_probe.h"

static const char *const level_names[] = {"error", "warn", "info", "debug"};

__attribute__((noreturn)) void kernel_main(u64 boot_info_phys);

void kernel_main(u64 boot_info_phys)
{
    /* COM1 is already set up by the loader (boot_info.h); initialising it
     * again would clear the transmit FIFO and lose the loader's last line. */
    kprintf("vireo kernel %s (%s, max %d CPUs, log %s)\n", CONFIG_VERSION,
            CONFIG_DEBUG ? "debug" : "release", CONFIG_MAX_CPUS, level_names[CONFIG_LOG_LEVEL]);

    const struct vireo_boot_info *boot = boot_info_take(boot_info_phys);
    cpu_bsp_tables_init();
    boot_info_print(boot);
    cpu_print_identity();

    memory_init(boot);
    kernel_map_init(boot);
    /* From here on nothing refers to the loader's tables, stack or data. */
    memory_reclaim_boot_data(boot);
    memory_report();
    cpu_features_init();
    sched_reset();
    rt_objects_init();

    pic_disable();
    apic_init_bsp();
    rtc_init_bsp(); /* the host's date, timed by the TSC */

    enum vireo_virt_kind virt = virt_probe_and_report();
    vcpu_boot_init(virt);
    syscall_init();
    init_task_start(boot, virt);
}
