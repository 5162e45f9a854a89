/*
 * Faults of emulated accesses as the CPU raises them: #PF from the walk
 * (a string into a page not present; an access running from the window
 * into one: CR2 the first byte of that page, W as the access, nothing
 * written, the registers as before the element), #GP(0) on a
 * non-canonical string destination, #AC(0) in ring 3 with CR0.AM and
 * RFLAGS.AC on a misaligned operand of the window (bare QEMU TCG checks
 * no alignment: a known deviation there).
 */
#include "../exceptions/check.h"
#include "access.h"
#include "mmio.h"
#include "probes.h"
#include <guest/cpu.h>
#include <guest/layout.h>
#include <vireo/format.h>
#include <vireo/x86/cr.h>

#define PF_P 1u
#define PF_W 2u

static struct want pf(const void *rip, uint64_t error, const void *cr2)
{
    return (struct want){.vector = VEC_PF, .error = error, .rip = rip, .cr2 = (uint64_t)cr2};
}

static bool regs_are(const char *what, struct sregs got, struct sregs want)
{
    return rt_check(got.si == want.si && got.di == want.di && got.cx == want.cx, what,
                    "rsi %#lx rdi %#lx rcx %#lx, expected %#lx %#lx %#lx", got.si, got.di, got.cx,
                    want.si, want.di, want.cx);
}

static void page_faults(void)
{
    uint8_t *absent = region(PG_ABSENT, 0);

    /* MOVSB from the window into the absent page. */
    struct sregs r = {.si = (uint64_t)target + 0x3000, .di = (uint64_t)absent + 0x10, .cx = 7};
    struct sregs in = r;
    rt_expect(probe_movsb_resume);
    probe_movsb(&r);
    check_trap("#PF(W) on MOVSB from the window into a page not present, CR2 the destination",
               rt_expect_end(), pf(probe_movsb_at, PF_W, absent + 0x10), NOWHERE);
    regs_are("... RSI, RDI as before it", r, in);

    /* REP STOSB running from the window's page into the absent one: the
     * window's bytes written, RCX and RDI at the first absent byte. */
    uint8_t *end = region(PG_M2, 0x1000 - 4);
    rt_store(end - 4, 8, 0x1111111111111111ull);
    r = (struct sregs){.di = (uint64_t)end, .cx = 8, .ax = 0x77};
    rt_expect(probe_rep_stosb_resume);
    probe_rep_stosb(&r);
    check_trap("#PF(W) on REP STOSB running into a page not present, CR2 its first byte",
               rt_expect_end(), pf(probe_rep_stosb_at, PF_W, absent), NOWHERE);
    regs_are("... RCX and RDI count the 4 bytes stored", r,
             (struct sregs){.di = (uint64_t)absent, .cx = 4});
    uint64_t v = rt_load(end - 4, 8);
    rt_check(v == 0x7777777711111111ull, "... and those 4 are in the window", "%#lx", v);

    /* A 4-byte store and load across into the absent page: CR2 its first
     * byte; nothing of the store in the window. */
    uint8_t *across = region(PG_M2, 0x1000 - 2);
    rt_store(across, 2, 0xbeef);
    r = (struct sregs){.di = (uint64_t)across, .ax = 0x12345678};
    rt_expect(probe_store32_resume);
    probe_store32(&r);
    check_trap("#PF(W) on a 4-byte store from the window into a page not present", rt_expect_end(),
               pf(probe_store32_at, PF_W, absent), NOWHERE);
    v = rt_load(across, 2);
    rt_check(v == 0xbeef, "... the window's 2 bytes unchanged", "%#lx", v);
    r = (struct sregs){.di = (uint64_t)across};
    rt_expect(probe_load32_resume);
    probe_load32(&r);
    check_trap("#PF on a 4-byte load from the window into a page not present", rt_expect_end(),
               pf(probe_load32_at, 0, absent), NOWHERE);
}

static void general_protection(void)
{
    const uint64_t noncanonical = 0x8000000000000000ull;
    struct sregs r = {.si = (uint64_t)target + 0x3000, .di = noncanonical, .cx = 3};
    struct sregs in = r;
    rt_expect(probe_movsb_resume);
    probe_movsb(&r);
    check_trap("#GP(0) on MOVSB from the window to a non-canonical address", rt_expect_end(),
               (struct want){.vector = VEC_GP, .rip = probe_movsb_at}, NOWHERE);
    regs_are("... RSI, RDI as before it", r, in);
    r = (struct sregs){.si = (uint64_t)target + 0x3000, .di = TOP_PAGE + 0xff8, .cx = 3};
    rt_expect(probe_rep_movsq_resume);
    probe_rep_movsq(&r);
    check_trap("#GP(0) on REP MOVSQ from the window running into non-canonical addresses",
               rt_expect_end(), (struct want){.vector = VEC_GP, .rip = probe_rep_movsq_at},
               NOWHERE);
    regs_are("... after the one canonical element", r,
             (struct sregs){.si = (uint64_t)target + 0x3008, .di = 0x0000800000000000ull, .cx = 2});
}

static uint8_t user_stack[4096] __attribute__((aligned(16)));

static uint64_t user(const char *fn, uint64_t arg)
{
    return rt_user_call(fn, arg, user_stack + sizeof(user_stack), 0x2);
}

static void alignment(void)
{
    uint8_t *p = target + 0x3100;
    rt_store(p, 8, 0x8877665544332211ull);
    uint64_t cr0 = read_cr0();
    write_cr0(cr0 | CR0_AM);
    rt_expect(user_load32_resume);
    user(user_load32, (uint64_t)p + 1);
    check_trap("ring 3: #AC(0) on a misaligned 4-byte load from the window (CR0.AM, RFLAGS.AC)",
               rt_expect_end(),
               (struct want){.vector = VEC_AC, .rip = user_load32_at, .cs = SEL_UCODE64},
               RT_PLATFORM_QEMU_TCG);
    rt_expect(user_movsw_resume);
    user(user_movsw, (uint64_t)p + 1);
    check_trap("ring 3: #AC(0) on a misaligned MOVSW from the window", rt_expect_end(),
               (struct want){.vector = VEC_AC, .rip = user_movsw_at, .cs = SEL_UCODE64},
               RT_PLATFORM_QEMU_TCG);
    rt_expect(NULL);
    uint64_t v = user(user_load32, (uint64_t)p + 4);
    struct rt_trap t = rt_expect_end();
    rt_check(!t.count && v == 0x88776655, "ring 3: an aligned load with AC set reads the window",
             "%d exceptions, read %#lx", t.count, v);
    write_cr0(cr0);
    rt_expect(NULL);
    v = user(user_load32, (uint64_t)p + 1);
    t = rt_expect_end();
    rt_check(!t.count && v == 0x55443322, "ring 3: no #AC with CR0.AM clear",
             "%d exceptions, read %#lx", t.count, v);
}

void test_faults(void)
{
    page_faults();
    general_protection();
    alignment();
}
