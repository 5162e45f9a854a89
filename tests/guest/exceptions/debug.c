/*
 * #DB: single-step traps after ordinary and after exiting instructions
 * (CPUID, IN, OUT, RDMSR: what a VMM emulates, and must then deliver the
 * trap for at the next instruction boundary, DESIGN.md section 8), the MOV SS
 * shadow, hardware breakpoints, and CR2/DR0-3 surviving those instructions.
 */
#include "check.h"
#include "probes.h"
#include "tests.h"
#include <guest/cpu.h>

#define DR6_B0        (1u << 0)
#define DR6_B1        (1u << 1)
#define DR6_BS        (1u << 14)
#define DR7_L0        (1u << 0)
#define DR7_L1        (1u << 2)
#define DR7_RW1_WRITE (1u << 20)
#define DR7_LEN1_4    (3u << 22)

static void step(const char *what, void (*probe)(void), const char *after)
{
    rt_expect(NULL);
    probe();
    struct rt_trap t = rt_expect_end();
    if (check_trap(what, t, (struct want){.vector = VEC_DB, .rip = after}, NOWHERE))
        rt_check(t.dr6 & DR6_BS, "  ... and DR6.BS is set", "DR6 %#lx", t.dr6);
}

void test_single_step(void)
{
    step("#DB single step after NOP, at the next instruction", probe_step_nop,
         probe_step_nop_after);
    step("#DB single step after CPUID, at the next instruction", probe_step_cpuid,
         probe_step_cpuid_after);
    step("#DB single step after OUT, at the next instruction", probe_step_out,
         probe_step_out_after);
    step("#DB single step after IN, at the next instruction", probe_step_in, probe_step_in_after);
    step("#DB single step after RDMSR, at the next instruction", probe_step_rdmsr,
         probe_step_rdmsr_after);
    step("#DB single step held by MOV SS: one trap, after the CPUID that follows", probe_step_movss,
         probe_step_movss_after);
}

void test_breakpoints(void)
{
    write_dr0((uint64_t)probe_hw_exec_at);
    write_dr7(DR7_L0); /* RW0 = 00, LEN0 = 00: instruction breakpoint */
    rt_expect(probe_hw_exec_resume);
    probe_hw_exec();
    write_dr7(0);
    struct rt_trap t = rt_expect_end();
    if (check_trap("#DB instruction breakpoint (DR0), a fault at the instruction", t,
                   (struct want){.vector = VEC_DB, .rip = probe_hw_exec_at}, NOWHERE))
        rt_check(t.dr6 & DR6_B0, "  ... and DR6.B0 is set", "DR6 %#lx", t.dr6);

    static uint32_t watched;
    write_dr1((uint64_t)&watched);
    write_dr7(DR7_L1 | DR7_RW1_WRITE | DR7_LEN1_4);
    rt_expect(NULL);
    probe_hw_write(&watched);
    write_dr7(0);
    t = rt_expect_end();
    if (check_trap("#DB data write breakpoint (DR1), a trap after the write", t,
                   (struct want){.vector = VEC_DB, .rip = probe_hw_write_after}, NOWHERE))
        rt_check(t.dr6 & DR6_B1 && watched == 0x5a5a5a5a, "  ... DR6.B1 set, the write done",
                 "DR6 %#lx, value %#x", t.dr6, watched);
}

/* Values that must come back unchanged after instructions a VMM handles. */
void test_state_survives(void)
{
    const uint64_t cr2 = 0x0000123456789000ull;
    const uint64_t dr[4] = {0x1000, 0x2008, 0xffff800000003010ull, 0x00007ffff0004018ull};
    write_cr2(cr2);
    write_dr0(dr[0]);
    write_dr1(dr[1]);
    write_dr2(dr[2]);
    write_dr3(dr[3]);
    for (unsigned i = 0; i < 16; i++) {
        cpuid(i & 1 ? 0 : 0x80000000, 0);
        outb(0x3ff, (uint8_t)i);
        inb(0x3ff);
        inb(0x71);
        rdmsr(0x10);
    }
    uint64_t got_cr2 = read_cr2();
    uint64_t got[4] = {read_dr0(), read_dr1(), read_dr2(), read_dr3()};
    rt_check(got_cr2 == cr2, "CR2 survives CPUID, IN, OUT, RDMSR", "%#lx, wrote %#lx", got_cr2,
             cr2);
    rt_check(got[0] == dr[0] && got[1] == dr[1] && got[2] == dr[2] && got[3] == dr[3],
             "DR0-DR3 survive CPUID, IN, OUT, RDMSR", "%#lx %#lx %#lx %#lx", got[0], got[1], got[2],
             got[3]);
    write_dr0(0);
    write_dr1(0);
    write_dr2(0);
    write_dr3(0);
}
