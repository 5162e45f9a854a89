/* IA32_APIC_BASE: moving the register page (SDM 11.4.4) and disabling
 * the APIC (EN=0), which resets it to its power-up state; enabled again
 * it starts from there (SVR 0xff, LVTs masked; SDM 11.4.7.1). */
#include "tests.h"
#include <guest/cpu.h>
#include <guest/trap.h>

#define MOVED_BASE 0xfef00000ull

bool reenable(uint64_t msr)
{
    struct rt_trap t = rt_wrmsr_probe(MSR_APIC_BASE, msr | APIC_BASE_ENABLE);
    rt_apic_sync();
    env.lost = !(rt_apic_base_msr() & APIC_BASE_ENABLE);
    check_dev(!t.count && !env.lost, ON_BOCHS | ON_QEMU, "IA32_APIC_BASE: disabled -> xAPIC (EN=1)",
              "%d exceptions, IA32_APIC_BASE %#lx", t.count, rt_apic_base_msr());
    if (env.lost)
        rt_note("the APIC stays disabled: the tests that need it again are skipped");
    return !env.lost;
}

void test_relocation(void)
{
    uint64_t msr = rt_apic_base_msr();
    wrmsr(MSR_APIC_BASE, (msr & ~APIC_BASE_ADDR_MASK) | MOVED_BASE);
    rt_apic_sync();
    rt_check((rdmsr(MSR_APIC_BASE) & APIC_BASE_ADDR_MASK) == MOVED_BASE,
             "IA32_APIC_BASE takes a new base", "%#lx", rdmsr(MSR_APIC_BASE));
    uint32_t at_new = rt_apic_read_at(MOVED_BASE, APIC_REG_VERSION);
    uint32_t at_old = rt_apic_read_at(APIC_DEFAULT_BASE, APIC_REG_VERSION);
    bool moved = at_new == env.version;
    check_dev(moved, ON_QEMU, "relocated APIC: registers at the new base",
              "version reads %#x there", at_new);
    check_dev(at_old != env.version, ON_QEMU, "relocated APIC: the old base no longer answers",
              "version %#x there", at_old);
    if (moved) {
        record_reset();
        rt_apic_self_ipi(0x49);
        rt_check(wait_hits(0x49, 1, late_bound(env.ipi_latency)),
                 "relocated APIC: a self-IPI through the new page", "no interrupt");
    }
    wrmsr(MSR_APIC_BASE, msr);
    rt_apic_sync();
    rt_check(rt_apic_read(APIC_REG_VERSION) == env.version, "APIC back at 0xfee00000", "%#x",
             rt_apic_read(APIC_REG_VERSION));
}

void test_disable(void)
{
    uint64_t msr = rt_apic_base_msr();
    rt_apic_write(APIC_REG_TPR, 0x20);
    rt_apic_write(APIC_REG_LVT_TIMER, APIC_TIMER_PERIODIC << APIC_LVT_TIMER_SHIFT | VEC_TIMER);
    rt_apic_write(APIC_REG_TIMER_DIVIDE, 0x3);
    rt_apic_write(APIC_REG_TIMER_INITIAL, 0x7fffffff);
    wrmsr(MSR_APIC_BASE, msr & ~APIC_BASE_ENABLE);
    rt_apic_sync();
    rt_check(!(rdmsr(MSR_APIC_BASE) & APIC_BASE_ENABLE), "IA32_APIC_BASE EN=0: disabled", "%#lx",
             rdmsr(MSR_APIC_BASE));
    check_dev(!(cpuid(1, 0).edx & CPUID_1_EDX_APIC), 0, "disabled APIC: CPUID.1:EDX[9] reads 0",
              "still set");
    uint32_t page = rt_apic_read_at(APIC_DEFAULT_BASE, APIC_REG_VERSION);
    check_dev(page != env.version, ON_QEMU, "disabled APIC: the page does not answer",
              "version %#x there", page);
    if (!reenable(msr))
        return;
    uint32_t svr = rt_apic_read(APIC_REG_SVR), lvt = rt_apic_read(APIC_REG_LVT_TIMER);
    uint32_t tpr = rt_apic_read(APIC_REG_TPR), count = rt_apic_read(APIC_REG_TIMER_INITIAL);
    uint32_t div = rt_apic_read(APIC_REG_TIMER_DIVIDE);
    check_dev(svr == APIC_SVR_RESET, ON_QEMU, "re-enabled APIC: SVR 0xff (software-disabled)",
              "%#x", svr);
    check_dev(lvt == APIC_LVT_MASKED, ON_QEMU,
              "re-enabled APIC: LVT timer at its reset value 0x10000", "%#x", lvt);
    check_dev(tpr == 0 && count == 0 && div == 0, ON_QEMU | ON_BOCHS,
              "re-enabled APIC: TPR, initial count, divide reset to 0",
              "TPR %#x, initial count %#x, divide %#x", tpr, count, div);
    rt_check(rt_apic_read(APIC_REG_ID) >> APIC_ID_SHIFT == env.id,
             "re-enabled APIC: the ID is kept", "%#x", rt_apic_read(APIC_REG_ID));
    apic_setup();
    rt_apic_write(APIC_REG_TIMER_DIVIDE, APIC_TIMER_DIVIDE_BY_1);
    record_reset();
    rt_apic_self_ipi(0x4a);
    rt_check(wait_hits(0x4a, 1, late_bound(env.ipi_latency)),
             "re-enabled and set up: a self-IPI arrives", "no interrupt");
}
