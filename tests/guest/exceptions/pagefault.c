/* #PF: the error code and CR2 for each kind of violation, ring 0 and 3. */
#include "check.h"
#include "paging.h"
#include "probes.h"
#include "tests.h"
#include <guest/layout.h>

#define PF_P    (1u << 0)
#define PF_W    (1u << 1)
#define PF_U    (1u << 2)
#define PF_RSVD (1u << 3)
#define PF_I    (1u << 4)

static uint8_t user_stack[8192] __attribute__((aligned(16)));

static void kernel_access(const char *what, unsigned page, bool write, uint64_t error, int deviant)
{
    uint64_t va = test_page(page) + 0x18;
    rt_expect(write ? (const void *)probe_write_resume : probe_read_resume);
    if (write)
        probe_write(va, 1);
    else
        probe_read(va);
    check_trap(what, rt_expect_end(),
               (struct want){.vector = VEC_PF,
                             .error = error,
                             .rip = write ? probe_write_at : probe_read_at,
                             .cr2 = va},
               deviant);
}

static void user_access(const char *what, unsigned page, bool write, uint64_t error)
{
    uint64_t va = test_page(page) + 0x20;
    rt_expect(write ? (const void *)user_write_resume : user_read_resume);
    rt_user_call(write ? user_write : user_read, va, user_stack + sizeof(user_stack), 0x2);
    check_trap(what, rt_expect_end(),
               (struct want){.vector = VEC_PF,
                             .error = error,
                             .rip = write ? user_write_at : user_read_at,
                             .cs = SEL_UCODE64,
                             .cr2 = va},
               NOWHERE);
}

void test_page_faults(void)
{
    paging_init();

    rt_expect(probe_write_resume);
    probe_write(test_page(PAGE_NORMAL), 0x1122334455667788ull);
    uint64_t v = probe_read(test_page(PAGE_NORMAL));
    check_no_trap("test region: a normal 4 KiB page reads and writes", rt_expect_end(), NOWHERE);
    rt_check(v == 0x1122334455667788ull, "test region: the value written reads back", "%#lx", v);

    kernel_access("#PF(0) on a read of a not-present page, CR2 = address", PAGE_ABSENT, false, 0,
                  NOWHERE);
    kernel_access("#PF(W) on a write to a not-present page", PAGE_ABSENT, true, PF_W, NOWHERE);
    kernel_access("#PF(P|W) on a ring-0 write to a read-only page (CR0.WP=1)", PAGE_READ_ONLY, true,
                  PF_P | PF_W, NOWHERE);
    if (paging_rsvd_bit)
        kernel_access("#PF(P|RSVD) on a read through a PTE with a reserved bit", PAGE_RESERVED,
                      false, PF_P | PF_RSVD, RT_PLATFORM_QEMU_TCG);
    if (paging_has_nx) {
        uint64_t va = test_page(PAGE_NO_EXEC);
        rt_expect(probe_exec_resume);
        probe_exec(va);
        check_trap("#PF(P|I) on a fetch from an NX page, RIP = CR2 = the page", rt_expect_end(),
                   (struct want){
                       .vector = VEC_PF, .error = PF_P | PF_I, .rip = (const void *)va, .cr2 = va},
                   NOWHERE);
    }

    user_access("#PF(U) on a ring-3 read of a not-present page", PAGE_ABSENT, false, PF_U);
    user_access("#PF(P|U) on a ring-3 read of a supervisor page", PAGE_SUPERVISOR, false,
                PF_P | PF_U);
    user_access("#PF(P|W|U) on a ring-3 write to a supervisor page", PAGE_SUPERVISOR, true,
                PF_P | PF_W | PF_U);
    user_access("#PF(P|W|U) on a ring-3 write to a read-only page", PAGE_READ_ONLY, true,
                PF_P | PF_W | PF_U);
}
