/* Debug registers: DR0-DR3 any address, DR6 and DR7's fixed bits, bits
 * 63:32 of DR6/DR7 (#GP), DR4/DR5 as DR6/DR7 with CR4.DE clear and #UD
 * with it set, DR7.GD (the next MOV DR faults with #DB, DR6.BD set, GD
 * cleared for the handler), #GP at CPL 3. Under Vireo on VT-x every MOV DR
 * exits (MOV_DR_EXIT), so these are Vireo's answers; on AMD-V the guest
 * runs them itself (servers/vmm/exits.c says why): under Vireo on QEMU
 * they are QEMU's, and its deviations stand. */
#include "probes.h"
#include "tests.h"
#include <vireo/x86/dr.h>

#define QEMU_NATIVE RT_PLATFORM_QEMU_TCG

/* Breakpoint addresses nothing touches. */
static uint64_t untouched[4] __attribute__((aligned(8)));

typedef uint64_t (*dr_read_fn)(void);
typedef void (*dr_write_fn)(uint64_t);
#define DR_READ(n)  p_read_dr##n,
#define DR_WRITE(n) p_write_dr##n,
#define DR_RAT(n)   p_read_dr##n##_at,
#define DR_RRES(n)  p_read_dr##n##_resume,
#define DR_WAT(n)   p_write_dr##n##_at,
#define DR_WRES(n)  p_write_dr##n##_resume,
static const dr_read_fn readers[8] = {DR_PROBES(DR_READ)};
static const dr_write_fn writers[8] = {DR_PROBES(DR_WRITE)};
static const char *const read_at[8] = {DR_PROBES(DR_RAT)}, *const read_resume[8] = {
                                                               DR_PROBES(DR_RRES)};
static const char *const write_at[8] = {DR_PROBES(DR_WAT)}, *const write_resume[8] = {
                                                                DR_PROBES(DR_WRES)};

static struct rt_trap dr_read(unsigned n, uint64_t *v)
{
    rt_expect(read_resume[n]);
    uint64_t x = readers[n]();
    struct rt_trap t = rt_expect_end();
    if (v)
        *v = x;
    return t;
}

static struct rt_trap dr_write(unsigned n, uint64_t v)
{
    rt_expect(write_resume[n]);
    writers[n](v);
    return rt_expect_end();
}

/* MOV DRn, v then MOV reg, DRn: no fault, reads `back`. */
static void round_trip(const char *what, unsigned n, uint64_t v, uint64_t back, int deviant)
{
    uint64_t got = 0;
    struct rt_trap w = dr_write(n, v), r = dr_read(n, &got);
    verdict(!w.count && !r.count && got == back, what, deviant,
            "DR%u: wrote %#lx, read %#lx (want %#lx), faults %d/%d", n, v, got, back, w.count,
            r.count);
}

static void values(void)
{
    for (unsigned n = 0; n < 4; n++) {
        round_trip("DR0-DR3: a canonical address reads back", n, (uint64_t)&untouched[n],
                   (uint64_t)&untouched[n], NOWHERE);
        round_trip("DR0-DR3: a kernel-half address reads back", n, 0xffff800000001000ull + n,
                   0xffff800000001000ull + n, NOWHERE);
    }
    /* MOV DR takes any DR0-DR3 value (the SDM checks no address). */
    round_trip("DR1: a non-canonical address reads back", 1, 0x0000800000002000ull,
               0x0000800000002000ull, QEMU_NATIVE);
    write_dr1((uint64_t)&untouched[1]);
    round_trip("DR6: 4-11 and 16-31 read 1, 12 reads 0", 6, 0, DR6_FIXED1, QEMU_NATIVE);
    round_trip("DR6: B0-B3, BD, BS, BT are kept", 6, 0xffffffffu, 0xffffefffu, QEMU_NATIVE);
    round_trip("DR7: bit 10 reads 1", 7, 0, DR7_FIXED1, QEMU_NATIVE);
    round_trip("DR7: 12, 14 and 15 read 0", 7, 0x1000 | 0x4000 | 0x8000, DR7_FIXED1, QEMU_NATIVE);
    /* Breakpoint 0 enabled (a 4-byte write watch on a word nothing writes). */
    write_dr0((uint64_t)&untouched[0]);
    round_trip("DR7: L0, G0, R/W0, LEN0 read back", 7, 0x000d0003, 0x000d0403, NOWHERE);
    write_dr7(DR7_FIXED1);
    /* Bits 63:32 of DR6 and DR7 in 64-bit mode: #GP, nothing changed. */
    const unsigned regs[] = {6, 7};
    for (unsigned i = 0; i < 2; i++) {
        unsigned n = regs[i];
        uint64_t before = n == 6 ? read_dr6() : read_dr7();
        expect_fault("MOV DR6/DR7 with a bit of 63:32 raises #GP(0)",
                     dr_write(n, before | 1ull << 32), VEC_GP, write_at[n], QEMU_NATIVE);
        expect_fault("MOV DR6/DR7 with bit 63 raises #GP(0)", dr_write(n, before | 1ull << 63),
                     VEC_GP, write_at[n], QEMU_NATIVE);
        uint64_t after = n == 6 ? read_dr6() : read_dr7();
        verdict(after == before, "  ... and the register is unchanged", NOWHERE, "%#lx, was %#lx",
                after, before);
    }
}

static void aliases(void)
{
    uint64_t cr4 = read_cr4();
    write_cr4(cr4 & ~CR4_DE);
    round_trip("CR4.DE clear: DR4 is DR6", 4, DR6_BS, DR6_FIXED1 | DR6_BS, QEMU_NATIVE);
    verdict(read_dr6() == (DR6_FIXED1 | DR6_BS), "  ... DR6 holds what DR4 got", QEMU_NATIVE,
            "%#lx", read_dr6());
    write_dr6(DR6_FIXED1);
    round_trip("CR4.DE clear: DR5 is DR7", 5, DR7_L0, DR7_FIXED1 | DR7_L0, QEMU_NATIVE);
    verdict(read_dr7() == (DR7_FIXED1 | DR7_L0), "  ... DR7 holds what DR5 got", QEMU_NATIVE,
            "%#lx", read_dr7());
    write_dr7(DR7_FIXED1);
    if (cpu_has(1, EDX, 2)) {
        write_cr4(cr4 | CR4_DE);
        for (unsigned n = 4; n <= 5; n++) {
            expect_fault("CR4.DE set: MOV from DR4/DR5 raises #UD", dr_read(n, NULL), VEC_UD,
                         read_at[n], QEMU_NATIVE);
            expect_fault("CR4.DE set: MOV to DR4/DR5 raises #UD", dr_write(n, 0), VEC_UD,
                         write_at[n], QEMU_NATIVE);
        }
    }
    write_cr4(cr4);
}

static void general_detect(void)
{
    /* DR7.GD: the next MOV DR faults (RIP at it) with DR6.BD; the CPU
     * clears GD so that the handler can use the registers. */
    write_dr6(DR6_FIXED1);
    write_dr7(DR7_FIXED1 | DR7_GD);
    struct rt_trap t = dr_read(7, NULL);
    uint64_t dr7 = read_dr7(); /* only possible if GD was cleared */
    if (expect_fault("DR7.GD: MOV from DR7 raises #DB at it", t, VEC_DB, read_at[7], QEMU_NATIVE))
        verdict(t.dr6 & DR6_BD, "  ... with DR6.BD set", QEMU_NATIVE, "DR6 %#lx", t.dr6);
    verdict(!(dr7 & DR7_GD), "  ... and DR7.GD cleared", QEMU_NATIVE, "DR7 %#lx", dr7);
    write_dr7(DR7_FIXED1 | DR7_GD);
    t = dr_write(0, 0x1234);
    write_dr7(DR7_FIXED1); /* GD is clear again if the write faulted */
    if (expect_fault("DR7.GD: MOV to DR0 raises #DB at it, DR0 unchanged", t, VEC_DB, write_at[0],
                     QEMU_NATIVE))
        verdict(read_dr0() != 0x1234, "  ... and DR0 is unchanged", NOWHERE, "%#lx", read_dr0());
    write_dr6(DR6_FIXED1);
    write_dr7(DR7_FIXED1);
}

static uint8_t user_stack[4096] __attribute__((aligned(16)));

static void ring3(void)
{
    rt_expect(user_read_dr7_resume);
    rt_user_call(user_read_dr7, 0, user_stack + sizeof(user_stack), 0x2);
    expect_fault("ring 3: MOV from DR7 raises #GP(0)", rt_expect_end(), VEC_GP, user_read_dr7_at,
                 NOWHERE);
    rt_expect(user_write_dr0_resume);
    rt_user_call(user_write_dr0, 0x1000, user_stack + sizeof(user_stack), 0x2);
    expect_fault("ring 3: MOV to DR0 raises #GP(0)", rt_expect_end(), VEC_GP, user_write_dr0_at,
                 NOWHERE);
}

void test_debug_registers(void)
{
    values();
    aliases();
    general_detect();
    ring3();
    for (unsigned n = 0; n < 4; n++)
        dr_write(n, 0);
    write_dr6(DR6_FIXED1);
    write_dr7(DR7_FIXED1);
}
