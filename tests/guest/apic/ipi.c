/* Self-IPIs through the ICR: delivery, ISR during the handler and EOI,
 * destinations, IRR held while IF=0, the STI shadow, the highest vector
 * first (SDM 11.6, 11.8). */
#include "tests.h"
#include <guest/cpu.h>

void sti_shadow_probe(volatile unsigned *marker);
extern const char sti_shadow_after[];

static volatile unsigned marker;
static unsigned marker_at_entry;

static void shadow_handler(struct rt_frame *f)
{
    marker_at_entry = marker;
    record_eoi(f);
}

static void test_self_ipi(void)
{
    record_reset();
    rt_apic_self_ipi(0x41);
    bool came = wait_hits(0x41, 1, late_bound(env.ipi_latency));
    rt_check(came, "self-IPI (ICR, shorthand self, fixed): the handler runs", "no interrupt");
    rt_check(came && rec[0x41].in_service, "ISR has the vector while its handler runs",
             "not in service");
    rt_check(!rt_apic_vector_set(APIC_REG_ISR, 0x41) && !rt_apic_vector_set(APIC_REG_IRR, 0x41),
             "EOI cleared ISR; IRR clear", "ISR %d IRR %d", rt_apic_vector_set(APIC_REG_ISR, 0x41),
             rt_apic_vector_set(APIC_REG_IRR, 0x41));
    rt_check(!(rt_apic_read(APIC_REG_ICR) & APIC_ICR_DELIVERY_STATUS),
             "ICR delivery status idle after the IPI", "ICR %#x", rt_apic_read(APIC_REG_ICR));
    rt_check(rec[0x41].hits == 1, "one IPI, one interrupt", "%u", rec[0x41].hits);

    rt_apic_icr(env.id, 0x42); /* no shorthand, physical destination: us */
    rt_check(wait_hits(0x42, 1, late_bound(env.ipi_latency)),
             "IPI to our own physical APIC ID arrives", "no interrupt");
    rt_apic_icr(0, APIC_SHORTHAND_ALL << APIC_ICR_SHORTHAND_SHIFT | 0x43);
    rt_check(wait_hits(0x43, 1, late_bound(env.ipi_latency)), "IPI to all including self arrives",
             "no interrupt");
    rt_apic_icr(0, APIC_SHORTHAND_OTHERS << APIC_ICR_SHORTHAND_SHIFT | 0x44);
    wait_hits(0x44, 1, quiet());
    rt_check(rec[0x44].hits == 0 && !rt_apic_vector_set(APIC_REG_IRR, 0x44),
             "IPI to all excluding self: no other CPU, nothing arrives", "%u", rec[0x44].hits);
    rt_note("ESR after an IPI to nobody: %#x", rt_apic_esr());
}

static void test_if_and_sti(void)
{
    record_reset();
    rt_irq_handler(0x45, shadow_handler);
    irq_disable();
    rt_apic_self_ipi(0x45);
    uint64_t t = rt_tsc();
    while (rt_tsc() - t < quiet())
        cpu_relax();
    rt_check(rec[0x45].hits == 0 && rt_apic_vector_set(APIC_REG_IRR, 0x45),
             "IF=0: the IPI waits in IRR", "hits %u, IRR %d", rec[0x45].hits,
             rt_apic_vector_set(APIC_REG_IRR, 0x45));
    marker = 0;
    sti_shadow_probe(&marker);
    rt_check(rec[0x45].hits == 1, "STI: the pending interrupt is delivered", "hits %u",
             rec[0x45].hits);
    rt_check(rec[0x45].rip == (uint64_t)sti_shadow_after && marker_at_entry == 1,
             "STI shadow: delivered after the instruction following STI",
             "rip %#lx (expected %#lx), that instruction %s", rec[0x45].rip,
             (uint64_t)sti_shadow_after, marker_at_entry ? "ran" : "had not run");
    rt_irq_handler(0x45, record_eoi);

    /* Two pending: the higher vector first. */
    record_reset();
    rt_apic_self_ipi(0x46);
    rt_apic_self_ipi(0xa6);
    irq_enable();
    __asm__ volatile("nop");
    irq_disable();
    wait_hits(0x46, 1, late_bound(env.ipi_latency));
    rt_check(order_len == 2 && order[0] == 0xa6 && order[1] == 0x46,
             "two pending interrupts: the higher vector is delivered first",
             "%u came, first %#x second %#x", order_len, order[0], order[1]);
}

void test_ipi(void)
{
    test_self_ipi();
    test_if_and_sti();
}
