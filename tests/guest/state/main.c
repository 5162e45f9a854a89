/*
 * state: a guest's general, FPU/SSE/AVX, CR2 and debug registers survive
 * every kind of exit (sweep.c, with the registers loaded and saved in
 * assembly: probe.S), first with XCR0 untouched and the FXSAVE image, then
 * XSETBV and XGETBV against the architecture (xsetbv.c), then with XCR0 =
 * x87|SSE|AVX and the XSAVE image, and with XCR0 = x87 alone while
 * CR4.OSXSAVE is set.
 */
#include "state.h"
#include <guest/cpu.h>
#include <guest/rt.h>
#include <vireo/format.h>

const char guest_name[] = "state";

/* What dbg_set writes: CR2, DR0-3 (canonical addresses), DR6 with B0, B2
 * and BS set (bits software may write), DR7 with LE, GE and every
 * breakpoint's R/W and LEN fields set but none enabled (L0-3, G0-3 and GD
 * clear). */
static const uint64_t dbg_values[DBG_COUNT] = {
    [DBG_CR2] = 0x00007ffc0ffee000ull,
    [DBG_DR0] = 0x1000,
    [DBG_DR0 + 1] = 0x00007fffdeadbee8ull,
    [DBG_DR0 + 2] = 0xffff800012345670ull,
    [DBG_DR0 + 3] = 0x0000000000abc000ull,
    [DBG_DR6] = 0xffff4ff5ull,
    [DBG_DR7] = 0xf07d0700ull,
};
#define DR6_WRITABLE 0xe00full     /* B0-B3, BD, BS, BT */
#define DR7_DEFINED  0xffff2fffull /* all but reserved bits 12, 14, 15 */
#define DR7_RESET    0x400ull
#define DR6_RESET    0xffff0ff0ull

static struct dbg_regs dbg_read(void)
{
    return (struct dbg_regs){
        {read_cr2(), read_dr0(), read_dr1(), read_dr2(), read_dr3(), read_dr6(), read_dr7()}};
}

void dbg_set(struct dbg_regs *d)
{
    const uint64_t *v = dbg_values;
    write_cr2(v[DBG_CR2]);
    write_dr0(v[DBG_DR0]);
    write_dr1(v[DBG_DR0 + 1]);
    write_dr2(v[DBG_DR0 + 2]);
    write_dr3(v[DBG_DR0 + 3]);
    write_dr6(v[DBG_DR6]);
    write_dr7(v[DBG_DR7]);
    *d = dbg_read();
}

bool dbg_same(const struct dbg_regs *d, char *why, size_t n)
{
    static const char *const names[DBG_COUNT] = {"CR2", "DR0", "DR1", "DR2", "DR3", "DR6", "DR7"};
    struct dbg_regs now = dbg_read();
    for (unsigned i = 0; i < DBG_COUNT; i++) {
        if (now.v[i] != d->v[i]) {
            snformat(why, n, "%s is %#lx, not %#lx", names[i], now.v[i], d->v[i]);
            return false;
        }
    }
    return true;
}

void dbg_clear(void)
{
    write_dr7(DR7_RESET);
    write_dr6(DR6_RESET);
    write_dr0(0);
    write_dr1(0);
    write_dr2(0);
    write_dr3(0);
}

void guest_main(void)
{
    /* SSE on: without CR4.OSFXSR, FXSAVE and FXRSTOR may leave XMM0-15
     * and MXCSR out (QEMU TCG does). */
    write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
    struct dbg_regs d;
    dbg_set(&d);
    bool same = true;
    for (unsigned i = DBG_CR2; i < DBG_DR6; i++)
        same &= d.v[i] == dbg_values[i];
    rt_check(same, "CR2 and DR0-3 read back what was written", "%#lx %#lx %#lx %#lx %#lx",
             d.v[DBG_CR2], d.v[DBG_DR0], d.v[DBG_DR0 + 1], d.v[DBG_DR0 + 2], d.v[DBG_DR0 + 3]);
    rt_check((d.v[DBG_DR6] & DR6_WRITABLE) == (dbg_values[DBG_DR6] & DR6_WRITABLE) &&
                 (d.v[DBG_DR7] & DR7_DEFINED) == dbg_values[DBG_DR7],
             "DR6 and DR7 read back what was written", "dr6 %#lx dr7 %#lx", d.v[DBG_DR6],
             d.v[DBG_DR7]);
    dbg_clear();

    sweep("CR4.OSXSAVE clear, FXSAVE image", 0, 0);
    uint64_t xcr0 = test_xsetbv();
    if (!xcr0)
        return;
    char config[64];
    snformat(config, sizeof(config), "XCR0 %#lx, XSAVE image", xcr0);
    sweep(config, xcr0, xcr0);
    xsetbv(0, XCR0_X87);
    sweep("XCR0 1 with CR4.OSXSAVE set, FXSAVE image", 0, XCR0_X87);
}
