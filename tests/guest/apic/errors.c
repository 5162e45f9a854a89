/* The error status and the error LVT (SDM 11.5.3): an illegal vector
 * (0-15) in a self-IPI and an access to a reserved register offset set
 * their ESR bits, which show after an ESR write, and raise the error
 * interrupt. */
#include "tests.h"
#include <guest/trap.h>

#define ESR_ILLEGAL_VECTOR (APIC_ESR_SEND_ILLEGAL_VECTOR | APIC_ESR_RECV_ILLEGAL_VECTOR)

/* A self-IPI with an illegal vector, waiting for error interrupt number
 * `errors`; an emulator that delivers the vector anyway raises that
 * exception, which comes back as the record (count 0: none). */
static struct rt_trap illegal_self_ipi(unsigned vector, unsigned errors)
{
    rt_expect(0);
    rt_apic_self_ipi(vector);
    wait_hits(VEC_ERROR, errors, late_bound(env.ipi_latency));
    struct rt_trap t = rt_expect_end();
    if (t.count)
        rt_apic_eoi(); /* it went in service like any vector */
    return t;
}

void test_errors(void)
{
    record_reset();
    rt_apic_write(APIC_REG_LVT_ERROR, VEC_ERROR);
    rt_apic_esr();
    struct rt_trap t = illegal_self_ipi(5, 1);
    check_dev(!t.count, ON_QEMU, "self-IPI with vector 5 is not delivered", "came as vector %lu",
              t.vector);
    uint32_t esr = rt_apic_esr();
    check_dev(esr & ESR_ILLEGAL_VECTOR, ON_QEMU,
              "self-IPI with vector 5: ESR reports an illegal vector", "ESR %#x", esr);
    if (rt_under_vireo())
        rt_check(esr == ESR_ILLEGAL_VECTOR, "self-IPI with vector 5: send and receive illegal",
                 "ESR %#x", esr);
    else
        rt_note("ESR after a self-IPI with vector 5: %#x", esr);
    rt_check(rt_apic_esr() == 0, "ESR: a second write latches no new error", "%#x",
             rt_apic_read(APIC_REG_ESR));
    rt_check(!rt_apic_vector_set(APIC_REG_IRR, 5) && !rt_apic_vector_set(APIC_REG_ISR, 5),
             "vector 5 stays out of IRR and ISR", "IRR %d", rt_apic_vector_set(APIC_REG_IRR, 5));
    check_dev(rec[VEC_ERROR].hits == 1, ON_BOCHS | ON_QEMU,
              "the illegal vector raises the error LVT interrupt", "%u interrupts",
              rec[VEC_ERROR].hits);

    unsigned before = rec[VEC_ERROR].hits;
    rt_apic_read(0x010); /* a reserved offset */
    wait_hits(VEC_ERROR, before + 1, late_bound(env.ipi_latency));
    esr = rt_apic_esr();
    check_dev(esr == APIC_ESR_ILLEGAL_REGISTER, ON_QEMU,
              "read of reserved offset 0x10: ESR illegal register address", "ESR %#x", esr);
    check_dev(rec[VEC_ERROR].hits == before + 1, ON_BOCHS | ON_QEMU,
              "the illegal register access raises the error LVT interrupt", "%u interrupts",
              rec[VEC_ERROR].hits - before);

    before = rec[VEC_ERROR].hits;
    rt_apic_write(APIC_REG_LVT_ERROR, APIC_LVT_MASKED | VEC_ERROR);
    t = illegal_self_ipi(6, before + 1);
    esr = rt_apic_esr();
    check_dev(rec[VEC_ERROR].hits == before && (esr & ESR_ILLEGAL_VECTOR), ON_QEMU,
              "masked error LVT: the error is kept, no interrupt", "%u interrupts, ESR %#x",
              rec[VEC_ERROR].hits - before, esr);
}
