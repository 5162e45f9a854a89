/*
 * An exit during event delivery re-injects the event (DESIGN.md section 8,
 * seed 003): each kind of event — INT3, INT n, INT1, #UD, #GP with its error
 * code, #DE — delivered onto a stack page, and INT3 through an IDT and a GDT
 * page, that pc-testdev flushed just before (probes.S). The handler must
 * run exactly once, with the vector, error code and RIP the CPU gives.
 */
#include "probes.h"
#include "tests.h"
#include <guest/rt.h>
#include <guest/trap.h>
#include <vireo/x86/cr.h>

/* Stacks of their own, away from the code, data and tables. */
static uint8_t stacks[8][4096] __attribute__((aligned(4096)));

struct kind {
    const char *what;
    void (*probe)(void *page);
    const char *at, *after;
    unsigned vector;
    uint64_t error;
    bool fault; /* RIP at the instruction (else after it) */
};

static void one(const struct kind *k, void *page)
{
    rt_expect(k->fault ? k->after : NULL);
    k->probe(page);
    struct rt_trap t = rt_expect_end();
    const char *rip = k->fault ? k->at : k->after;
    rt_check(t.count == 1 && t.vector == k->vector && t.error == k->error && t.rip == (uint64_t)rip,
             k->what, "%d events, vector %lu error %#lx rip %#lx (want 1, %u, %#lx, %p)", t.count,
             t.vector, t.error, t.rip, k->vector, k->error, rip);
    /* A fault pushes RF set (SDM 17.3.1.1), a trap does not. */
    bool rf = t.rflags & RFLAGS_RF;
    if (k->fault && !rf && rt_platform() == RT_PLATFORM_QEMU_TCG && !rt_under_vireo())
        rt_deviation("  ... RF set in the pushed RFLAGS", "QEMU TCG pushes RF clear for faults");
    else
        rt_check(rf == k->fault,
                 k->fault ? "  ... RF set in the pushed RFLAGS (a fault)"
                          : "  ... RF clear in the pushed RFLAGS (a trap)",
                 "RFLAGS %#lx", t.rflags);
}

struct table_pointer {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

void test_reinjection(void)
{
    const struct kind kinds[] = {
        {"INT3 onto a flushed stack page: delivered once, RIP after it", flushed_stack_int3,
         flushed_stack_int3_at, flushed_stack_int3_after, VEC_BP, 0, false},
        {"INT 3 (CD 03) onto a flushed stack page: delivered once", flushed_stack_int_n,
         flushed_stack_int_n_at, flushed_stack_int_n_after, VEC_BP, 0, false},
        {"INT1 (F1) onto a flushed stack page: #DB once, RIP after it", flushed_stack_icebp,
         flushed_stack_icebp_at, flushed_stack_icebp_after, VEC_DB, 0, false},
        {"#UD onto a flushed stack page: once, RIP at UD2", flushed_stack_ud, flushed_stack_ud_at,
         flushed_stack_ud_after, VEC_UD, 0, true},
        {"#GP(0x1238) onto a flushed stack page: once, with its error code", flushed_stack_gp,
         flushed_stack_gp_at, flushed_stack_gp_after, VEC_GP, 0x1238, true},
        {"#DE onto a flushed stack page: once, RIP at the DIV", flushed_stack_de,
         flushed_stack_de_at, flushed_stack_de_after, VEC_DE, 0, true},
    };
    /* QEMU TCG raises #UD for INT1 (F1) where CPUs raise #DB: not tried
     * there (docs/GUESTS.md). */
    bool icebp = rt_platform() != RT_PLATFORM_QEMU_TCG;
    if (!icebp)
        rt_deviation("INT1 (F1) onto a flushed stack page",
                     "not tried: QEMU TCG raises #UD for it");
    for (unsigned round = 0; round < 2; round++) {
        for (unsigned i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
            if (icebp || kinds[i].probe != flushed_stack_icebp)
                one(&kinds[i], stacks[(i + round) % 8]);
        }
    }
    struct table_pointer idtr, gdtr;
    __asm__ volatile("sidt %0; sgdt %1" : "=m"(idtr), "=m"(gdtr));
    const struct kind via_idt = {"INT3 through a flushed IDT page: delivered once",
                                 flushed_table_int3,
                                 flushed_table_int3_at,
                                 flushed_table_int3_after,
                                 VEC_BP,
                                 0,
                                 false};
    one(&via_idt, (void *)(idtr.base + 3 * 16));
    const struct kind via_gdt = {"INT3 with the GDT's page flushed (CS is read): delivered once",
                                 flushed_table_int3,
                                 flushed_table_int3_at,
                                 flushed_table_int3_after,
                                 VEC_BP,
                                 0,
                                 false};
    one(&via_gdt, (void *)gdtr.base);
}
