/* Registers: ID, version, TPR and CR8, SVR and the LVT masks, LDR/DFR,
 * the 256-bit registers at rest (SDM 11.4-11.8). */
#include "tests.h"
#include <guest/cpu.h>

static uint64_t read_cr8(void)
{
    uint64_t v;
    __asm__ volatile("mov %%cr8, %0" : "=r"(v));
    return v;
}

static void write_cr8(uint64_t v)
{
    __asm__ volatile("mov %0, %%cr8" ::"r"(v) : "memory");
}

static void test_id_version(void)
{
    uint32_t initial = cpuid(1, 0).ebx >> 24;
    rt_check(env.id == initial, "ID register: bits 31:24 are CPUID.1:EBX[31:24], the initial ID",
             "ID %#x, CPUID %#x", env.id, initial);
    uint32_t v = env.version;
    rt_check((v & 0xff) >= 0x10 && (v & 0xff) <= 0x15,
             "version register: an integrated APIC (0x10-0x15)", "%#x", v);
    uint32_t max_lvt = v >> APIC_VERSION_MAX_LVT_SHIFT & 0xff;
    rt_check(max_lvt >= 3 && max_lvt <= 6, "version register: highest LVT entry 3-6", "%u (%#x)",
             max_lvt, v);
    rt_apic_write(APIC_REG_VERSION, ~v);
    rt_check(rt_apic_read(APIC_REG_VERSION) == v, "version register: read-only", "%#x",
             rt_apic_read(APIC_REG_VERSION));
    /* Writable in xAPIC mode on some models only (SDM 11.4.6); Vireo's is. */
    rt_apic_write(APIC_REG_ID, (env.id ^ 0x5) << APIC_ID_SHIFT);
    uint32_t now = rt_apic_read(APIC_REG_ID) >> APIC_ID_SHIFT;
    rt_apic_write(APIC_REG_ID, env.id << APIC_ID_SHIFT);
    if (rt_under_vireo())
        rt_check(now == (env.id ^ 0x5), "ID register: writable in xAPIC mode", "%#x", now);
    else
        rt_note("ID register %s in xAPIC mode", now == env.id ? "read-only" : "writable");
    rt_check(rt_apic_read(APIC_REG_ID) >> APIC_ID_SHIFT == env.id, "ID register: restored", "%#x",
             rt_apic_read(APIC_REG_ID));
}

static void test_tpr(void)
{
    rt_apic_write(APIC_REG_TPR, 0x5a);
    rt_check(rt_apic_read(APIC_REG_TPR) == 0x5a, "TPR: written and read back", "%#x",
             rt_apic_read(APIC_REG_TPR));
    rt_check(rt_apic_read(APIC_REG_PPR) == 0x5a, "PPR: the TPR when nothing is in service", "%#x",
             rt_apic_read(APIC_REG_PPR));
    rt_check(read_cr8() == 5, "CR8: TPR bits 7:4", "CR8 %#lx", read_cr8());
    rt_apic_write(APIC_REG_TPR, 0xffffffff);
    rt_check(rt_apic_read(APIC_REG_TPR) == 0xff, "TPR: bits 31:8 are reserved", "%#x",
             rt_apic_read(APIC_REG_TPR));
    write_cr8(3);
    rt_check(rt_apic_read(APIC_REG_TPR) == 0x30, "MOV CR8 writes TPR[7:4], clears TPR[3:0]", "%#x",
             rt_apic_read(APIC_REG_TPR));
    write_cr8(0);
    rt_check(rt_apic_read(APIC_REG_TPR) == 0 && read_cr8() == 0, "CR8 0: TPR 0", "%#x",
             rt_apic_read(APIC_REG_TPR));
}

static void test_svr_lvt(void)
{
    rt_check(rt_apic_read(APIC_REG_SVR) == (APIC_SVR_ENABLE | VEC_SPURIOUS),
             "SVR: vector and APIC software enable written and read back", "%#x",
             rt_apic_read(APIC_REG_SVR));
    rt_apic_write(APIC_REG_LVT_TIMER, VEC_TIMER); /* one-shot, unmasked, count 0: idle */
    rt_apic_write(APIC_REG_LVT_PERF, 0x42);
    rt_apic_write(APIC_REG_SVR, VEC_SPURIOUS); /* software disable */
    uint32_t timer = rt_apic_read(APIC_REG_LVT_TIMER), perf = rt_apic_read(APIC_REG_LVT_PERF);
    check_dev((timer & APIC_LVT_MASKED) && (perf & APIC_LVT_MASKED), ON_QEMU,
              "SVR software disable sets every LVT's mask bit", "timer %#x, perf %#x", timer, perf);
    rt_apic_write(APIC_REG_LVT_THERMAL, 0x43);
    uint32_t thermal = rt_apic_read(APIC_REG_LVT_THERMAL);
    check_dev(thermal == (APIC_LVT_MASKED | 0x43), ON_QEMU,
              "LVT written while software-disabled keeps its mask bit", "%#x", thermal);
    rt_apic_write(APIC_REG_SVR, APIC_SVR_ENABLE | VEC_SPURIOUS);
    timer = rt_apic_read(APIC_REG_LVT_TIMER);
    check_dev(timer == (APIC_LVT_MASKED | VEC_TIMER), ON_QEMU,
              "software enable leaves the LVTs masked (vector kept)", "%#x", timer);
    rt_apic_write(APIC_REG_LVT_TIMER, 0xffffffff & ~(1u << 18)); /* not TSC-deadline */
    timer = rt_apic_read(APIC_REG_LVT_TIMER);
    check_dev((timer & ~APIC_LVT_DELIVERY_STATUS) == 0x300ff, ON_QEMU,
              "LVT timer: vector, mask, periodic writable; the rest reserved", "%#x", timer);
    rt_apic_write(APIC_REG_LVT_ERROR, 0xffffffff);
    uint32_t error = rt_apic_read(APIC_REG_LVT_ERROR);
    check_dev((error & ~APIC_LVT_DELIVERY_STATUS) == 0x100ff, ON_QEMU,
              "LVT error: vector and mask writable; the rest reserved", "%#x", error);
    check_dev(!((timer | error) & APIC_LVT_DELIVERY_STATUS), ON_QEMU | ON_BOCHS,
              "LVT delivery status is read-only (idle)", "timer %#x, error %#x", timer, error);
    rt_apic_write(APIC_REG_LVT_PERF, APIC_LVT_MASKED);
    rt_apic_write(APIC_REG_LVT_THERMAL, APIC_LVT_MASKED);
    apic_setup();
}

static void test_logical(void)
{
    rt_apic_write(APIC_REG_LDR, 0x5affffff);
    rt_check(rt_apic_read(APIC_REG_LDR) == 0x5a000000, "LDR: logical ID in bits 31:24", "%#x",
             rt_apic_read(APIC_REG_LDR));
    rt_apic_write(APIC_REG_DFR, 0x0fffffff);
    rt_check(rt_apic_read(APIC_REG_DFR) == 0x0fffffff, "DFR: cluster model (0)", "%#x",
             rt_apic_read(APIC_REG_DFR));
    rt_apic_write(APIC_REG_DFR, 0xffffffff);
    rt_check(rt_apic_read(APIC_REG_DFR) == 0xffffffff, "DFR: flat model (0xf)", "%#x",
             rt_apic_read(APIC_REG_DFR));
    /* A logical self-IPI reaches us where the flat destination has our bit. */
    record_reset();
    rt_apic_write(APIC_REG_LDR, 0x24000000);
    rt_apic_icr(0x04, APIC_ICR_DEST_LOGICAL | 0x47);
    rt_apic_icr(0x0b, APIC_ICR_DEST_LOGICAL | 0x48); /* not our bit */
    wait_hits(0x47, 1, late_bound(env.ipi_latency));
    rt_check(rec[0x47].hits == 1 && rec[0x48].hits == 0,
             "logical flat destination: our LDR bit only", "hits %u, %u", rec[0x47].hits,
             rec[0x48].hits);
    rt_apic_write(APIC_REG_LDR, 0);
}

static void test_at_rest(void)
{
    uint32_t isr = 0, irr = 0;
    for (unsigned i = 0; i < 8; i++) {
        isr |= rt_apic_read(APIC_REG_ISR + i * APIC_REG_STRIDE);
        irr |= rt_apic_read(APIC_REG_IRR + i * APIC_REG_STRIDE);
    }
    rt_check(!isr && !irr, "ISR and IRR empty with nothing pending", "ISR %#x, IRR %#x", isr, irr);
    rt_apic_write(APIC_REG_ISR, 0xffffffff);
    rt_apic_write(APIC_REG_IRR + 0x10, 0xffffffff);
    rt_check(!rt_apic_read(APIC_REG_ISR) && !rt_apic_read(APIC_REG_IRR + 0x10),
             "ISR and IRR are read-only", "ISR %#x, IRR %#x", rt_apic_read(APIC_REG_ISR),
             rt_apic_read(APIC_REG_IRR + 0x10));
    rt_apic_esr();
    rt_check(rt_apic_esr() == 0, "ESR: 0 with no error", "%#x", rt_apic_read(APIC_REG_ESR));
}

void test_registers(void)
{
    test_id_version();
    test_tpr();
    test_svr_lvt();
    test_logical();
    test_at_rest();
}
