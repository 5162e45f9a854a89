/* TSC-deadline mode (CPUID.1:ECX[24]; SDM 11.5.4.1): fires once the TSC
 * reaches IA32_TSC_DEADLINE and clears it, a deadline already passed
 * fires at once, 0 disarms, leaving the mode disarms, the count registers
 * are inert. */
#include "tests.h"
#include <guest/cpu.h>

#define CPUID_1_ECX_TSC_DEADLINE (1u << 24)
#define LVT_DEADLINE             (APIC_TIMER_TSC_DEADLINE << APIC_LVT_TIMER_SHIFT | VEC_TIMER)

static void deadline_mode(void)
{
    rt_apic_write(APIC_REG_LVT_TIMER, LVT_DEADLINE);
    __asm__ volatile("mfence" ::: "memory"); /* the SDM's order: LVT write, then WRMSR */
}

static void test_fires(void)
{
    record_reset();
    deadline_mode();
    uint64_t deadline = rt_tsc() + env.unit;
    wrmsr(MSR_TSC_DEADLINE, deadline);
    rt_check(rdmsr(MSR_TSC_DEADLINE) == deadline, "IA32_TSC_DEADLINE reads back while armed",
             "%#lx", rdmsr(MSR_TSC_DEADLINE));
    bool came = wait_hits(VEC_TIMER, 1, late_bound(env.unit));
    rt_check(came, "TSC-deadline timer fires", "nothing");
    rt_check(came && rec[VEC_TIMER].tsc >= deadline, "TSC-deadline timer: not before the deadline",
             "TSC %#lx in the handler, deadline %#lx", rec[VEC_TIMER].tsc, deadline);
    check_dev(came && rec[VEC_TIMER].tsc - deadline <= late_bound(0), ON_BOCHS,
              "TSC-deadline timer: not implausibly late", "%lu TSC ticks after",
              rec[VEC_TIMER].tsc - deadline);
    check_dev(rdmsr(MSR_TSC_DEADLINE) == 0, ON_BOCHS, "IA32_TSC_DEADLINE is 0 once it fired",
              "%#lx", rdmsr(MSR_TSC_DEADLINE));
    wait_hits(VEC_TIMER, 2, env.unit);
    rt_check(rec[VEC_TIMER].hits == 1, "TSC-deadline timer fires once", "%u interrupts",
             rec[VEC_TIMER].hits);

    uint64_t t = rt_tsc();
    wrmsr(MSR_TSC_DEADLINE, t - 1000);
    came = wait_hits(VEC_TIMER, 2, late_bound(0));
    rt_check(came, "a deadline already passed fires at once", "nothing after %lu TSC ticks",
             rt_tsc() - t);

    rt_apic_write(APIC_REG_TIMER_INITIAL, 12345);
    rt_check(rt_apic_read(APIC_REG_TIMER_INITIAL) == 0 && rt_apic_read(APIC_REG_TIMER_CURRENT) == 0,
             "TSC-deadline mode: initial count writes ignored, current count 0",
             "initial %u, current %u", rt_apic_read(APIC_REG_TIMER_INITIAL),
             rt_apic_read(APIC_REG_TIMER_CURRENT));
}

static void test_disarm(void)
{
    record_reset();
    deadline_mode();
    wrmsr(MSR_TSC_DEADLINE, rt_tsc() + env.unit / 2);
    wrmsr(MSR_TSC_DEADLINE, 0);
    wait_hits(VEC_TIMER, 1, env.unit);
    rt_check(rec[VEC_TIMER].hits == 0, "IA32_TSC_DEADLINE 0 disarms", "%u interrupts",
             rec[VEC_TIMER].hits);

    wrmsr(MSR_TSC_DEADLINE, rt_tsc() + env.unit / 2);
    rt_apic_write(APIC_REG_LVT_TIMER, VEC_TIMER); /* one-shot, count 0 */
    wait_hits(VEC_TIMER, 1, env.unit);
    rt_check(rec[VEC_TIMER].hits == 0, "leaving TSC-deadline mode disarms the timer",
             "%u interrupts", rec[VEC_TIMER].hits);
    rt_note("IA32_TSC_DEADLINE in one-shot mode after the switch: %#lx", rdmsr(MSR_TSC_DEADLINE));
    wrmsr(MSR_TSC_DEADLINE, 0);
    rt_apic_write(APIC_REG_LVT_TIMER, APIC_LVT_MASKED | VEC_TIMER);
}

void test_tsc_deadline(void)
{
    if (!(cpuid(1, 0).ecx & CPUID_1_ECX_TSC_DEADLINE)) {
        rt_note("no TSC-deadline timer (CPUID.1:ECX[24] clear): not tested");
        return;
    }
    test_fires();
    test_disarm();
}
