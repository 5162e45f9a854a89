/* Priorities: TPR holds back a vector whose class is not above it, PPR
 * follows the highest in-service class, a higher class nests inside a
 * handler, the same class waits for its EOI (SDM 11.8.3). */
#include "tests.h"
#include <guest/cpu.h>

static uint32_t ppr_in_outer;
static unsigned inner_in_outer, same_class_in_outer;

/* Vector 0x60's handler: sends 0x90 (higher class) and 0x61 (the same
 * class), opens interrupts and sees which come in. */
static void outer(struct rt_frame *f)
{
    ppr_in_outer = rt_apic_read(APIC_REG_PPR);
    rt_apic_self_ipi(0x61);
    rt_apic_self_ipi(0x90);
    irq_enable();
    rt_spin_until(&rec[0x90].hits, 1, late_bound(env.ipi_latency));
    uint64_t t = rt_tsc();
    while (rt_tsc() - t < quiet())
        cpu_relax();
    irq_disable();
    inner_in_outer = rec[0x90].hits;
    same_class_in_outer = rec[0x61].hits;
    record_eoi(f);
}

static void test_tpr_blocks(void)
{
    record_reset();
    rt_apic_write(APIC_REG_TPR, 0x70);
    rt_apic_self_ipi(0x75);
    wait_hits(0x75, 1, quiet());
    rt_check(rec[0x75].hits == 0 && rt_apic_vector_set(APIC_REG_IRR, 0x75),
             "TPR 0x70 holds back vector 0x75 (same class) in IRR", "hits %u", rec[0x75].hits);
    rt_apic_self_ipi(0x70);
    wait_hits(0x70, 1, quiet());
    rt_check(rec[0x70].hits == 0, "TPR 0x70 holds back vector 0x70", "hits %u", rec[0x70].hits);
    rt_apic_self_ipi(0x85);
    rt_check(wait_hits(0x85, 1, late_bound(env.ipi_latency)),
             "TPR 0x70 lets vector 0x85 (class 8) through", "no interrupt");
    rt_apic_write(APIC_REG_TPR, 0x60);
    wait_hits(0x70, 1, late_bound(env.ipi_latency));
    rt_check(rec[0x75].hits == 1 && rec[0x70].hits == 1,
             "TPR lowered to 0x60: the held vectors are delivered", "hits %u, %u", rec[0x75].hits,
             rec[0x70].hits);
    rt_check(order_len == 3 && order[1] == 0x75 && order[2] == 0x70,
             "held vectors: the higher first once TPR drops", "order %#x %#x %#x", order[0],
             order[1], order[2]);
    rt_apic_write(APIC_REG_TPR, 0);
}

static void test_nesting(void)
{
    record_reset();
    rt_irq_handler(0x60, outer);
    rt_apic_self_ipi(0x60);
    wait_hits(0x61, 1, 4 * late_bound(env.ipi_latency));
    rt_irq_handler(0x60, record_eoi);
    rt_check(ppr_in_outer == 0x60, "PPR in a handler: the in-service class", "%#x", ppr_in_outer);
    rt_check(inner_in_outer == 1, "a higher-class interrupt nests inside the handler",
             "0x90 came %u times", inner_in_outer);
    rt_check(same_class_in_outer == 0 && rec[0x61].hits == 1,
             "the same class waits for the handler's EOI", "0x61 in the handler %u, after %u",
             same_class_in_outer, rec[0x61].hits);
    rt_check(order_len == 3 && order[0] == 0x90 && order[1] == 0x60 && order[2] == 0x61,
             "EOIs in order: inner 0x90, outer 0x60, then 0x61", "order %#x %#x %#x", order[0],
             order[1], order[2]);
}

void test_priority(void)
{
    test_tpr_blocks();
    test_nesting();
}
