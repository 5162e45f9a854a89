/* Ring 3: the round trip itself, #GP for privileged operations and gates,
 * #BP through a DPL-3 gate, and #AC with CR0.AM and RFLAGS.AC. */
#include "check.h"
#include "probes.h"
#include "tests.h"
#include <guest/cpu.h>
#include <guest/layout.h>

static uint8_t user_stack[8192] __attribute__((aligned(16)));
static uint8_t misaligned[16] __attribute__((aligned(16)));

static uint64_t run(const char *fn, uint64_t arg)
{
    return rt_user_call(fn, arg, user_stack + sizeof(user_stack), 0x2);
}

static struct want user_gp(const void *rip, uint64_t error)
{
    return (struct want){.vector = VEC_GP, .error = error, .rip = rip, .cs = SEL_UCODE64};
}

void test_ring3(void)
{
    rt_expect(NULL);
    uint64_t v = run(user_nothing, 0);
    struct rt_trap t = rt_expect_end();
    if (!rt_check(!t.count && v == 0x600d, "ring 3: enter with IRETQ, return with INT 0x80",
                  "returned %#lx, %d exceptions", v, t.count))
        return;

    rt_expect(user_int0d_resume);
    run(user_int0d, 0);
    check_trap("ring 3: #GP(0x6a) on INT 0x0d through a DPL-0 gate", rt_expect_end(),
               user_gp(user_int0d_at, 0x0d * 8 + 2), RT_PLATFORM_QEMU_TCG);

    rt_idt_allow_user(VEC_BP);
    rt_expect(NULL);
    run(user_int3, 0);
    check_trap("ring 3: #BP on INT3 through a DPL-3 gate, RIP after it", rt_expect_end(),
               (struct want){.vector = VEC_BP, .rip = user_int3_after, .cs = SEL_UCODE64}, NOWHERE);

    rt_expect(user_in_resume);
    run(user_in, 0);
    check_trap("ring 3: #GP(0) on IN with IOPL 0 and no I/O bitmap", rt_expect_end(),
               user_gp(user_in_at, 0), NOWHERE);

    rt_expect(user_rdmsr_resume);
    run(user_rdmsr, 0);
    check_trap("ring 3: #GP(0) on RDMSR", rt_expect_end(), user_gp(user_rdmsr_at, 0), NOWHERE);

    /* Alignment checking: CPL 3, CR0.AM and RFLAGS.AC all needed. */
    uint64_t cr0 = read_cr0();
    write_cr0(cr0 | CR0_AM);
    rt_expect(user_ac_resume);
    run(user_ac, (uint64_t)(misaligned + 1));
    t = rt_expect_end();
    write_cr0(cr0);
    check_trap("ring 3: #AC(0) on a misaligned read with CR0.AM and RFLAGS.AC", t,
               (struct want){.vector = VEC_AC, .error = 0, .rip = user_ac_at, .cs = SEL_UCODE64},
               RT_PLATFORM_QEMU_TCG);

    rt_expect(user_ac_resume);
    run(user_ac, (uint64_t)(misaligned + 1));
    check_no_trap("ring 3: no #AC with CR0.AM clear", rt_expect_end(), NOWHERE);
}
