/*
 * Every exit kind with every register loaded (probe.S): what the kind
 * writes must hold the architecture's result, everything else (the other
 * general registers, RFLAGS, the FPU/SSE/AVX image, CR2, DR0-3, DR6, DR7)
 * what it held. Under Vireo each of these exits goes through the kernel
 * and the VMM (the port ones through the device server too), and the busy
 * loop through host timer interrupts.
 */
#include "state.h"
#include <guest/cpu.h>
#include <guest/rt.h>
#include <guest/uart.h>
#include <string.h>
#include <vireo/format.h>

#define ARITH_FLAGS                                                                                \
    (RFLAGS_CF | RFLAGS_PF | RFLAGS_AF | RFLAGS_ZF | RFLAGS_SF | RFLAGS_DF | RFLAGS_OF)
#define UART_SCRATCH (UART_COM1 + UART_SCR) /* reads back what was written */
#define PAUSES       1000
#define BUSY_TICKS   10000000ull /* TSC ticks of the busy loop: milliseconds at GHz rates */
#define BUSY_START   (1u << 14)
#define BUSY_MAX     (1u << 28)
#define NO_REG       16

static const char *const gpr_names[16] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                                          "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};

static struct probe_io in, out, base;
static struct dbg_regs dbg;
static uint64_t want[16];
static char why[200];
static const char *config_name;
static unsigned round_no;

/* Distinct values in every register and both rounds. */
static uint64_t pattern(unsigned reg)
{
    uint64_t x = (uint64_t)(round_no * 16 + reg + 1) * 0x9e3779b97f4a7c15ull;
    return x ^ (x >> 29);
}

/* An operand read from the low half (ECX, EAX, DX, ...): the upper half
 * holds junk the instruction must ignore. */
static uint64_t low32(unsigned reg, uint32_t v)
{
    return (pattern(reg) & ~0xffffffffull) | v;
}

static void probe(unsigned kind)
{
    why[0] = 0;
    memset(&out, 0, sizeof(out));
    state_probe(&in, &out, kind);
    memcpy(want, in.gpr, sizeof(want));
}

/* out against want (in's registers with what the kind writes) and every
 * other piece of state against the baseline. */
static bool verify(void)
{
    for (unsigned i = 0; i < 16; i++) {
        if (i != RSP && out.gpr[i] != want[i]) {
            snformat(why, sizeof(why), "%s is %#lx, not %#lx", gpr_names[i], out.gpr[i], want[i]);
            return false;
        }
    }
    if (out.rflags != in.rflags) {
        snformat(why, sizeof(why), "RFLAGS is %#lx, not %#lx", out.rflags, in.rflags);
        return false;
    }
    return fpu_same(out.fpu, base.fpu, in.xmask, why, sizeof(why)) &&
           dbg_same(&dbg, why, sizeof(why));
}

static bool report(bool ok, const char *what)
{
    return rt_check(ok, what, "%s, pattern %u: %s", config_name, round_no + 1, why);
}

/* A kind that writes no register, or only reg (NO_REG: none). */
static bool simple(unsigned kind, const char *what, unsigned reg, uint64_t value)
{
    probe(kind);
    if (reg < 16)
        want[reg] = value;
    return report(verify(), what);
}

static void kind_cpuid(void)
{
    in.gpr[RAX] = low32(RAX, 0);
    in.gpr[RCX] = low32(RCX, 0);
    struct cpuid_regs r = cpuid(0, 0);
    probe(K_CPUID);
    want[RAX] = r.eax, want[RBX] = r.ebx, want[RCX] = r.ecx, want[RDX] = r.edx;
    report(verify(), "CPUID leaf 0: its four results, zero-extended, nothing else");
}

static void kind_ports(void)
{
    uint8_t v = (uint8_t)(0x5a + round_no), w = (uint8_t)~v;
    outb(UART_SCRATCH, v);
    in.gpr[RDX] = (pattern(RDX) & ~0xffffull) | UART_SCRATCH;
    simple(K_IN, "IN AL, DX from COM1's scratch register: AL and nothing else", RAX,
           (in.gpr[RAX] & ~0xffull) | v);
    in.gpr[RAX] = (pattern(RAX) & ~0xffull) | w;
    if (simple(K_OUT, "OUT DX, AL to COM1's scratch register: nothing changed", NO_REG, 0))
        rt_check(inb(UART_SCRATCH) == w, "OUT DX, AL: the scratch register took AL",
                 "%s, pattern %u", config_name, round_no + 1);
}

/* RCX holds the MSR's number alone: QEMU TCG looks the MSR up in an AMD-V
 * guest's permission map with all of RCX, so junk above ECX would let the
 * access past Vireo to QEMU's own MSRs. */
static void kind_msrs(void)
{
    uint64_t pat = rdmsr(MSR_PAT);
    in.gpr[RCX] = MSR_PAT;
    probe(K_RDMSR);
    want[RAX] = (uint32_t)pat, want[RDX] = pat >> 32;
    report(verify(), "RDMSR PAT: EDX:EAX zero-extended, nothing else");

    in.gpr[RAX] = low32(RAX, (uint32_t)pat);
    in.gpr[RDX] = low32(RDX, (uint32_t)(pat >> 32));
    if (simple(K_WRMSR, "WRMSR PAT, the same value (upper halves of RAX, RDX ignored)", NO_REG, 0))
        rt_check(rdmsr(MSR_PAT) == pat, "WRMSR PAT: PAT holds EDX:EAX", "%#lx, wrote %#lx",
                 rdmsr(MSR_PAT), pat);

    /* The TSC: anything between the readings before and after. */
    in.gpr[RCX] = MSR_TSC;
    in.gpr[RAX] = pattern(RAX);
    in.gpr[RDX] = pattern(RDX);
    uint64_t t0 = rdtsc();
    probe(K_RDMSR);
    uint64_t t1 = rdtsc();
    uint64_t tsc = out.gpr[RDX] << 32 | (uint32_t)out.gpr[RAX];
    want[RAX] = (uint32_t)out.gpr[RAX], want[RDX] = (uint32_t)out.gpr[RDX];
    const char *what = "RDMSR TSC: EDX:EAX zero-extended, between two RDTSCs, nothing else";
    if (!verify())
        report(false, what);
    else if (tsc >= t0 && tsc <= t1)
        report(true, what);
    else if (!tsc && rt_platform() == RT_PLATFORM_QEMU_TCG && !rt_under_vireo())
        rt_deviation(what, "QEMU TCG reads MSR 0x10 as 0");
    else
        rt_fail(what, "%s, pattern %u: TSC %#lx outside %#lx..%#lx", config_name, round_no + 1, tsc,
                t0, t1);
}

static void kind_crs(void)
{
    uint64_t cr0 = read_cr0(), cr4 = read_cr4();
    in.gpr[R11] = cr0;
    if (simple(K_CR0_WRITE, "MOV to CR0, the same value: nothing changed", NO_REG, 0))
        rt_check(read_cr0() == cr0, "MOV to CR0: CR0 holds it", "%#lx, wrote %#lx", read_cr0(),
                 cr0);
    in.gpr[R11] = cr4;
    if (simple(K_CR4_WRITE, "MOV to CR4, the same value: nothing changed", NO_REG, 0))
        rt_check(read_cr4() == cr4, "MOV to CR4: CR4 holds it", "%#lx, wrote %#lx", read_cr4(),
                 cr4);
    in.gpr[R11] = pattern(R11);
    simple(K_CR0_READ, "MOV from CR0 to R11: R11 and nothing else", R11, cr0);
    simple(K_CR4_READ, "MOV from CR4 to R13: R13 and nothing else", R13, cr4);
}

static void kind_xcr(uint64_t xcr0)
{
    in.gpr[RCX] = low32(RCX, 0);
    probe(K_XGETBV);
    want[RAX] = (uint32_t)xcr0, want[RDX] = xcr0 >> 32;
    report(verify(), "XGETBV: XCR0 in EDX:EAX, zero-extended, nothing else");
    in.gpr[RAX] = low32(RAX, (uint32_t)xcr0);
    in.gpr[RDX] = low32(RDX, (uint32_t)(xcr0 >> 32));
    if (simple(K_XSETBV, "XSETBV, the same XCR0: nothing changed", NO_REG, 0))
        rt_check(xgetbv(0) == xcr0, "XSETBV: XCR0 holds it", "%#lx, wrote %#lx", xgetbv(0), xcr0);
}

static void kind_loops(void)
{
    simple(K_WBINVD, "WBINVD: nothing changed", NO_REG, 0);
    in.gpr[RCX] = PAUSES;
    simple(K_PAUSE, "1000 x PAUSE; LOOP: RCX 0 and nothing else", RCX, 0);
    /* Longer and longer until it spans BUSY_TICKS of the TSC: host timer
     * interrupts come in while every register is live. */
    uint64_t ticks = 0;
    uint32_t n;
    bool ok = true;
    for (n = BUSY_START; ok && ticks < BUSY_TICKS && n <= BUSY_MAX; n *= 2) {
        in.gpr[RCX] = n;
        uint64_t t0 = rdtsc();
        probe(K_BUSY);
        ticks = rdtsc() - t0;
        want[RCX] = 0;
        ok = verify();
    }
    if (ok && ticks < BUSY_TICKS)
        snformat(why, sizeof(why), "%u iterations took only %lu TSC ticks", n / 2, ticks);
    if (report(ok && ticks >= BUSY_TICKS, "a busy LOOP of 10^7 TSC ticks: RCX 0, nothing else"))
        rt_note("%s, pattern %u: busy loop of %u iterations, %lu TSC ticks", config_name,
                round_no + 1, n / 2, ticks);
}

void sweep(const char *config, uint64_t xmask, uint64_t xcr0)
{
    config_name = config;
    dbg_set(&dbg);
    for (round_no = 0; round_no < 2; round_no++) {
        in.xmask = xmask;
        fpu_image(in.fpu, round_no, xmask);
        for (unsigned i = 0; i < 16; i++)
            in.gpr[i] = pattern(i);
        in.gpr[RSP] = 0;
        in.rflags = (read_rflags() & ~ARITH_FLAGS) | (round_no ? 0 : ARITH_FLAGS);
        /* The baseline: what the registers hold with no exit at all. */
        probe(K_NOP);
        base = out;
        bool loaded = fpu_loaded(base.fpu, in.fpu, xmask, why, sizeof(why)) && verify();
        if (!report(loaded, "the probe loads and saves every register (no exit)"))
            continue;
        kind_cpuid();
        kind_ports();
        kind_msrs();
        kind_crs();
        if (xcr0)
            kind_xcr(xcr0);
        kind_loops();
    }
    dbg_clear();
}
