/* Faults in ring 0: #DE, #UD, #GP (addresses, selectors, gates, MSRs,
 * control registers) and the #BP trap. */
#include "check.h"
#include "probes.h"
#include "tests.h"
#include <guest/cpu.h>
#include <guest/layout.h>
#include <vireo/format.h>

#define MSR_TSC   0x10
#define MSR_LSTAR 0xc0000082
#define CR0_NW    (1ull << 29)
#define CR0_CD    (1ull << 30)

static struct want gp0(const void *rip)
{
    return (struct want){.vector = VEC_GP, .error = 0, .rip = rip};
}

void test_basic_faults(void)
{
    rt_expect(probe_de_resume);
    probe_de();
    check_trap("#DE on DIV by zero, RIP at the DIV", rt_expect_end(),
               (struct want){.vector = VEC_DE, .rip = probe_de_at}, NOWHERE);

    rt_expect(probe_de_overflow_resume);
    probe_de_overflow();
    check_trap("#DE on IDIV overflow (INT_MIN / -1)", rt_expect_end(),
               (struct want){.vector = VEC_DE, .rip = probe_de_overflow_at}, NOWHERE);

    rt_expect(probe_ud_resume);
    probe_ud();
    check_trap("#UD on UD2, RIP at the UD2", rt_expect_end(),
               (struct want){.vector = VEC_UD, .rip = probe_ud_at}, NOWHERE);

    rt_expect(probe_read_resume);
    probe_read(0x8000000000000000ull);
    check_trap("#GP(0) on a non-canonical read", rt_expect_end(), gp0(probe_read_at), NOWHERE);

    rt_expect(probe_write_resume);
    probe_write(0x00007fffffffffffull + 1, 0);
    check_trap("#GP(0) on a non-canonical write (0x800000000000)", rt_expect_end(),
               gp0(probe_write_at), NOWHERE);

    /* Error code: the selector (beyond the GDT limit). */
    rt_expect(probe_load_ds_resume);
    probe_load_ds(0x1238);
    check_trap("#GP(0x1238) loading DS with a selector beyond the GDT", rt_expect_end(),
               (struct want){.vector = VEC_GP, .error = 0x1238, .rip = probe_load_ds_at}, NOWHERE);

    /* Error code: vector * 8 + 2 (IDT) for a gate that is no gate. */
    rt_expect(probe_int41_resume);
    probe_int41();
    check_trap("#GP(0x20a) on INT 0x41 through an empty IDT entry", rt_expect_end(),
               (struct want){.vector = VEC_GP, .error = 0x41 * 8 + 2, .rip = probe_int41_at},
               RT_PLATFORM_QEMU_TCG);

    rt_expect(NULL);
    probe_int3();
    check_trap("#BP on INT3, RIP after it", rt_expect_end(),
               (struct want){.vector = VEC_BP, .rip = probe_int3_after}, NOWHERE);
}

void test_msrs(void)
{
    rt_expect(probe_rdmsr_resume);
    probe_rdmsr(MSR_TSC);
    check_no_trap("RDMSR of IA32_TIME_STAMP_COUNTER: no fault", rt_expect_end(), NOWHERE);

    /* 0x40000000-0x400000ff: reserved for hypervisors, #GP without one. */
    static const uint32_t reserved[] = {0x40000000, 0x400000ff};
    for (unsigned i = 0; i < 2; i++) {
        char what[96];
        snformat(what, sizeof(what), "#GP(0) on RDMSR %#x (reserved index)", reserved[i]);
        rt_expect(probe_rdmsr_resume);
        probe_rdmsr(reserved[i]);
        check_trap(what, rt_expect_end(), gp0(probe_rdmsr_at), RT_PLATFORM_QEMU_TCG | TRAPPED);
        snformat(what, sizeof(what), "#GP(0) on WRMSR %#x (reserved index)", reserved[i]);
        rt_expect(probe_wrmsr_resume);
        probe_wrmsr(reserved[i], 0);
        check_trap(what, rt_expect_end(), gp0(probe_wrmsr_at), RT_PLATFORM_QEMU_TCG | TRAPPED);
    }

    uint64_t efer = rdmsr(MSR_EFER);
    rt_expect(probe_wrmsr_resume);
    probe_wrmsr(MSR_EFER, efer | 1ull << 63);
    check_trap("#GP(0) on WRMSR EFER with reserved bit 63", rt_expect_end(), gp0(probe_wrmsr_at),
               RT_PLATFORM_QEMU_TCG | TRAPPED);
    rt_check(rdmsr(MSR_EFER) == efer, "EFER unchanged by the faulting WRMSR", "%#lx, was %#lx",
             rdmsr(MSR_EFER), efer);

    uint64_t lstar = rdmsr(MSR_LSTAR);
    rt_expect(probe_wrmsr_resume);
    probe_wrmsr(MSR_LSTAR, 0x8000000000000000ull);
    check_trap("#GP(0) on WRMSR LSTAR with a non-canonical address", rt_expect_end(),
               gp0(probe_wrmsr_at), RT_PLATFORM_QEMU_TCG | TRAPPED);
    wrmsr(MSR_LSTAR, lstar);
}

/*
 * A control-register write that must fault with #GP(0) and change nothing.
 * QEMU TCG 7.2 accepts some of these writes (a deviation) and hangs or
 * resets on others: those are attempted there only with "strict".
 */
enum cr_hazard { CR_SAFE, CR_STOPS_QEMU };

static void cr_write_faults(const char *what, unsigned cr, uint64_t value, enum cr_hazard hazard)
{
    /* Under Vireo the VMM owns CR0 and CR4: the write exits and never
     * reaches QEMU. */
    if (hazard == CR_STOPS_QEMU && rt_platform() == RT_PLATFORM_QEMU_TCG && !rt_under_vireo() &&
        !rt_strict()) {
        rt_deviation(what, "not attempted: QEMU TCG hangs or resets on this write");
        return;
    }
    uint64_t before = cr == 0 ? read_cr0() : read_cr4();
    rt_expect(cr == 0 ? (const void *)probe_write_cr0_resume : probe_write_cr4_resume);
    if (cr == 0)
        probe_write_cr0(value);
    else
        probe_write_cr4(value);
    struct rt_trap t = rt_expect_end();
    uint64_t after = cr == 0 ? read_cr0() : read_cr4();
    if (after != before) {
        if (cr == 0)
            write_cr0(before);
        else
            write_cr4(before);
    }
    bool faulted = check_trap(what, t, gp0(cr == 0 ? probe_write_cr0_at : probe_write_cr4_at),
                              RT_PLATFORM_QEMU_TCG | TRAPPED);
    if (faulted && after != before)
        rt_fail(what, "CR%u changed from %#lx to %#lx despite the #GP", cr, before, after);
    else if (after != before)
        rt_note("  ... the write took effect: CR%u %#lx -> %#lx (restored)", cr, before, after);
}

void test_control_registers(void)
{
    uint64_t cr0 = read_cr0(), cr4 = read_cr4();
    cr_write_faults("#GP(0) on MOV CR4 with reserved bit 15", 4, cr4 | 1ull << 15, CR_STOPS_QEMU);
    cr_write_faults("#GP(0) on MOV CR4 with reserved bit 63", 4, cr4 | 1ull << 63, CR_STOPS_QEMU);
    cr_write_faults("#GP(0) on MOV CR4 clearing PAE in long mode", 4, cr4 & ~(uint64_t)CR4_PAE,
                    CR_STOPS_QEMU);
    cr_write_faults("#GP(0) on MOV CR0 setting NW without CD", 0, (cr0 & ~CR0_CD) | CR0_NW,
                    CR_SAFE);
    cr_write_faults("#GP(0) on MOV CR0 with reserved bit 32", 0, cr0 | 1ull << 32, CR_SAFE);
    cr_write_faults("#GP(0) on MOV CR0 clearing PG in 64-bit mode", 0, cr0 & ~(uint64_t)CR0_PG,
                    CR_STOPS_QEMU);
    cr_write_faults("#GP(0) on MOV CR0 clearing PE with PG set", 0, cr0 & ~(uint64_t)CR0_PE,
                    CR_SAFE);
}
