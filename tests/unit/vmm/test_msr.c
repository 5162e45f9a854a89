/* RDMSR/WRMSR exits (servers/vmm/msr.c): every emulated MSR read back
 * after a write, its reserved-bit and canonical checks (SDM vol. 4), its
 * presence following the guest's CPUID and vendor, the local APIC's MSRs
 * reaching the APIC model (a recording fake), the TSC and TSC_ADJUST
 * moving together, kvmclock's MSRs under the `kvm` provider (the
 * structures in guest RAM, rewritten when the TSC moves, nothing written
 * outside RAM or across a page), the #GP of everything else
 * (0x40000000-0x400000ff included, and kvmclock's MSRs under the other
 * providers), EDX:EAX both ways,
 * and the reply MTD naming exactly what changed. The host is faked
 * (fake_cpu.h): an Intel one with every feature and 46 physical bits
 * unless a test says otherwise. */
#include "check.h"
#include "cpuid.h"
#include "fake_cpu.h"
#include "lapic.h"
#include "events.h"
#include "msr.h"
#include "pvclock.h"
#include "vmm_fakes.h"
#include <string.h>
#include <vireo/wallclock.h>

static struct vireo_vcpu_state s, before;
static struct exit_ctx x;
static struct msr_state m, m_before;
static struct lapic apic;

static void host(bool amd, const char *const *disable)
{
    if (amd)
        fake_cpu_amd(46);
    else
        fake_cpu_intel(46);
    fake_cpu_configure(VIREO_PARAVIRT_MINIMAL, disable, 0);
}

static void state(enum fake_mode mode)
{
    fake_state(&s, mode);
    s.rip = 0x2000;
    s.insn_len = 2;
    s.pat = 0x0007040600070406ull;
    x = (struct exit_ctx){.vm = &fake_vm, .s = &s, .changed = 0, .lapic = &apic};
}

/* RIP after the 2-byte instruction: EIP wraps outside 64-bit mode. */
static u64 next_rip(void)
{
    u64 rip = before.rip + 2;
    return (s.efer & EFER_LMA) && (s.cs.ar & (1u << 9)) ? rip : (u32)rip;
}

/* WRMSR: ECX = msr (bits 63:32 of RCX ignored), EDX:EAX = v (the upper
 * halves of RAX and RDX ignored). */
static void wrmsr(u32 msr, u64 v)
{
    s.rcx = 0xabcdef0000000000ull | msr;
    s.rax = 0x5555555500000000ull | (u32)v;
    s.rdx = 0x6666666600000000ull | (v >> 32);
    s.inj_info = 0;
    before = s;
    m_before = m;
    x.changed = 0;
    msr_write_exit(&x, &m);
}

static bool gp(void)
{
    return s.inj_info == fake_exc_info(EXC_GP, true);
}

/* The WRMSR was done and named exactly these items. */
#define CHECK_WR(mtd)                                                                              \
    do {                                                                                           \
        CHECK_EQ_U64(s.inj_info, 0);                                                               \
        CHECK_EQ_U64(s.rip, next_rip());                                                           \
        CHECK_EQ_U64(x.changed, FINISH_MTD | (mtd));                                               \
        CHECK_EQ_U64(s.rax, before.rax);                                                           \
        CHECK_EQ_U64(s.rdx, before.rdx);                                                           \
    } while (0)

/* #GP(0), RIP unchanged, nothing changed but the injection. */
#define CHECK_GP()                                                                                 \
    do {                                                                                           \
        CHECK_EQ_U64(s.inj_info, fake_exc_info(EXC_GP, true));                                     \
        CHECK_EQ_U64(s.inj_error, 0);                                                              \
        struct vireo_vcpu_state want_;                                                             \
        CHECK_EQ_U64(x.changed, fake_injected(&before, EXC_GP, true, &want_));                     \
        CHECK(memcmp(&s, &want_, sizeof(s)) == 0);                                                 \
        CHECK(memcmp(&m, &m_before, sizeof(m)) == 0);                                              \
    } while (0)

/* RDMSR: the value, or ~0 and a #GP. */
static u64 rdmsr(u32 msr)
{
    s.rcx = 0x1234567800000000ull | msr;
    s.rax = s.rdx = 0xa5a5a5a5a5a5a5a5ull;
    s.inj_info = 0;
    before = s;
    x.changed = 0;
    msr_read_exit(&x, &m);
    if (gp()) {
        CHECK_EQ_U64(x.changed, fake_injected(&before, EXC_GP, true, NULL));
        CHECK_EQ_U64(s.rip, before.rip);
        CHECK_EQ_U64(s.rax, before.rax);
        CHECK_EQ_U64(s.rdx, before.rdx);
        return ~0ull;
    }
    CHECK_EQ_U64(s.inj_info, 0);
    CHECK_EQ_U64(s.rip, next_rip());
    CHECK_EQ_U64(x.changed, FINISH_MTD | VIREO_MTD(GPR_ACDB));
    CHECK_EQ_U64(s.rax >> 32, 0); /* EAX and EDX, zero-extended */
    CHECK_EQ_U64(s.rdx >> 32, 0);
    CHECK_EQ_U64(s.rcx, before.rcx);
    return s.rdx << 32 | s.rax;
}

/* A write that must pass, naming mtd, and read back as v. */
static void check_rw(u32 msr, u64 v, u64 mtd)
{
    wrmsr(msr, v);
    CHECK_WR(mtd);
    CHECK_EQ_U64(rdmsr(msr), v);
    if (s.inj_info)
        fprintf(stderr, "  MSR %#x value %#llx\n", msr, (unsigned long long)v);
}

static void check_gp(u32 msr, u64 v)
{
    wrmsr(msr, v);
    CHECK_GP();
    if (!gp())
        fprintf(stderr, "  MSR %#x value %#llx: no #GP\n", msr, (unsigned long long)v);
}

#define NONCANON 0x0000800000000000ull
#define CANON_HI 0xffff800000000000ull

static void test_efer(void)
{
    bool nx = cpuid_guest(0x80000001u, 0).edx & (1u << 20);
    /* Paging off: LME may change; LMA is the CPU's (a written LMA is
     * ignored); SCE; NXE when CPUID reports NX. */
    state(MODE_PROT32);
    check_rw(MSR_EFER, EFER_SCE, VIREO_MTD(EFER));
    check_rw(MSR_EFER, EFER_SCE | EFER_LME, VIREO_MTD(EFER));
    wrmsr(MSR_EFER, EFER_LME | EFER_LMA);
    CHECK_WR(VIREO_MTD(EFER));
    CHECK_EQ_U64(s.efer, EFER_LME);
    check_rw(MSR_EFER, 0, VIREO_MTD(EFER));
    wrmsr(MSR_EFER, EFER_NXE);
    if (nx) {
        CHECK_WR(VIREO_MTD(EFER));
        CHECK_EQ_U64(s.efer, EFER_NXE);
    } else {
        CHECK_GP();
    }
    /* Unknown bits (SVME included: no nesting). */
    state(MODE_PROT32);
    static const unsigned bad[] = {1, 7, 9, 12, 13, 15, 16, 31, 32, 63};
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        check_gp(MSR_EFER, 1ull << bad[i]);
    /* Paging on: LME frozen, both ways; the rest may change. */
    state(MODE_LONG64);
    check_gp(MSR_EFER, 0);
    check_gp(MSR_EFER, EFER_LMA);
    wrmsr(MSR_EFER, EFER_LME | EFER_SCE);
    CHECK_WR(VIREO_MTD(EFER));
    CHECK_EQ_U64(s.efer, EFER_LME | EFER_LMA | EFER_SCE); /* LMA kept */
    CHECK_EQ_U64(rdmsr(MSR_EFER), EFER_LME | EFER_LMA | EFER_SCE);
    state(MODE_PROT32);
    s.cr0 |= CR0_PG; /* 32-bit paging */
    check_gp(MSR_EFER, EFER_LME);
    check_rw(MSR_EFER, EFER_SCE, VIREO_MTD(EFER));
    /* NXE follows CPUID: the fake host has NX; without it, #GP. */
    CHECK(nx);
    host(false, (const char *const[]){"nx", NULL});
    state(MODE_LONG64);
    check_gp(MSR_EFER, s.efer | EFER_NXE);
    check_rw(MSR_EFER, s.efer | EFER_SCE, VIREO_MTD(EFER));
    host(false, NULL);
}

static void test_pat_debugctl(void)
{
    /* PAT: eight memory types; 2, 3 and 8-255 are reserved. */
    state(MODE_LONG64);
    CHECK_EQ_U64(rdmsr(MSR_PAT), 0x0007040600070406ull);
    static const u8 good[] = {0, 1, 4, 5, 6, 7};
    for (unsigned i = 0; i < sizeof(good); i++)
        check_rw(MSR_PAT, 0x0101010101010101ull * good[i], VIREO_MTD(PAT_DEBUGCTL));
    check_rw(MSR_PAT, 0x0706050401000706ull, VIREO_MTD(PAT_DEBUGCTL));
    static const u8 bad[] = {2, 3, 8, 0x10, 0x80, 0xff};
    for (unsigned byte = 0; byte < 8; byte++) {
        for (unsigned i = 0; i < sizeof(bad); i++)
            check_gp(MSR_PAT, (0x0007040600070406ull & ~(0xffull << (8 * byte))) |
                                  (u64)bad[i] << (8 * byte));
    }
    /* DEBUGCTL: LBR (bit 0) and BTF (bit 1); every other bit #GP. */
    check_rw(MSR_DEBUGCTL, 1, VIREO_MTD(PAT_DEBUGCTL));
    check_rw(MSR_DEBUGCTL, 2, VIREO_MTD(PAT_DEBUGCTL));
    check_rw(MSR_DEBUGCTL, 3, VIREO_MTD(PAT_DEBUGCTL));
    check_rw(MSR_DEBUGCTL, 0, VIREO_MTD(PAT_DEBUGCTL));
    for (unsigned b = 2; b < 64; b++)
        check_gp(MSR_DEBUGCTL, 1ull << b);
}

static void test_syscall_sysenter(void)
{
    state(MODE_LONG64);
    /* SYSENTER_CS: 31:0 kept, 63:32 ignored. */
    check_rw(MSR_SYSENTER_CS, 0x10, VIREO_MTD(SYSENTER));
    check_rw(MSR_SYSENTER_CS, 0xffff0008, VIREO_MTD(SYSENTER));
    wrmsr(MSR_SYSENTER_CS, 0x1234567800000018ull);
    CHECK_WR(VIREO_MTD(SYSENTER));
    CHECK_EQ_U64(rdmsr(MSR_SYSENTER_CS), 0x18);
    /* Addresses: canonical or #GP. */
    static const u32 addr[] = {MSR_SYSENTER_ESP,   MSR_SYSENTER_EIP, MSR_LSTAR,  MSR_CSTAR,
                               MSR_KERNEL_GS_BASE, MSR_FS_BASE,      MSR_GS_BASE};
    static const u64 mtd[] = {VIREO_MTD(SYSENTER), VIREO_MTD(SYSENTER), VIREO_MTD(SYSCALL),
                              VIREO_MTD(SYSCALL),  VIREO_MTD(SYSCALL),  VIREO_MTD(FS_GS),
                              VIREO_MTD(FS_GS)};
    for (unsigned i = 0; i < 7; i++) {
        check_rw(addr[i], 0x00007ffffffff000ull, mtd[i]);
        check_rw(addr[i], CANON_HI | 0x1234, mtd[i]);
        check_rw(addr[i], 0, mtd[i]);
        check_gp(addr[i], NONCANON);
        check_gp(addr[i], 0x8000000000000000ull);
        check_gp(addr[i], 0x0001000000000000ull);
    }
    /* They land in the state's own fields. */
    wrmsr(MSR_SYSENTER_ESP, 0x1000);
    wrmsr(MSR_SYSENTER_EIP, 0x2000);
    wrmsr(MSR_LSTAR, 0x3000);
    wrmsr(MSR_CSTAR, 0x4000);
    wrmsr(MSR_KERNEL_GS_BASE, 0x5000);
    wrmsr(MSR_FS_BASE, 0x6000);
    wrmsr(MSR_GS_BASE, 0x7000);
    wrmsr(MSR_STAR, 0x0023001000000000ull);
    wrmsr(MSR_SFMASK, 0x47700);
    CHECK_EQ_U64(s.sysenter_esp, 0x1000);
    CHECK_EQ_U64(s.sysenter_eip, 0x2000);
    CHECK_EQ_U64(s.lstar, 0x3000);
    CHECK_EQ_U64(s.cstar, 0x4000);
    CHECK_EQ_U64(s.kernel_gs_base, 0x5000);
    CHECK_EQ_U64(s.fs.base, 0x6000);
    CHECK_EQ_U64(s.gs.base, 0x7000);
    CHECK_EQ_U64(s.star, 0x0023001000000000ull);
    CHECK_EQ_U64(s.sfmask, 0x47700);
    CHECK_EQ_U64(s.fs.sel, 0); /* only the base */
    CHECK_EQ_U64(s.fs.ar, before.fs.ar);
    /* STAR: any value. SFMASK: bits 63:32 reserved. */
    check_rw(MSR_STAR, ~0ull, VIREO_MTD(SYSCALL));
    check_rw(MSR_SFMASK, 0xffffffffull, VIREO_MTD(SYSCALL));
    check_gp(MSR_SFMASK, 1ull << 32);
    check_gp(MSR_SFMASK, 1ull << 63);
}

static void test_vmm_held(void)
{
    /* What lives in the VMM names no item: only the instruction's. */
    state(MODE_LONG64);
    msr_init(&m);
    /* TSC_AUX: bits 63:32 reserved. */
    check_rw(MSR_TSC_AUX, 0xffffffffull, 0);
    check_rw(MSR_TSC_AUX, 7, 0);
    CHECK_EQ_U64(m.tsc_aux, 7);
    check_gp(MSR_TSC_AUX, 1ull << 32);
    /* MISC_ENABLE (Intel): fast strings writable; BTS and PEBS
     * unavailable and no perfmon, read-only; every other bit #GP. */
    CHECK_EQ_U64(rdmsr(MSR_MISC_ENABLE), 1u | 1u << 11 | 1u << 12);
    wrmsr(MSR_MISC_ENABLE, 0);
    CHECK_WR(0);
    CHECK_EQ_U64(rdmsr(MSR_MISC_ENABLE), 1u << 11 | 1u << 12);
    wrmsr(MSR_MISC_ENABLE, 1u | 1u << 7); /* read-only bits are left as they are */
    CHECK_WR(0);
    CHECK_EQ_U64(rdmsr(MSR_MISC_ENABLE), 1u | 1u << 11 | 1u << 12);
    static const unsigned misc_bad[] = {1, 3, 16, 18, 22, 23, 34, 38, 63};
    for (unsigned i = 0; i < sizeof(misc_bad) / sizeof(misc_bad[0]); i++)
        check_gp(MSR_MISC_ENABLE, 1u | 1u << 11 | 1u << 12 | 1ull << misc_bad[i]);

    /* MTRRs: MTRRCAP reads 8 variable ranges, fixed ranges, WC; it is
     * read-only. */
    CHECK_EQ_U64(rdmsr(MSR_MTRRCAP), 8u | 1u << 8 | 1u << 10);
    check_gp(MSR_MTRRCAP, 8u | 1u << 8 | 1u << 10);
    /* MTRR_DEF_TYPE: type (7:0), FE (10), E (11); other bits reserved;
     * types UC WC WT WP WB (UC- = 7 is a PAT type only). */
    check_rw(MSR_MTRR_DEF_TYPE, 0xc06, 0);
    check_rw(MSR_MTRR_DEF_TYPE, 0x800, 0);
    check_rw(MSR_MTRR_DEF_TYPE, 0x401, 0);
    static const unsigned def_bad[] = {8, 9, 12, 31, 32, 63};
    for (unsigned i = 0; i < sizeof(def_bad) / sizeof(def_bad[0]); i++)
        check_gp(MSR_MTRR_DEF_TYPE, 0xc06 | 1ull << def_bad[i]);
    static const u8 type_bad[] = {2, 3, 7, 8, 0xff};
    for (unsigned i = 0; i < sizeof(type_bad); i++)
        check_gp(MSR_MTRR_DEF_TYPE, 0xc00 | type_bad[i]);
    /* Variable ranges 0x200-0x20f: PHYSBASE (type 7:0, 11:8 reserved) and
     * PHYSMASK (10:0 reserved, V = bit 11), bits at and above the physical
     * width reserved in both. */
    u64 top = (1ull << cpuid_phys_bits()) - 1;
    for (u32 i = 0; i < 16; i++) {
        u32 msr = 0x200 + i;
        u64 v = (i & 1) ? ((top & ~0xfffull) | 0x800) : ((top & ~0xfffull) | 6);
        check_rw(msr, v, 0);
        CHECK_EQ_U64(m.mtrr_var[i], v);
        check_gp(msr, v | 1ull << cpuid_phys_bits());
        check_gp(msr, v | 1ull << 63);
        if (i & 1) {
            check_gp(msr, v | 1);
            check_gp(msr, v | 0x400);
        } else {
            check_gp(msr, v | 0x100);
            check_gp(msr, (v & ~0xffull) | 2);
            check_gp(msr, (v & ~0xffull) | 7);
        }
    }
    check_gp(0x210, 0); /* a ninth pair does not exist */
    CHECK_EQ_U64(rdmsr(0x210), ~0ull);
    /* Fixed ranges: eight types each. */
    static const u32 fixed[11] = {0x250, 0x258, 0x259, 0x268, 0x269, 0x26a,
                                  0x26b, 0x26c, 0x26d, 0x26e, 0x26f};
    for (u32 i = 0; i < 11; i++) {
        check_rw(fixed[i], 0x0605040100060504ull, 0);
        CHECK_EQ_U64(m.mtrr_fixed[i], 0x0605040100060504ull);
        for (unsigned byte = 0; byte < 8; byte++) {
            u64 others = 0x0606060606060606ull & ~(0xffull << (8 * byte));
            check_gp(fixed[i], others | 2ull << (8 * byte));
            check_gp(fixed[i], others | 7ull << (8 * byte));
            check_gp(fixed[i], others | 0x16ull << (8 * byte));
        }
    }
    check_gp(0x251, 0); /* between the fixed ones */
    check_gp(0x25a, 0);
}

static void test_tsc(void)
{
    /* The TSC is the host's plus the offset: a write sets the offset. */
    state(MODE_LONG64);
    const u64 v = 0x0000123400000000ull;
    wrmsr(MSR_TSC, v);
    CHECK_WR(VIREO_MTD(TSC));
    u64 t = rdmsr(MSR_TSC);
    CHECK(t >= v && t - v < (1ull << 40));
    u64 t2 = rdmsr(MSR_TSC);
    CHECK(t2 >= t);
    s.tsc_offset += 1ull << 44;
    CHECK(rdmsr(MSR_TSC) >= t2 + (1ull << 44));
}

static void test_tsc_adjust(void)
{
    /* TSC_ADJUST: a write moves the TSC by the difference; a TSC write
     * moves TSC_ADJUST by as much (SDM 17.17.3). */
    state(MODE_LONG64);
    msr_init(&m);
    CHECK_EQ_U64(rdmsr(MSR_TSC_ADJUST), 0);
    u64 offset = s.tsc_offset;
    wrmsr(MSR_TSC_ADJUST, 1000000);
    CHECK_WR(VIREO_MTD(TSC));
    CHECK_EQ_U64(s.tsc_offset, offset + 1000000);
    CHECK_EQ_U64(rdmsr(MSR_TSC_ADJUST), 1000000);
    wrmsr(MSR_TSC_ADJUST, (u64)-5);
    CHECK_EQ_U64(s.tsc_offset, offset - 5);
    CHECK_EQ_U64(rdmsr(MSR_TSC_ADJUST), (u64)-5);
    u64 t = rdmsr(MSR_TSC);
    wrmsr(MSR_TSC, t + (1ull << 36));
    CHECK_WR(VIREO_MTD(TSC));
    u64 adj = rdmsr(MSR_TSC_ADJUST) + 5;
    CHECK(adj >= (1ull << 36) - (1ull << 32) && adj <= (1ull << 36)); /* less the time passed */
    CHECK_EQ_U64(s.tsc_offset - offset, rdmsr(MSR_TSC_ADJUST));
    /* Not offered: no MSR. */
    host(false, (const char *const[]){"tsc_adjust", NULL});
    state(MODE_LONG64);
    CHECK_EQ_U64(rdmsr(MSR_TSC_ADJUST), ~0ull);
    check_gp(MSR_TSC_ADJUST, 0);
    host(false, NULL);
}

/* ---- kvmclock ---- */

#define KVMCLOCK_KHZ 2500000u
static struct vireo_server_info fake_info = {.tsc_khz = KVMCLOCK_KHZ};

static struct vireo_pvclock_vcpu_time_info time_at(u64 gpa)
{
    struct vireo_pvclock_vcpu_time_info t;
    memcpy(&t, fake_vm.ram + gpa, sizeof(t));
    return t;
}

static bool ram_zero(u64 gpa, u64 len)
{
    for (u64 i = 0; i < len; i++) {
        if (fake_vm.ram[gpa + i])
            return false;
    }
    return true;
}

/* The time info as it must be: TSC rate 2.5 GHz, stable, the system time
 * the ticks since the guest's TSC 0 less TSC_ADJUST, the timestamp the
 * guest's TSC between lo and the guest's now. */
static void check_time(u64 gpa, u32 version, u64 lo)
{
    struct vireo_pvclock_vcpu_time_info t = time_at(gpa);
    u64 hi = events_host_tsc() + s.tsc_offset;
    u32 mul;
    s8 shift;
    pvclock_scale(KVMCLOCK_KHZ, &mul, &shift);
    CHECK_EQ_U64(t.version, version);
    CHECK(t.tsc_timestamp >= lo && t.tsc_timestamp <= hi);
    CHECK_EQ_U64(t.system_time, pvclock_ns(t.tsc_timestamp - m.tsc_adjust, mul, shift));
    CHECK_EQ_U64(t.tsc_to_system_mul, mul);
    CHECK_EQ_U64((u64)(s64)t.tsc_shift, (u64)(s64)shift);
    CHECK_EQ_U64(t.flags, PVCLOCK_TSC_STABLE_BIT);
    CHECK(t.pad0 == 0 && t.pad[0] == 0 && t.pad[1] == 0);
}

static void test_kvmclock(void)
{
    fake_cpu_intel(46);
    fake_cpu_configure(VIREO_PARAVIRT_KVM, NULL, 0);
    state(MODE_LONG64);
    msr_init(&m);
    memset(fake_vm.ram, 0, fake_vm.ram_size);
    s.tsc_offset = -events_host_tsc(); /* the VM starts: guest TSC 0 */
    const u64 T = 0x3000, W = 0x3044;
    static const u32 all[] = {MSR_KVM_WALL_CLOCK, MSR_KVM_SYSTEM_TIME, MSR_KVM_WALL_CLOCK_NEW,
                              MSR_KVM_SYSTEM_TIME_NEW};
    for (unsigned i = 0; i < 4; i++)
        CHECK_EQ_U64(rdmsr(all[i]), 0);

    /* System time: enabled, the structure filled; written only by
     * WRMSR, never by RDMSR; the old index is the same MSR. */
    u64 lo = events_host_tsc() + s.tsc_offset;
    check_rw(MSR_KVM_SYSTEM_TIME_NEW, T | 1, 0);
    check_time(T, 2, lo);
    CHECK(time_at(T).system_time < 1000000000ull); /* the VM started just now */
    CHECK_EQ_U64(rdmsr(MSR_KVM_SYSTEM_TIME), T | 1);
    CHECK_EQ_U64(time_at(T).version, 2);
    lo = events_host_tsc() + s.tsc_offset;
    check_rw(MSR_KVM_SYSTEM_TIME, T | 1, 0);
    check_time(T, 4, lo);
    CHECK_EQ_U64(rdmsr(MSR_KVM_SYSTEM_TIME_NEW), T | 1);
    CHECK(ram_zero(T + 32, 0x100) && ram_zero(0, T));

    /* A TSC write moves the timestamp, not the clock: the system time
     * goes on from where it was (the rewrite's time apart). */
    struct vireo_pvclock_vcpu_time_info a = time_at(T);
    lo = events_host_tsc() + s.tsc_offset + (1ull << 40);
    wrmsr(MSR_TSC, lo);
    CHECK_WR(VIREO_MTD(TSC));
    check_time(T, 6, lo);
    struct vireo_pvclock_vcpu_time_info b = time_at(T);
    CHECK(b.tsc_timestamp - a.tsc_timestamp >= (1ull << 40));
    CHECK(b.system_time >= a.system_time && b.system_time - a.system_time < 1000000000ull);
    /* So does TSC_ADJUST. */
    lo = events_host_tsc() + s.tsc_offset - (1ull << 40);
    wrmsr(MSR_TSC_ADJUST, 0);
    CHECK_WR(VIREO_MTD(TSC));
    check_time(T, 8, lo);
    a = b;
    b = time_at(T);
    CHECK(b.system_time >= a.system_time && b.system_time - a.system_time < 1000000000ull);

    /* Disabled: kept, nothing written, a TSC write neither. */
    check_rw(MSR_KVM_SYSTEM_TIME_NEW, T, 0);
    CHECK(memcmp(&b, fake_vm.ram + T, sizeof(b)) == 0);
    wrmsr(MSR_TSC, 5);
    CHECK_WR(VIREO_MTD(TSC));
    CHECK(memcmp(&b, fake_vm.ram + T, sizeof(b)) == 0);

    /* Across a page, outside RAM, or wrapping: the write succeeds and
     * keeps the value, guest memory stays as it was. */
    static const u64 bad[] = {0x3fe3,  0x3ff1,         0xffe3,  0xfff1,
                              0x10001, 1ull << 40 | 1, ~0xeull, ~0ull};
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        check_rw(MSR_KVM_SYSTEM_TIME_NEW, bad[i], 0);
        wrmsr(MSR_TSC, 1000);
        CHECK_WR(VIREO_MTD(TSC));
    }
    CHECK(ram_zero(0x3f00, 0x200) && ram_zero(0xff00, 0x100));
    /* The last 32 bytes of RAM and of a page are fine. */
    lo = events_host_tsc() + s.tsc_offset;
    check_rw(MSR_KVM_SYSTEM_TIME_NEW, 0xffe0 | 1, 0);
    check_time(0xffe0, 2, lo);
    check_rw(MSR_KVM_SYSTEM_TIME_NEW, 0x3fe0 | 1, 0);
    check_time(0x3fe0, 2, lo);
    CHECK(ram_zero(0x4000, 0x100));

    /* The wall clock: the RTC's epoch at system time 0, version even. */
    check_rw(MSR_KVM_WALL_CLOCK_NEW, W, 0);
    struct vireo_pvclock_wall_clock w;
    memcpy(&w, fake_vm.ram + W, sizeof(w));
    CHECK_EQ_U64(w.version, 2);
    CHECK_EQ_U64(w.sec, VIREO_WALL_EPOCH_S);
    CHECK_EQ_U64(w.nsec, 0);
    CHECK_EQ_U64(rdmsr(MSR_KVM_WALL_CLOCK), W);
    check_rw(MSR_KVM_WALL_CLOCK, W, 0);
    memcpy(&w, fake_vm.ram + W, sizeof(w));
    CHECK(w.version == 4 && w.sec == VIREO_WALL_EPOCH_S && w.nsec == 0);
    CHECK(ram_zero(W + 12, 0x40) && ram_zero(W - 4, 4));
    /* Only by its MSR: not by a TSC write. */
    wrmsr(MSR_TSC, 1);
    memcpy(&w, fake_vm.ram + W, sizeof(w));
    CHECK_EQ_U64(w.version, 4);
    /* 12 bytes across a page, outside RAM: nothing. */
    check_rw(MSR_KVM_WALL_CLOCK_NEW, 0x4ff8, 0);
    check_rw(MSR_KVM_WALL_CLOCK_NEW, 0x10000, 0);
    check_rw(MSR_KVM_WALL_CLOCK_NEW, ~3ull, 0);
    CHECK(ram_zero(0x4f00, 0x200));
    check_rw(MSR_KVM_WALL_CLOCK_NEW, 0x4ff4, 0);
    CHECK(!ram_zero(0x4ff4, 12) && ram_zero(0x5000, 0x10));

    /* With the host's date: that date at the VM's start, the host TSC
     * where the guest's TSC less its adjustments is 0 (here 3.25 s of
     * ticks after the kernel read the host's RTC); a TSC write changes
     * nothing. */
    u64 start = m.tsc_adjust - s.tsc_offset;
    fake_info.epoch_s = 1796193612; /* 2026-12-02 06:40:12 UTC */
    fake_info.epoch_tsc = start - 3ull * KVMCLOCK_KHZ * 1000 - KVMCLOCK_KHZ / 4 * 1000;
    check_rw(MSR_KVM_WALL_CLOCK_NEW, W, 0);
    memcpy(&w, fake_vm.ram + W, sizeof(w));
    CHECK(w.sec == 1796193612 + 3 && w.nsec == 250000000);
    CHECK_EQ_U64(w.version % 2, 0);
    wrmsr(MSR_TSC, 77);
    CHECK_WR(VIREO_MTD(TSC));
    check_rw(MSR_KVM_WALL_CLOCK, W, 0);
    memcpy(&w, fake_vm.ram + W, sizeof(w));
    CHECK(w.sec == 1796193612 + 3 && w.nsec == 250000000);
    fake_info.epoch_s = fake_info.epoch_tsc = 0;

    memset(fake_vm.ram, 0, fake_vm.ram_size);
    host(false, NULL);
}

static void test_identification(void)
{
    /* Intel: PLATFORM_ID 0 and FEATURE_CONTROL locked with VMX off, both
     * read-only; BIOS_SIGN_ID: the revision in 63:32, any write taken
     * (CPUID loads it); MCG_CAP: no banks, read-only; MCG_STATUS: RIPV,
     * EIPV, MCIP. */
    host(false, NULL);
    state(MODE_LONG64);
    msr_init(&m);
    CHECK_EQ_U64(rdmsr(MSR_PLATFORM_ID), 0);
    check_gp(MSR_PLATFORM_ID, 0);
    CHECK_EQ_U64(rdmsr(MSR_FEATURE_CONTROL), FEATURE_CONTROL_LOCK);
    check_gp(MSR_FEATURE_CONTROL, FEATURE_CONTROL_LOCK);
    check_gp(MSR_FEATURE_CONTROL, FEATURE_CONTROL_LOCK | FEATURE_CONTROL_VMX_OUTSIDE_SMX);
    CHECK_EQ_U64(rdmsr(MSR_BIOS_SIGN_ID), (u64)MSR_UCODE_REV << 32);
    wrmsr(MSR_BIOS_SIGN_ID, 0);
    CHECK_WR(0);
    wrmsr(MSR_BIOS_SIGN_ID, 0x1234);
    CHECK_WR(0);
    CHECK_EQ_U64(rdmsr(MSR_BIOS_SIGN_ID), (u64)MSR_UCODE_REV << 32);
    CHECK_EQ_U64(rdmsr(MSR_MCG_CAP), 0);
    check_gp(MSR_MCG_CAP, 0);
    CHECK_EQ_U64(rdmsr(MSR_MCG_STATUS), 0);
    check_rw(MSR_MCG_STATUS, 7, 0);
    check_rw(MSR_MCG_STATUS, 0, 0);
    for (unsigned b = 3; b < 64; b += 5)
        check_gp(MSR_MCG_STATUS, 1ull << b);
    /* No MCG_CTL, no banks, no speculation controls (not in CPUID). */
    static const u32 absent[] = {MSR_MCG_CTL,     MSR_MC0_CTL,          MSR_MC0_CTL + 1,
                                 MSR_MC0_CTL + 3, MSR_MC0_CTL + 0x7f,   MSR_SPEC_CTRL,
                                 MSR_PRED_CMD,    MSR_ARCH_CAPABILITIES};
    for (unsigned i = 0; i < sizeof(absent) / sizeof(absent[0]); i++) {
        CHECK_EQ_U64(rdmsr(absent[i]), ~0ull);
        check_gp(absent[i], 0);
    }
    /* AMD: no PLATFORM_ID, FEATURE_CONTROL, MISC_ENABLE; PATCH_LEVEL in
     * 31:0, read-only. */
    host(true, NULL);
    state(MODE_LONG64);
    static const u32 intel[] = {MSR_PLATFORM_ID, MSR_FEATURE_CONTROL, MSR_MISC_ENABLE};
    for (unsigned i = 0; i < 3; i++) {
        CHECK_EQ_U64(rdmsr(intel[i]), ~0ull);
        check_gp(intel[i], 0);
    }
    CHECK_EQ_U64(rdmsr(MSR_BIOS_SIGN_ID), MSR_UCODE_REV);
    check_gp(MSR_BIOS_SIGN_ID, 0);
    CHECK_EQ_U64(rdmsr(MSR_MCG_CAP), 0);
    /* Without MCA / MTRR / PAT / RDTSCP and RDPID in CPUID: none of theirs. */
    host(false, (const char *const[]){"mca", "mtrr", "pat", "rdtscp", "rdpid", NULL});
    state(MODE_LONG64);
    static const u32 gone[] = {
        MSR_MCG_CAP, MSR_MCG_STATUS, MSR_MTRRCAP,       0x200,   0x20f,      0x250,
        0x258,       0x26f,          MSR_MTRR_DEF_TYPE, MSR_PAT, MSR_TSC_AUX};
    for (unsigned i = 0; i < sizeof(gone) / sizeof(gone[0]); i++) {
        CHECK_EQ_U64(rdmsr(gone[i]), ~0ull);
        check_gp(gone[i], 0);
    }
    /* TSC_AUX with RDPID alone. */
    host(false, (const char *const[]){"rdtscp", NULL});
    state(MODE_LONG64);
    check_rw(MSR_TSC_AUX, 3, 0);
    host(false, NULL);
}

static void test_lapic(void)
{
    /* IA32_APIC_BASE, IA32_TSC_DEADLINE and 0x800-0x8ff reach the APIC
     * model with the guest's TSC as now; what it refuses is #GP. */
    host(false, NULL);
    state(MODE_LONG64);
    fake_lapic_reset();
    s.tsc_offset = 1ull << 50;
    CHECK_EQ_U64(rdmsr(MSR_APIC_BASE), 0xfee00000ull | APIC_BASE_ENABLE | APIC_BASE_BSP);
    wrmsr(MSR_APIC_BASE, 0xfed00000ull | APIC_BASE_ENABLE | APIC_BASE_X2APIC);
    CHECK_WR(0);
    CHECK_EQ_U64(fake_lapic.set_base, 1);
    CHECK_EQ_U64(fake_lapic.last_value, 0xfed00000ull | APIC_BASE_ENABLE | APIC_BASE_X2APIC);
    CHECK_EQ_U64(fake_lapic.last_phys_bits, 46);
    CHECK(fake_lapic.last_now >= 1ull << 50);
    CHECK_EQ_U64(rdmsr(MSR_APIC_BASE), 0xfed00000ull | APIC_BASE_ENABLE | APIC_BASE_X2APIC);
    fake_lapic.refuse = true;
    check_gp(MSR_APIC_BASE, 0xfee00000ull);
    CHECK_EQ_U64(fake_lapic.set_base, 2);
    fake_lapic.refuse = false;
    /* x2APIC registers: the value both ways, the index. */
    u64 v = rdmsr(0x802);
    CHECK_EQ_U64(v, 0x1234500000000802ull);
    CHECK_EQ_U64(fake_lapic.last_msr, 0x802);
    wrmsr(0x80b, 0);
    CHECK_WR(0);
    CHECK_EQ_U64(fake_lapic.msr_write, 1);
    CHECK_EQ_U64(fake_lapic.last_msr, 0x80b);
    wrmsr(0x830, 0xfedcba9876543210ull);
    CHECK_EQ_U64(fake_lapic.last_value, 0xfedcba9876543210ull);
    CHECK_EQ_U64(rdmsr(0x8ff), 0x12345000000008ffull);
    fake_lapic.refuse = true;
    CHECK_EQ_U64(rdmsr(0x808), ~0ull);
    check_gp(0x808, 0);
    fake_lapic.refuse = false;
    CHECK_EQ_U64(rdmsr(0x7ff), ~0ull); /* outside the range */
    CHECK_EQ_U64(rdmsr(0x900), ~0ull);
    /* TSC deadline: readable and writable, the model arms it. */
    check_rw(MSR_TSC_DEADLINE, 0x123456789ull, 0);
    CHECK_EQ_U64(fake_lapic.deadline_set, 1);
    CHECK(fake_lapic.last_now >= 1ull << 50);
    check_rw(MSR_TSC_DEADLINE, 0, 0);
    /* Without x2APIC in CPUID: no x2APIC MSRs, and EXTD is reserved. */
    host(false, (const char *const[]){"x2apic", NULL});
    state(MODE_LONG64);
    fake_lapic_reset();
    CHECK_EQ_U64(rdmsr(0x802), ~0ull);
    check_gp(0x830, 0);
    check_gp(MSR_APIC_BASE, 0xfee00000ull | APIC_BASE_ENABLE | APIC_BASE_X2APIC);
    CHECK_EQ_U64(fake_lapic.set_base, 0);
    CHECK_EQ_U64(fake_lapic.msr_read + fake_lapic.msr_write, 0);
    /* Without the APIC: none of them. */
    host(false, (const char *const[]){"apic", NULL});
    state(MODE_LONG64);
    static const u32 apic_msrs[] = {MSR_APIC_BASE, MSR_TSC_DEADLINE, 0x802, 0x830};
    for (unsigned i = 0; i < 4; i++) {
        CHECK_EQ_U64(rdmsr(apic_msrs[i]), ~0ull);
        check_gp(apic_msrs[i], 0);
    }
    /* No model attached: the base is fixed, only EN changes; no deadline,
     * no x2APIC registers. */
    host(false, NULL);
    state(MODE_LONG64);
    x.lapic = NULL;
    msr_init(&m);
    CHECK_EQ_U64(rdmsr(MSR_APIC_BASE), 0xfee00000ull | APIC_BASE_ENABLE | APIC_BASE_BSP);
    wrmsr(MSR_APIC_BASE, 0xfee00000ull);
    CHECK_WR(0);
    CHECK_EQ_U64(rdmsr(MSR_APIC_BASE), 0xfee00000ull | APIC_BASE_BSP);
    check_gp(MSR_APIC_BASE, 0xfed00000ull | APIC_BASE_ENABLE);
    check_gp(MSR_APIC_BASE, 0xfee00000ull | APIC_BASE_ENABLE | 1ull << 63);
    CHECK_EQ_U64(rdmsr(MSR_TSC_DEADLINE), ~0ull);
    CHECK_EQ_U64(rdmsr(0x802), ~0ull);
}

static void test_unknown(void)
{
    /* Every index not emulated: #GP on both, RIP unchanged, no item but
     * INJECT named. */
    state(MODE_LONG64);
    static const u32 unknown[] = {
        0x0,        0x1,        0x11,       0x17 + 1,   0x34,       0x3c,       0x48,
        0x4e,       0xc1,       0xce,       0xe7,       0xe8,       0x140,      0x186,
        0x1a1,      0x1da,      0x276,      0x278,      0x309,      0x345,      0x38d,
        0x480,      0x6e1,      0x7ff,      0x900,      0xc0000000, 0xc0000085, 0xc0000104,
        0xc0010000, 0xc0010015, 0xc0010114, 0xc0011029, 0x4b564d00, 0x4b564d01, 0x4b564d07,
        0x4b564dff, 0xffffffff};
    for (unsigned i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
        CHECK_EQ_U64(rdmsr(unknown[i]), ~0ull);
        CHECK_EQ_U64(s.inj_error, 0);
        check_gp(unknown[i], 0);
    }
    /* The hypervisor range, every index, and just around it; KVM's
     * provider claims nothing there either. */
    static const u32 providers[] = {VIREO_PARAVIRT_NONE, VIREO_PARAVIRT_MINIMAL,
                                    VIREO_PARAVIRT_KVM};
    for (unsigned p = 0; p < 3; p++) {
        fake_cpu_intel(46);
        fake_cpu_configure(providers[p], NULL, 0);
        for (u32 msr = 0x40000000; msr <= 0x400000ff; msr++) {
            CHECK_EQ_U64(rdmsr(msr), ~0ull);
            check_gp(msr, 0);
        }
        /* kvmclock's are KVM's alone (test_kvmclock); the rest of KVM's
         * range nobody's. */
        if (providers[p] != VIREO_PARAVIRT_KVM) {
            static const u32 kvmclock[] = {0x11, 0x12, 0x4b564d00, 0x4b564d01};
            for (unsigned i = 0; i < 4; i++) {
                CHECK_EQ_U64(rdmsr(kvmclock[i]), ~0ull);
                check_gp(kvmclock[i], 1);
            }
        }
        check_gp(0x4b564d02, 1);
        check_gp(0x4b564dff, 1);
    }
    host(false, NULL);
    check_gp(0x3fffffff, 0);
    check_gp(0x40000100, 0);
    /* Bits 63:32 of RCX are no part of the index. */
    s.rcx = 0x100000000ull | MSR_EFER;
    s.inj_info = 0;
    before = s;
    x.changed = 0;
    msr_read_exit(&x, &m);
    CHECK_EQ_U64(s.inj_info, 0);
    CHECK_EQ_U64(s.rax, s.efer);

    /* Without an exit length the instruction is decoded; if it cannot
     * be, nothing but the decoder's #UD happens. */
    state(MODE_LONG64);
    s.insn_len = 0;
    fake_set_insn(ZYDIS_MNEMONIC_RDMSR, 2, 64, 0);
    CHECK_EQ_U64(rdmsr(MSR_STAR), 0);
    CHECK_EQ_U64(s.rip, before.rip + 2);
    fake_decode_ok = false;
    s.rcx = MSR_STAR;
    s.inj_info = 0;
    x.changed = 0;
    before = s;
    msr_read_exit(&x, &m);
    CHECK_EQ_U64(s.inj_info, fake_exc_info(EXC_UD, false));
    CHECK_EQ_U64(x.changed, fake_injected(&before, EXC_UD, false, NULL));
    CHECK_EQ_U64(s.rip, before.rip);
    wrmsr(MSR_STAR, 5);
    CHECK_EQ_U64(s.inj_info, fake_exc_info(EXC_UD, false));
    CHECK_EQ_U64(s.star, 0);
}

static void test_finish(void)
{
    /* The instruction completes as every emulated one: STI/MOV-SS
     * blocking ends, TF leaves the single step pending. */
    state(MODE_LONG64);
    s.intr_state = (u32)VIREO_BIT(VMX_INTR_STATE, BLOCK_STI);
    s.rflags |= RFLAGS_TF | RFLAGS_IF;
    wrmsr(MSR_STAR, 1);
    CHECK_WR(VIREO_MTD(SYSCALL));
    CHECK_EQ_U64(s.intr_state, 0);
    CHECK_EQ_U64(s.pending_dbg, VIREO_BIT(VMX_PENDING_DBG, BS));
    /* EIP wraps outside 64-bit mode. */
    state(MODE_PROT32);
    s.rip = 0xffffffff;
    rdmsr(MSR_STAR);
    CHECK_EQ_U64(s.rip, 1);
}

int main(void)
{
    fake_reset(1u << 16);
    fake_vm.info = &fake_info;
    fake_lapic_reset();
    host(false, NULL);
    msr_init(&m);
    test_efer();
    test_pat_debugctl();
    test_syscall_sysenter();
    test_vmm_held();
    test_tsc();
    test_tsc_adjust();
    test_kvmclock();
    test_identification();
    test_lapic();
    test_unknown();
    test_finish();
    return check_report("vmm_msr");
}
