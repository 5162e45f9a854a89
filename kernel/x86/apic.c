#include "apic.h"
#include "kernel_map.h"
#include "layout.h"
#include "percpu.h"
#include "pit.h"
#include "../log.h"
#include "../stop.h"
#include <x86/cpu.h>

enum apic_reg {
    APIC_ID = 0x20,
    APIC_VERSION = 0x30,
    APIC_TPR = 0x80,
    APIC_EOI = 0xb0,
    APIC_SVR = 0xf0,
    APIC_ESR = 0x280,
    APIC_LVT_TIMER = 0x320,
    APIC_LVT_ERROR = 0x370,
    APIC_TIMER_INITIAL = 0x380,
    APIC_TIMER_CURRENT = 0x390,
    APIC_TIMER_DIVIDE = 0x3e0,
};

#define SVR_ENABLE         (1u << 8)
#define LVT_MASKED         (1u << 16)
#define LVT_TIMER_PERIODIC (1u << 17)
#define TIMER_DIVIDE_BY_16 0x3u
#define TIMER_DIVISOR      16u

/* Calibration window: 10 ms of PIT time. */
/* 50 ms: the window's ends are seen one port access late each (a few us
 * under emulation, 85 us measured under QEMU TCG), which in 10 ms made
 * the TSC rate 0.85% high, and with it every guest's kvmclock slow. */
#define CALIBRATION_MS        50u
#define CALIBRATION_PIT_TICKS (PIT_HZ * CALIBRATION_MS / 1000u)
/* Upper bound on polling the PIT (emulators may run slowly, but not this
 * slowly: a dead PIT must not hang the boot). */
#define CALIBRATION_MAX_POLLS 100000000u

static volatile u32 *apic_mmio;
static bool x2apic_mode;
static u64 measured_tsc_khz;

static u32 apic_read(enum apic_reg reg)
{
    if (x2apic_mode)
        return (u32)rdmsr(MSR_X2APIC_BASE + reg / 16);
    return apic_mmio[reg / 4];
}

static void apic_write(enum apic_reg reg, u32 value)
{
    if (x2apic_mode)
        wrmsr(MSR_X2APIC_BASE + reg / 16, value);
    else
        apic_mmio[reg / 4] = value;
}

void apic_eoi(void)
{
    apic_write(APIC_EOI, 0);
}

u32 apic_read_error(void)
{
    apic_write(APIC_ESR, 0); /* latch the current errors */
    return apic_read(APIC_ESR);
}

u32 apic_id(void)
{
    u32 id = apic_read(APIC_ID);
    return x2apic_mode ? id : id >> 24;
}

void apic_timer_interrupt(void)
{
    this_cpu()->timer_ticks++;
}

u64 apic_timer_ticks(void)
{
    return this_cpu()->timer_ticks;
}

u64 tsc_khz(void)
{
    return measured_tsc_khz;
}

static void apic_enable(void)
{
    if (!(cpuid(1, 0).edx & CPUID_1_EDX_APIC)) {
        log_error("kernel: apic: CPU has no local APIC\n");
        system_stop(VIREO_STOP_KERNEL_FAULT, "no local APIC");
    }
    u64 base = rdmsr(MSR_APIC_BASE);
    x2apic_mode = (base & APIC_BASE_X2APIC) && (base & APIC_BASE_ENABLE);
    if (!x2apic_mode) {
        wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);
        apic_mmio = kernel_map_mmio(base & APIC_BASE_ADDR_MASK, PAGE_SIZE);
    }
    apic_write(APIC_TPR, 0);
    apic_write(APIC_LVT_ERROR, VECTOR_APIC_ERROR);
    apic_write(APIC_SVR, SVR_ENABLE | VECTOR_APIC_SPURIOUS);
    apic_write(APIC_LVT_TIMER, LVT_MASKED | VECTOR_APIC_TIMER);
}

/* APIC timer counts (at divide-by-16) per CALIBRATION_MS. */
static u32 calibrate(void)
{
    apic_write(APIC_TIMER_DIVIDE, TIMER_DIVIDE_BY_16);
    apic_write(APIC_TIMER_INITIAL, 0xffffffffu);
    pit_oneshot_start(CALIBRATION_PIT_TICKS); /* counts from its gate write, the last */
    u64 tsc_start = rdtsc();
    u32 polls = 0;
    while (!pit_oneshot_done()) {
        if (++polls == CALIBRATION_MAX_POLLS) {
            log_error("kernel: apic: the PIT never finished the calibration window\n");
            system_stop(VIREO_STOP_KERNEL_FAULT, "timer calibration failed");
        }
    }
    u32 remaining = apic_read(APIC_TIMER_CURRENT);
    u64 tsc_end = rdtsc();
    apic_write(APIC_TIMER_INITIAL, 0);
    measured_tsc_khz = (tsc_end - tsc_start) / CALIBRATION_MS;
    return 0xffffffffu - remaining;
}

/* Interrupts on until two ticks arrived or about a second of TSC passed. */
static void verify_ticks(void)
{
    u64 start_ticks = apic_timer_ticks();
    u64 deadline = rdtsc() + (measured_tsc_khz ? measured_tsc_khz * 1000 : 1000000000ull);
    irq_enable();
    while (apic_timer_ticks() - start_ticks < 2) {
        if (rdtsc() > deadline) {
            irq_disable();
            log_error("kernel: apic: timer does not tick (no interrupt within 1 s)\n");
            system_stop(VIREO_STOP_KERNEL_FAULT, "APIC timer does not tick");
        }
        cpu_relax();
    }
    irq_disable();
}

void apic_init_bsp(void)
{
    apic_enable();
    this_cpu()->apic_id = apic_id();

    u32 counts = calibrate();
    if (counts == 0) {
        log_error("kernel: apic: timer did not count during calibration\n");
        system_stop(VIREO_STOP_KERNEL_FAULT, "APIC timer calibration failed");
    }
    u64 bus_khz = (u64)counts * TIMER_DIVISOR / CALIBRATION_MS;
    log_info("kernel: apic: id %u, timer %llu kHz bus\n", this_cpu()->apic_id,
             (unsigned long long)bus_khz);
    log_debug("kernel: tsc: %llu kHz\n", (unsigned long long)measured_tsc_khz);

    /* counts per CALIBRATION_MS at divide-by-16, scaled to one period. */
    _Static_assert(1000 % APIC_TIMER_HZ == 0 && (APIC_TIMER_HZ * CALIBRATION_MS) % 1000 == 0,
                   "the window holds whole periods");
    u32 period = counts / (APIC_TIMER_HZ * CALIBRATION_MS / 1000);
    apic_write(APIC_LVT_TIMER, LVT_TIMER_PERIODIC | VECTOR_APIC_TIMER);
    apic_write(APIC_TIMER_INITIAL, period ? period : 1);
    verify_ticks();
}
