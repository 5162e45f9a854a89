/* x2APIC (CPUID.1:ECX[21]; SDM 11.12): the MSRs refuse access in xAPIC
 * mode, the mode's ID, version, TPR, SVR, ICR and SELF IPI, #GP for the
 * reserved MSRs, write-only and read-only ones, and IA32_APIC_BASE's mode
 * transitions (x2APIC -> xAPIC only through disabled). */
#include "tests.h"
#include <guest/cpu.h>
#include <guest/trap.h>

#define X2(reg) (MSR_X2APIC_BASE + (reg) / APIC_REG_STRIDE)

static bool gp0(struct rt_trap t)
{
    return t.count == 1 && t.vector == VEC_GP && t.error == 0;
}

static void check_gp(struct rt_trap t, const char *what, uint32_t msr)
{
    rt_check(gp0(t), what, "MSR %#x: %d exceptions, vector %lu", msr, t.count, t.vector);
}

/* The IPI just sent comes in; if not, where it is (still in IRR: never
 * delivered; nowhere: lost), read after the wait. */
static void arrives(unsigned vector, const char *what)
{
    bool came = wait_hits(vector, 1, late_bound(env.ipi_latency));
    bool irr = rt_apic_vector_set(APIC_REG_IRR, vector);
    bool isr = rt_apic_vector_set(APIC_REG_ISR, vector);
    rt_check(came, what, "no interrupt; IRR %d, ISR %d, ICR %#lx", irr, isr,
             rdmsr(X2(APIC_REG_ICR)));
}

static void test_refused_in_xapic(void)
{
    uint64_t v;
    check_gp(rt_rdmsr_probe(X2(APIC_REG_ID), &v), "xAPIC mode: RDMSR 0x802 raises #GP",
             X2(APIC_REG_ID));
    check_gp(rt_wrmsr_probe(X2(APIC_REG_TPR), 0), "xAPIC mode: WRMSR 0x808 raises #GP",
             X2(APIC_REG_TPR));
}

static void test_x2_registers(void)
{
    uint64_t v;
    struct rt_trap t = rt_rdmsr_probe(X2(APIC_REG_ID), &v);
    uint32_t initial = cpuid(1, 0).ebx >> 24;
    rt_check(!t.count && (v & 0xff) == initial, "x2APIC ID (0x802): the initial APIC ID",
             "%#lx, CPUID %#x", v, initial);
    if (cpuid(0, 0).eax >= 0xb)
        rt_check(v == cpuid(0xb, 0).edx, "x2APIC ID is CPUID.0BH:EDX", "%#lx, %#x", v,
                 cpuid(0xb, 0).edx);
    t = rt_rdmsr_probe(X2(APIC_REG_VERSION), &v);
    rt_check(!t.count && v == env.version, "x2APIC version (0x803) as in xAPIC mode", "%#lx", v);
    t = rt_rdmsr_probe(X2(APIC_REG_LDR), &v);
    uint32_t id = rt_apic_read(APIC_REG_ID);
    check_dev(!t.count && v == ((id >> 4) << 16 | 1u << (id & 0xf)), ON_BOCHS,
              "x2APIC LDR (0x80d): cluster and bit from the ID", "%#lx for ID %#x", v, id);
    wrmsr(X2(APIC_REG_TPR), 0x3c);
    rt_check(rdmsr(X2(APIC_REG_TPR)) == 0x3c, "x2APIC TPR (0x808) written and read back", "%#lx",
             rdmsr(X2(APIC_REG_TPR)));
    wrmsr(X2(APIC_REG_TPR), 0);
    wrmsr(X2(APIC_REG_SVR), APIC_SVR_ENABLE | VEC_SPURIOUS);
    rt_check(rdmsr(X2(APIC_REG_SVR)) == (APIC_SVR_ENABLE | VEC_SPURIOUS),
             "x2APIC SVR (0x80f) written and read back", "%#lx", rdmsr(X2(APIC_REG_SVR)));

    record_reset();
    wrmsr(X2(APIC_REG_ICR), (uint64_t)id << 32 | 0x4b);
    arrives(0x4b, "x2APIC ICR (0x830): IPI to our x2APIC ID arrives");
    wrmsr(X2(APIC_REG_ICR), APIC_SHORTHAND_SELF << APIC_ICR_SHORTHAND_SHIFT | 0x4c);
    arrives(0x4c, "x2APIC ICR: self shorthand arrives");
    wrmsr(X2(APIC_REG_SELF_IPI), 0x4d);
    arrives(0x4d, "x2APIC SELF IPI (0x83f) arrives");
    rt_check(rec[0x4d].in_service, "x2APIC: ISR (0x810-0x817) has the vector in its handler",
             "not in service");
}

static void test_access_rules(void)
{
    /* Reserved MSRs in 0x800-0x8ff, and ones xAPIC mode has but x2APIC
     * not (APR, RRD, DFR, ICR high). */
    static const uint16_t reserved[] = {0x800, 0x801, 0x804, 0x807, 0x809, 0x80c, 0x80e,
                                        0x829, 0x82e, 0x831, 0x83a, 0x83d, 0x840, 0x8ff};
    uint64_t v;
    for (unsigned i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
        check_gp(rt_rdmsr_probe(reserved[i], &v), "x2APIC: RDMSR of a reserved MSR raises #GP",
                 reserved[i]);
        check_gp(rt_wrmsr_probe(reserved[i], 0), "x2APIC: WRMSR of a reserved MSR raises #GP",
                 reserved[i]);
    }
    check_gp(rt_rdmsr_probe(X2(APIC_REG_EOI), &v), "x2APIC: EOI (0x80b) is write-only",
             X2(APIC_REG_EOI));
    check_gp(rt_rdmsr_probe(X2(APIC_REG_SELF_IPI), &v), "x2APIC: SELF IPI (0x83f) is write-only",
             X2(APIC_REG_SELF_IPI));
    static const uint16_t read_only[] = {0x802, 0x803, 0x80a, 0x80d, 0x810, 0x820, 0x839};
    for (unsigned i = 0; i < sizeof(read_only) / sizeof(read_only[0]); i++)
        check_gp(rt_wrmsr_probe(read_only[i], 0), "x2APIC: WRMSR of a read-only MSR raises #GP",
                 read_only[i]);
    check_gp(rt_wrmsr_probe(X2(APIC_REG_EOI), 1), "x2APIC: a non-zero EOI write raises #GP",
             X2(APIC_REG_EOI));
    check_gp(rt_wrmsr_probe(X2(APIC_REG_ESR), 1), "x2APIC: a non-zero ESR write raises #GP",
             X2(APIC_REG_ESR));
    check_gp(rt_wrmsr_probe(X2(APIC_REG_TPR), 0x100), "x2APIC: TPR bit 8 reserved: #GP",
             X2(APIC_REG_TPR));
    check_gp(rt_wrmsr_probe(X2(APIC_REG_TPR), 1ull << 32), "x2APIC: bits 63:32 reserved: #GP",
             X2(APIC_REG_TPR));
    uint32_t mmio = rt_apic_read_at(APIC_DEFAULT_BASE, APIC_REG_VERSION);
    rt_check(mmio != env.version, "x2APIC mode: the xAPIC page does not answer",
             "version %#x there", mmio);
}

static void test_transitions(void)
{
    uint64_t msr = rt_apic_base_msr(), base = msr & ~(APIC_BASE_ENABLE | APIC_BASE_X2APIC);
    check_gp(rt_wrmsr_probe(MSR_APIC_BASE, base | APIC_BASE_ENABLE),
             "x2APIC -> xAPIC directly raises #GP", MSR_APIC_BASE);
    check_gp(rt_wrmsr_probe(MSR_APIC_BASE, base | APIC_BASE_X2APIC), "EXTD without EN raises #GP",
             MSR_APIC_BASE);
    rt_check(rdmsr(MSR_APIC_BASE) == msr, "x2APIC still on after the refused writes", "%#lx",
             rdmsr(MSR_APIC_BASE));
    struct rt_trap t = rt_wrmsr_probe(MSR_APIC_BASE, base);
    rt_check(!t.count, "x2APIC -> disabled", "vector %lu", t.vector);
    t = rt_wrmsr_probe(MSR_APIC_BASE, base | APIC_BASE_ENABLE | APIC_BASE_X2APIC);
    check_dev(gp0(t), ON_BOCHS, "disabled -> x2APIC raises #GP", "%d exceptions; %#lx", t.count,
              rdmsr(MSR_APIC_BASE));
    if (!reenable(base))
        return;
    rt_check(!rt_apic_x2apic() && rt_apic_read(APIC_REG_VERSION) == env.version &&
                 rt_apic_read(APIC_REG_SVR) == APIC_SVR_RESET,
             "back in xAPIC mode from its reset state", "SVR %#x", rt_apic_read(APIC_REG_SVR));
    apic_setup();
}

void test_x2apic(void)
{
    if (!(cpuid(1, 0).ecx & CPUID_1_ECX_X2APIC)) {
        uint64_t msr = rt_apic_base_msr();
        struct rt_trap t = rt_wrmsr_probe(MSR_APIC_BASE, msr | APIC_BASE_X2APIC);
        rt_apic_sync();
        check_dev(gp0(t), ON_QEMU, "no x2APIC in CPUID: EXTD is reserved (#GP)",
                  "%d exceptions; IA32_APIC_BASE %#lx", t.count, rdmsr(MSR_APIC_BASE));
        if (!t.count) {
            wrmsr(MSR_APIC_BASE, msr);
            rt_apic_sync();
        }
        rt_note("no x2APIC (CPUID.1:ECX[21] clear): x2APIC mode not tested");
        return;
    }
    test_refused_in_xapic();
    wrmsr(MSR_APIC_BASE, rt_apic_base_msr() | APIC_BASE_X2APIC);
    rt_apic_sync();
    rt_check(rt_apic_x2apic(), "IA32_APIC_BASE: xAPIC -> x2APIC", "%#lx", rt_apic_base_msr());
    test_x2_registers();
    test_access_rules();
    test_transitions();
}
