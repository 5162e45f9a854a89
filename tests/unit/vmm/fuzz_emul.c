/*
 * The emulator's fuzz harness (issue 5 item 10): an input is instruction
 * bytes and a vCPU state (mode: real, 16/32-bit protected, compatibility,
 * 64-bit; paging off, 32-bit, PAE, 4/5-level; CPL, CR0.WP/AM, CR4
 * PSE/SMEP/SMAP/LA57, EFER.NXE, RFLAGS, segments, registers aimed at the
 * window or not, PDPTE registers) plus damage to the page tables; it runs
 * through the MEM_FAULT handler (decode + emulate, mmio.c) on
 * emul_harness.c's guest. Nothing may crash or trip ASan/UBSan, and:
 * every MMIO access is of 1, 2, 4 or 8 bytes within a page; an instruction
 * not emulated changes nothing; the reply names only writable items.
 *
 * Built twice: with libFuzzer (clang -fsanitize=fuzzer, when the compiler
 * has it: vmm_emul_libfuzzer) and with the deterministic driver below
 * (FUZZ_DRIVER; ctest unit.vmm_emul_fuzz: `vmm_emul_fuzz [SEED [RUNS]]`,
 * random inputs and mutations of valid instructions).
 */
#include "emul_harness.h"
#include "mmio.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CODE 0x400ff0ull   /* near a page end: fetches cross */
#define DATA 0x10000000ull /* the window's linear address */
#define ALL  (PTE_P | PTE_W | PTE_U)

struct input {
    const u8 *p;
    size_t n, i;
};
static u8 take8(struct input *in)
{
    return in->i < in->n ? in->p[in->i++] : 0;
}
static u64 take(struct input *in, u32 bytes)
{
    u64 v = 0;
    for (u32 i = 0; i < bytes; i++)
        v |= (u64)take8(in) << (8 * i);
    return v;
}

/* 32-bit and PAE tables for the code pages and the window (identity
 * mapped by linear page, gpa as eh_map_window's); 4-level ones are
 * eh_map's. */
#define T32_PD 0x10000u
#define T32_PT 0x11000u /* one PT per 4 MiB: code (PD 1), window (PD 64) */
static void map32(u64 la, u64 gpa, u32 flags)
{
    u32 pdi = (u32)(la >> 22), pt = T32_PT + (pdi == 1 ? 0 : 0x1000);
    u32 pde = pt | ALL;
    memcpy(fake_vm.ram + T32_PD + pdi * 4, &pde, 4);
    u32 pte = (u32)gpa | flags;
    memcpy(fake_vm.ram + pt + ((la >> 12) & 0x3ff) * 4, &pte, 4);
}
#define PAE_PDPT 0x10000u
#define PAE_PD   0x11000u
#define PAE_PT   0x12000u
static void map_pae(u64 la, u64 gpa, u64 flags)
{
    u32 pdpti = (u32)(la >> 30) & 3, pdi = (u32)(la >> 21) & 0x1ff;
    u32 pt = PAE_PT + (pdi == 2 ? 0 : 0x1000);
    fake_put64(PAE_PDPT + pdpti * 8, PAE_PD | PTE_P);
    fake_put64(PAE_PD + pdi * 8, pt | ALL);
    fake_put64(pt + ((la >> 12) & 0x1ff) * 8, gpa | flags);
}

enum mode { REAL, PROT16, PROT32, COMPAT, LONG64, MODES };
enum paging { OFF, P32, PAE, L4, PAGINGS };

static void map_all(enum paging pg, u64 la, u64 gpa, u64 flags)
{
    if (pg == P32)
        map32(la, gpa, (u32)flags);
    else if (pg == PAE)
        map_pae(la, gpa, flags);
    else if (pg == L4)
        eh_map(la, gpa, flags);
}

/* Where registers and segment bases aim: the window's linear address, or
 * its MMIO's physical one with paging off. */
static u64 aim;

static u64 reg_value(struct input *in)
{
    switch (take8(in) % 4) {
    case 0:
        return take(in, 8);
    case 1:
        return aim + take(in, 2) % (EH_PAGES * 4096 + 64) - 32;
    case 2:
        return take(in, 2);
    default:
        return take(in, 1);
    }
}

static void segments(struct vireo_vcpu_state *s, struct input *in, enum mode m)
{
    struct vireo_seg *segs[] = {&s->es, &s->ss, &s->ds, &s->fs, &s->gs};
    for (u32 i = 0; i < 5; i++) {
        u8 b = take8(in);
        if (b & 1)
            segs[i]->base = (b & 2) ? take(in, 4) : aim - (b & 0xf0) * 0x10;
        if (b & 4)
            segs[i]->limit = (u32)take(in, 4);
        if (b & 8)
            segs[i]->ar ^= (u16)take(in, 2);
    }
    if (m == PROT16 || m == REAL)
        s->cs.ar &= ~(u16)(1u << 10);
}

static void state(struct vireo_vcpu_state *s, struct input *in)
{
    u8 b = take8(in);
    enum mode m = (enum mode)(b % MODES);
    enum paging pg = (enum paging)((b >> 3) % PAGINGS);
    if (m >= COMPAT)
        pg = L4;
    else if (m == REAL || pg == L4)
        pg = OFF;
    aim = pg == OFF ? EH_MMIO_GPA : DATA;
    fake_state(s, m == LONG64   ? MODE_LONG64
                  : m == COMPAT ? MODE_COMPAT
                  : m == REAL   ? MODE_REAL
                                : MODE_PROT32);
    if (m == PROT16)
        s->cs.ar &= ~(u16)(1u << 10);
    /* Pages: two code pages, the window (MMIO or RAM by a bit each). */
    u8 layout = take8(in);
    bool ram[EH_PAGES];
    for (u32 i = 0; i < EH_PAGES; i++)
        ram[i] = layout >> i & 1;
    u64 flags = ALL | ((layout & 0x10) ? PTE_NX : 0);
    if (pg == OFF) {
        /* Linear = physical: code in RAM at CODE, the window's MMIO
         * where the MMIO gpa is. */
        s->cr3 = 0;
    } else {
        map_all(pg, CODE & ~0xfffull, EH_CODE_GPA, ALL);
        map_all(pg, (CODE & ~0xfffull) + 0x1000, EH_CODE_GPA + 0x1000, ALL);
        for (u32 i = 0; i < EH_PAGES; i++)
            map_all(pg, DATA + i * 4096ull, (ram[i] ? EH_RAM_DATA : EH_MMIO_GPA) + i * 4096ull,
                    (layout & (0x20 << (i % 2))) ? flags & ~(u64)PTE_W : flags);
        s->cr0 |= CR0_PG;
        s->cr3 = EH_TABLES;
        s->cr4 = pg == PAE || pg == L4 ? CR4_PAE : 0;
    }
    /* Damage to the tables: a few bytes flipped. */
    for (u32 k = take8(in) % 4; k; k--) {
        u32 off = (u32)take(in, 2) % 0x4000;
        fake_vm.ram[EH_TABLES + off] ^= take8(in);
    }
    u8 c = take8(in);
    s->cr0 |= (c & 1 ? CR0_WP : 0) | (c & 2 ? CR0_AM : 0);
    s->cr4 |= (c & 4 ? CR4_PSE : 0) | (c & 8 ? CR4_SMEP : 0) | (c & 16 ? CR4_SMAP : 0) |
              ((c & 32) && m >= COMPAT ? CR4_LA57 : 0);
    s->efer |= c & 64 ? EFER_NXE : 0;
    s->arch = c & 128 ? VIREO_ARCH_VMX : VIREO_ARCH_SVM;
    for (u32 i = 0; i < 4; i++)
        s->pdpte[i] = (take8(in) & 1) ? PAE_PD | PTE_P : take(in, 8);
    if (take8(in) & 1) { /* CPL 3 */
        s->cs.ar |= 3u << 5;
        s->ss.ar |= 3u << 5;
    }
    segments(s, in, m);
    u64 *regs[16] = {&s->rax, &s->rcx, &s->rdx, &s->rbx, &s->rsp, &s->rbp, &s->rsi, &s->rdi,
                     &s->r8,  &s->r9,  &s->r10, &s->r11, &s->r12, &s->r13, &s->r14, &s->r15};
    for (u32 i = 0; i < 16; i++)
        *regs[i] = reg_value(in);
    s->rflags = RFLAGS_FIXED1 | (take(in, 4) & (0x8d5 | RFLAGS_TF | RFLAGS_DF | RFLAGS_AC));
    if (pg == OFF) {
        s->cs.base = (m == REAL) ? EH_CODE_GPA : 0;
        s->rip = (m == REAL) ? 0xff0 : EH_CODE_GPA + 0xff0;
    } else {
        s->cs.base = 0;
        s->rip = CODE;
    }
    s->gpa = EH_MMIO_GPA;
    s->info[0] =
        VIREO_BIT(VIREO_MEMF, WRITE) | (take8(in) == 0x5a ? VIREO_BIT(VIREO_MEMF, PRESENT) : 0);
}

static void fail(const char *what)
{
    fprintf(stderr, "fuzz_emul: %s\n", what);
    abort();
}

/* What the last input came to: an emul_status, or: */
enum { OUT_NO_DECODE = EMUL_UNSUPPORTED + 1, OUT_HANDLER, OUTCOMES };
static int outcome;

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);
int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
    static struct vireo_vcpu_state s, before;
    struct input in = {.p = data, .n = size};
    eh_reset();
    u8 insn[15];
    for (u32 i = 0; i < 15; i++)
        insn[i] = take8(&in);
    memcpy(fake_vm.ram + EH_CODE_GPA + 0xff0, insn, 15);
    state(&s, &in);
    u8 fill = take8(&in);
    for (u32 p = 0; p < EH_PAGES; p++) {
        memset(eh_mmio[p], fill + (int)p, 4096);
        memset(fake_vm.ram + EH_RAM_DATA + p * 4096, fill - (int)p, 4096);
    }
    struct exit_ctx x = {.vm = &fake_vm, .s = &s, .changed = 0};
    before = s;
    bool handler = in.i < in.n && (data[size - 1] & 1);
    if (handler) {
        mmio_exit(&x);
        outcome = OUT_HANDLER;
    } else {
        struct insn d;
        outcome = OUT_NO_DECODE;
        if (insn_decode(&x, &d)) {
            enum emul_status st = emul_insn(&x, &d);
            outcome = (int)st;
            if (st == EMUL_UNSUPPORTED && (memcmp(&s, &before, sizeof(s)) || x.changed))
                fail("an instruction not emulated changed the state");
        }
    }
    if (eh_bad)
        fail("an MMIO access of a bad size or across a page");
    if (x.changed & ~VIREO_MTD_WRITABLE)
        fail("the reply names an item that is not writable");
    return 0;
}

#ifdef FUZZ_DRIVER
/* Valid instructions of the emulated forms, which random bytes rarely
 * are: mutated, they take the fuzzer deep. */
#define SEED(b)                                                                                    \
    {                                                                                              \
        b, sizeof(b) - 1                                                                           \
    }
static const struct {
    const char *bytes;
    size_t len;
} seeds[] = {
    SEED("\x89\x08"),
    SEED("\x8b\x4c\x24\x08"),
    SEED("\x48\xc7\x00\x11\x22\x33\x44"),
    SEED("\x66\x89\x84\x98\x10\x20\x30\x40"),
    SEED("\x0f\xb6\x05\x10\x00\x00\x00"),
    SEED("\x48\x63\x08"),
    SEED("\x01\x08"),
    SEED("\xf0\x83\x08\x7f"),
    SEED("\x81\x30\x00\x01\x02\x03"),
    SEED("\x85\x08"),
    SEED("\xf6\x00\x80"),
    SEED("\xf7\x18"),
    SEED("\xfe\x00"),
    SEED("\x87\x08"),
    SEED("\x0f\xa3\x08"),
    SEED("\x48\x0f\xbb\x08"),
    SEED("\x0f\xba\x28\x3f"),
    SEED("\xf3\xa4"),
    SEED("\xf3\x48\xab"),
    SEED("\x67\xf3\x66\xad"),
    SEED("\x65\xa4"),
    SEED("\xa1\x00\x00\x00\x10\x00\x00\x00\x00"),
    SEED("\x67\x89\x48\x10"),
    SEED("\x67\x41\x8b\x04\x25\x00\x00\x00\x10"),
    SEED("\x0f\xc3\x08"),
    SEED("\x2e\x10\x4d\x00"),
};

static u64 rng;
static u64 rnd(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 0x2545f4914f6cdd1dull;
}

int main(int argc, char **argv)
{
    u64 seed = argc > 1 ? strtoull(argv[1], NULL, 0) : 1;
    unsigned runs = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 0) : 40000;
    rng = seed * 0x9e3779b97f4a7c15ull + 1;
    static u8 buf[600];
    unsigned seen[OUTCOMES] = {0};
    for (unsigned r = 0; r < runs; r++) {
        size_t n = 1 + rnd() % sizeof(buf);
        for (size_t i = 0; i < n; i++)
            buf[i] = (u8)rnd();
        if (rnd() % 4 != 0) { /* a valid instruction, maybe mutated */
            u32 k = (u32)(rnd() % (sizeof(seeds) / sizeof(seeds[0])));
            size_t len = seeds[k].len;
            memcpy(buf, seeds[k].bytes, len < n ? len : n);
            if (rnd() % 2)
                buf[rnd() % 15 % n] = (u8)rnd();
        }
        LLVMFuzzerTestOneInput(buf, n);
        seen[outcome]++;
    }
    printf("vmm_emul_fuzz: seed %llu: %u runs, no crash, no bad MMIO access: %u emulated, %u "
           "faulted, %u stopped the VM, %u not emulated, %u not decoded or fetched, %u through "
           "the exit handler\n",
           (unsigned long long)seed, runs, seen[EMUL_DONE], seen[EMUL_EXCEPTION],
           seen[EMUL_STOPPED], seen[EMUL_UNSUPPORTED], seen[OUT_NO_DECODE], seen[OUT_HANDLER]);
    return 0;
}
#endif
