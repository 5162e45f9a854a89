/*
 * The emulated forms with a memory operand, each at its operand sizes:
 * run on the target (pc-testdev's window) and on RAM with the same
 * values; the register, the status flags the architecture defines (AF
 * after AND/OR/XOR/TEST and all but CF after BT* are not compared)
 * and the memory around the operand must agree. A set with known answers
 * checks both against the architecture, and a subset runs across page
 * boundaries: window to window, window into RAM, RAM into the window.
 */
#include "access.h"
#include "mmio.h"
#include <string.h>
#include <vireo/format.h>

/* Undefined flags: AF after the logic ops; after BT* all but CF (Intel
 * leaves ZF alone, AMD calls it undefined, QEMU TCG changes it). */
#define U_LOGIC FL_AF
#define U_BT    (FL_OF | FL_SF | FL_ZF | FL_AF | FL_PF)

typedef void (*op_fn)(volatile uint8_t *p, uint64_t *reg, uint64_t *flags);

/* The register operand is a bit offset (BT*), kept within +-128 bits. */
#define BTREG 1u

#define OP_FN(name, text)                                                                          \
    static void name(volatile uint8_t *p, uint64_t *reg, uint64_t *flags)                          \
    {                                                                                              \
        uint64_t r = *reg, f = *flags;                                                             \
        __asm__ volatile("pushq %[f]\n\tpopfq\n\t" text "\n\tpushfq\n\tpopq %[f]"                  \
                         : [f] "+r"(f), [r] "+q"(r)                                                \
                         : [p] "r"(p)                                                              \
                         : "memory", "cc");                                                        \
        *reg = r;                                                                                  \
        *flags = f;                                                                                \
    }

#define ALU_FORMS(X, op, u)                                                                        \
    X(op##_rm8, #op "b %b[r], (%[p])", 1, u, 0)                                                    \
    X(op##_rm16, #op "w %w[r], (%[p])", 2, u, 0)                                                   \
    X(op##_rm32, #op "l %k[r], (%[p])", 4, u, 0)                                                   \
    X(op##_rm64, #op "q %[r], (%[p])", 8, u, 0)                                                    \
    X(op##_mr8, #op "b (%[p]), %b[r]", 1, u, 0)                                                    \
    X(op##_mr32, #op "l (%[p]), %k[r]", 4, u, 0)                                                   \
    X(op##_mr64, #op "q (%[p]), %[r]", 8, u, 0)                                                    \
    X(op##_ib8, #op "b $0x81, (%[p])", 1, u, 0)                                                    \
    X(op##_iw16, #op "w $0x4321, (%[p])", 2, u, 0)                                                 \
    X(op##_id32, #op "l $0x80000001, (%[p])", 4, u, 0)                                             \
    X(op##_ib64, #op "q $-3, (%[p])", 8, u, 0)

#define UNARY_FORMS(X, op)                                                                         \
    X(op##8, #op "b (%[p])", 1, 0, 0)                                                              \
    X(op##16, #op "w (%[p])", 2, 0, 0)                                                             \
    X(op##32, #op "l (%[p])", 4, 0, 0)                                                             \
    X(op##64, #op "q (%[p])", 8, 0, 0)

#define BT_FORMS(X, op)                                                                            \
    X(op##_r16, #op "w %w[r], (%[p])", 2, U_BT, BTREG)                                             \
    X(op##_r32, #op "l %k[r], (%[p])", 4, U_BT, BTREG)                                             \
    X(op##_r64, #op "q %[r], (%[p])", 8, U_BT, BTREG)                                              \
    X(op##_i, #op "q $70, (%[p])", 8, U_BT, 0)

/* X(name, instruction, operand size, undefined flags, kind) */
#define FORMS(X)                                                                                   \
    X(mov_st8, "movb %b[r], (%[p])", 1, 0, 0)                                                      \
    X(mov_st16, "movw %w[r], (%[p])", 2, 0, 0)                                                     \
    X(mov_st32, "movl %k[r], (%[p])", 4, 0, 0)                                                     \
    X(mov_st64, "movq %[r], (%[p])", 8, 0, 0)                                                      \
    X(mov_ld8, "movb (%[p]), %b[r]", 1, 0, 0)                                                      \
    X(mov_ld16, "movw (%[p]), %w[r]", 2, 0, 0)                                                     \
    X(mov_ld32, "movl (%[p]), %k[r]", 4, 0, 0)                                                     \
    X(mov_ld64, "movq (%[p]), %[r]", 8, 0, 0)                                                      \
    X(mov_i8, "movb $0xa5, (%[p])", 1, 0, 0)                                                       \
    X(mov_i16, "movw $0x8001, (%[p])", 2, 0, 0)                                                    \
    X(mov_i32, "movl $0x87654321, (%[p])", 4, 0, 0)                                                \
    X(mov_i64, "movq $-0x12345678, (%[p])", 8, 0, 0)                                               \
    X(movnti32, "movnti %k[r], (%[p])", 4, 0, 0)                                                   \
    X(movnti64, "movnti %[r], (%[p])", 8, 0, 0)                                                    \
    X(movzx_8_32, "movzbl (%[p]), %k[r]", 1, 0, 0)                                                 \
    X(movzx_8_16, "movzbw (%[p]), %w[r]", 1, 0, 0)                                                 \
    X(movzx_16_64, "movzwq (%[p]), %[r]", 2, 0, 0)                                                 \
    X(movsx_8_64, "movsbq (%[p]), %[r]", 1, 0, 0)                                                  \
    X(movsx_8_16, "movsbw (%[p]), %w[r]", 1, 0, 0)                                                 \
    X(movsx_16_32, "movswl (%[p]), %k[r]", 2, 0, 0)                                                \
    X(movsxd, "movslq (%[p]), %[r]", 4, 0, 0)                                                      \
    ALU_FORMS(X, add, 0)                                                                           \
    ALU_FORMS(X, or, U_LOGIC)                                                                      \
    ALU_FORMS(X, adc, 0)                                                                           \
    ALU_FORMS(X, sbb, 0)                                                                           \
    ALU_FORMS(X, and, U_LOGIC)                                                                     \
    ALU_FORMS(X, sub, 0)                                                                           \
    ALU_FORMS(X, xor, U_LOGIC)                                                                     \
    ALU_FORMS(X, cmp, 0)                                                                           \
    X(test_rm8, "testb %b[r], (%[p])", 1, U_LOGIC, 0)                                              \
    X(test_rm16, "testw %w[r], (%[p])", 2, U_LOGIC, 0)                                             \
    X(test_rm32, "testl %k[r], (%[p])", 4, U_LOGIC, 0)                                             \
    X(test_rm64, "testq %[r], (%[p])", 8, U_LOGIC, 0)                                              \
    X(test_ib8, "testb $0x81, (%[p])", 1, U_LOGIC, 0)                                              \
    X(test_id32, "testl $0x80000001, (%[p])", 4, U_LOGIC, 0)                                       \
    UNARY_FORMS(X, not )                                                                           \
    UNARY_FORMS(X, neg)                                                                            \
    UNARY_FORMS(X, inc)                                                                            \
    UNARY_FORMS(X, dec)                                                                            \
    X(xchg8, "xchgb %b[r], (%[p])", 1, 0, 0)                                                       \
    X(xchg16, "xchgw %w[r], (%[p])", 2, 0, 0)                                                      \
    X(xchg32, "xchgl %k[r], (%[p])", 4, 0, 0)                                                      \
    X(xchg64, "xchgq %[r], (%[p])", 8, 0, 0)                                                       \
    BT_FORMS(X, bt)                                                                                \
    BT_FORMS(X, bts)                                                                               \
    BT_FORMS(X, btr)                                                                               \
    BT_FORMS(X, btc)                                                                               \
    X(bt_i16, "btw $13, (%[p])", 2, U_BT, 0)                                                       \
    X(bts_i32, "btsl $31, (%[p])", 4, U_BT, 0)                                                     \
    X(lock_add32, "lock addl %k[r], (%[p])", 4, 0, 0)                                              \
    X(lock_xor64, "lock xorq %[r], (%[p])", 8, U_LOGIC, 0)                                         \
    X(lock_sbb8, "lock sbbb %b[r], (%[p])", 1, 0, 0)                                               \
    X(lock_inc16, "lock incw (%[p])", 2, 0, 0)                                                     \
    X(lock_neg64, "lock negq (%[p])", 8, 0, 0)                                                     \
    X(lock_bts64, "lock btsq %[r], (%[p])", 8, U_BT, BTREG)                                        \
    X(lock_btc32, "lock btcl $17, (%[p])", 4, U_BT, 0)

#define DEFINE_FN(name, text, size, undef, kind) OP_FN(op_##name, text)
FORMS(DEFINE_FN)

struct form {
    const char *name, *text;
    op_fn fn;
    unsigned size;
    uint64_t undefined;
    unsigned kind;
};
#define FORM_ENTRY(name, text, size, undef, kind) {#name, text, op_##name, size, undef, kind},
static const struct form forms[] = {FORMS(FORM_ENTRY)};
#define NFORMS (sizeof(forms) / sizeof(forms[0]))

static const struct form *form(const char *name)
{
    for (unsigned i = 0; i < NFORMS; i++) {
        if (!strcmp(forms[i].name, name))
            return &forms[i];
    }
    return NULL;
}

/* ---- values ---- */

static uint64_t rng = 0x9e3779b97f4a7c15ull;
uint64_t test_random(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 0x2545f4914f6cdd1dull;
}

uint64_t test_value(void)
{
    static const uint64_t special[] = {0,
                                       1,
                                       ~0ull,
                                       0x7f,
                                       0x80,
                                       0xff,
                                       0x7fff,
                                       0x8000,
                                       0xffff,
                                       0x7fffffff,
                                       0x80000000,
                                       0xffffffff,
                                       0x7fffffffffffffffull,
                                       0x8000000000000000ull,
                                       0x0f0f0f0f0f0f0f0full};
    uint64_t r = test_random();
    switch (r % 4) {
    case 0:
        return special[(r >> 8) % (sizeof(special) / sizeof(special[0]))];
    case 1:
        return (r >> 8) & 0xff;
    default:
        return test_random();
    }
}

/* ---- one form on two places ---- */

#define AREA   48u /* bytes compared around the operand (BT reaches +-16) */
#define BEFORE 16u /* the operand's offset in the area */
#define CASES  12u

struct outcome {
    uint64_t mem, reg, flags;
};

static struct outcome run_one(const struct form *f, volatile uint8_t *p, uint64_t mem, uint64_t reg,
                              uint64_t flags)
{
    rt_store(p, f->size, mem);
    f->fn(p, &reg, &flags);
    return (struct outcome){rt_load(p, f->size), reg, flags};
}

static void fill_area(volatile uint8_t *a, uint64_t seed)
{
    for (unsigned i = 0; i < AREA; i += 8)
        rt_store(a + i, 8, seed * (i + 1) ^ 0xa5a5a5a5a5a5a5a5ull);
}

/* The bytes of the two areas, a quadword at a time; the first that
 * differs, or AREA. */
static unsigned area_differs(volatile uint8_t *a, volatile uint8_t *b)
{
    for (unsigned i = 0; i < AREA; i += 8) {
        if (rt_load(a + i, 8) != rt_load(b + i, 8))
            return i;
    }
    return AREA;
}

/* Runs CASES values through the form at p (the target) and at ref (RAM);
 * both areas start the same. true if all agreed. */
static bool compare_form(const struct form *f, volatile uint8_t *p, volatile uint8_t *ref,
                         char *why, size_t why_size)
{
    uint64_t seed = test_random();
    fill_area(p - BEFORE, seed);
    fill_area(ref - BEFORE, seed);
    uint64_t compared = STATUS_FLAGS & ~f->undefined;
    for (unsigned c = 0; c < CASES; c++) {
        uint64_t mem = test_value(), flags = rflags_base() | (test_random() & STATUS_FLAGS);
        uint64_t reg =
            (f->kind == BTREG) ? (uint64_t)((int64_t)(test_random() % 256) - 128) : test_value();
        struct outcome want = run_one(f, ref, mem, reg, flags);
        struct outcome got = run_one(f, p, mem, reg, flags);
        if (got.mem != want.mem || got.reg != want.reg || ((got.flags ^ want.flags) & compared)) {
            snformat(why, why_size,
                     "`%s` mem %#lx reg %#lx flags %#lx: got mem %#lx reg %#lx flags %#lx, RAM "
                     "gives mem %#lx reg %#lx flags %#lx",
                     f->text, mem, reg, flags, got.mem, got.reg, got.flags, want.mem, want.reg,
                     want.flags);
            return false;
        }
    }
    unsigned at = area_differs(p - BEFORE, ref - BEFORE);
    if (at < AREA) {
        snformat(why, why_size, "`%s`: the bytes at operand%+d differ from RAM's", f->text,
                 (int)at - (int)BEFORE);
        return false;
    }
    return true;
}

static uint8_t ram_ref[4096] __attribute__((aligned(4096)));

void test_forms(void)
{
    char why[320];
    unsigned bad = 0;
    for (unsigned i = 0; i < NFORMS; i++) {
        /* Operands at varying alignment, each in its own 64 bytes. */
        unsigned off = 64 + (i % 60) * 64 + (i % 8);
        bool ok = compare_form(&forms[i], target + off, ram_ref + off, why, sizeof(why));
        if (!ok && bad++ < 8)
            rt_fail(forms[i].name, "%s", why);
    }
    rt_check(!bad, "every form with a memory operand at 1/2/4/8 bytes agrees with RAM",
             "%u of %u forms differ (the first 8 above)", bad, (unsigned)NFORMS);
    rt_note("%u forms, %u values each, on %s", (unsigned)NFORMS, CASES,
            target_is_mmio ? "pc-testdev's window" : "RAM");
}

/* ---- known answers ---- */

struct known {
    const char *form;
    uint64_t mem, reg, flags_in;
    uint64_t want_mem, want_reg, want_flags; /* want_flags: the defined status flags */
};

static const struct known known[] = {
    /* 0x7f + 1: signed overflow, half carry, SF; PF of 0x80 is 0. */
    {"add_rm8", 0x7f, 1, 0, 0x80, 1, FL_OF | FL_SF | FL_AF},
    /* 0xffffffff + 1: carry out, zero, PF of 0x00 is 1. */
    {"add_rm32", 0xffffffff, 1, 0, 0, 1, FL_CF | FL_ZF | FL_PF | FL_AF},
    /* 0x8000 + 0x8000 into the register (upper bits kept: 16-bit). */
    {"adc_rm16", 0xffff, 0, FL_CF, 0, 0, FL_CF | FL_ZF | FL_PF | FL_AF},
    /* 0 - 1 = all ones: borrow, SF, PF, AF. */
    {"sub_rm64", 0, 1, 0, ~0ull, 1, FL_CF | FL_SF | FL_PF | FL_AF},
    /* 0x80 - 1 - CF = 0x7e: overflow, half borrow, PF (six ones). */
    {"sbb_rm8", 0x80, 1, FL_CF, 0x7e, 1, FL_OF | FL_AF | FL_PF},
    /* A 32-bit register result zero-extends. */
    {"xor_mr32", 0x12345678, 0xffffffff12345678ull, 0, 0x12345678, 0, FL_ZF | FL_PF},
    {"and_mr8", 0xf0, 0xabcdef0f, FL_CF | FL_OF, 0xf0, 0xabcdef00, FL_ZF | FL_PF},
    {"or_ib8", 0x01, 0, FL_CF, 0x81, 0, FL_SF | FL_PF},
    /* CMP leaves memory alone. */
    {"cmp_rm32", 5, 7, 0, 5, 7, FL_CF | FL_SF | FL_AF},
    {"test_id32", 0x80000000, 0, 0, 0x80000000, 0, FL_SF | FL_PF},
    /* NEG of the most negative value: itself, OF, CF. */
    {"neg8", 0x80, 0, 0, 0x80, 0, FL_OF | FL_CF | FL_SF},
    {"neg32", 0, 0, FL_CF, 0, 0, FL_ZF | FL_PF},
    /* INC keeps CF. */
    {"inc64", 0x7fffffffffffffffull, 0, FL_CF, 0x8000000000000000ull, 0,
     FL_CF | FL_OF | FL_SF | FL_AF | FL_PF},
    {"dec16", 0, 0, 0, 0xffff, 0, FL_SF | FL_AF | FL_PF},
    {"not32", 0x0f0f0f0f, 0, FL_ZF, 0xf0f0f0f0, 0, FL_ZF},
    /* MOVSX, MOVZX, MOVSXD, and a byte load merging into the register. */
    {"movsx_8_64", 0x80, 0, 0, 0x80, 0xffffffffffffff80ull, 0},
    {"movzx_16_64", 0x8001, ~0ull, 0, 0x8001, 0x8001, 0},
    {"movsxd", 0x80000000, 0, 0, 0x80000000, 0xffffffff80000000ull, 0},
    {"mov_ld8", 0x5a, 0x1122334455667788ull, 0, 0x5a, 0x112233445566775aull, 0},
    {"mov_ld32", 0x89abcdef, ~0ull, 0, 0x89abcdef, 0x89abcdef, 0},
    {"mov_i64", 0, 0, 0, 0xffffffffedcba988ull, 0, 0},
    {"xchg16", 0x1111, 0xaaaabbbbccccddddull, 0, 0xdddd, 0xaaaabbbbcccc1111ull, 0},
    /* BT: CF is the bit; BTS/BTR/BTC change it; immediate offsets are
     * taken modulo the size (70 -> bit 6). */
    {"bt_r64", 0x8000000000000000ull, 63, 0, 0x8000000000000000ull, 63, FL_CF},
    {"bts_r32", 0, 5, FL_CF, 0x20, 5, 0},
    {"btr_r16", 0xffff, 15, 0, 0x7fff, 15, FL_CF},
    {"btc_i", 0x40, 0, 0, 0, 0, FL_CF},
};

static bool known_on(const struct known *k, volatile uint8_t *p, char *why, size_t size)
{
    const struct form *f = form(k->form);
    if (!f) {
        snformat(why, size, "no form %s", k->form);
        return false;
    }
    uint64_t mask = STATUS_FLAGS & ~f->undefined;
    struct outcome o = run_one(f, p, k->mem, k->reg, rflags_base() | k->flags_in);
    if (o.mem == (k->want_mem & rt_size_mask(f->size)) && o.reg == k->want_reg &&
        (o.flags & mask) == (k->want_flags & mask))
        return true;
    snformat(why, size,
             "`%s` mem %#lx reg %#lx: mem %#lx reg %#lx flags %#lx, expected mem %#lx reg %#lx "
             "flags %#lx",
             f->text, k->mem, k->reg, o.mem, o.reg, o.flags & mask, k->want_mem, k->want_reg,
             k->want_flags & mask);
    return false;
}

void test_known_answers(void)
{
    char why[256];
    unsigned bad = 0, n = sizeof(known) / sizeof(known[0]);
    for (unsigned i = 0; i < n; i++) {
        bool ok = known_on(&known[i], target + 0x40 + 8 * i, why, sizeof(why)) &&
                  known_on(&known[i], ram_ref + 0x40 + 8 * i, why, sizeof(why));
        if (!ok && bad++ < 8)
            rt_fail(known[i].form, "%s", why);
    }
    rt_check(!bad,
             "known answers: results and defined flags as the SDM says, on the target and RAM",
             "%u of %u wrong", bad, n);
}

/* ---- across pages ---- */

/* A RAM reference with a page boundary at ref_cross + 4096. */
static uint8_t ref_cross[8192] __attribute__((aligned(4096)));

void test_crossings(void)
{
    static const char *const crossing[] = {
        "mov_st64", "mov_ld64", "mov_st32", "mov_ld16", "add_rm64", "sub_mr32", "xor_rm16",
        "adc_ib64", "inc32",    "neg64",    "xchg64",   "movsxd",   "test_rm64"};
    static const struct {
        unsigned page;
        const char *what;
    } places[] = {
        {PG_M0, "window page to window page"},
        {PG_M1, "window into RAM"},
        {PG_RAM, "RAM into the window"},
    };
    char why[320];
    for (unsigned w = 0; w < sizeof(places) / sizeof(places[0]); w++) {
        unsigned bad = 0, n = sizeof(crossing) / sizeof(crossing[0]);
        for (unsigned i = 0; i < n; i++) {
            const struct form *f = form(crossing[i]);
            /* The operand straddles the boundary by 1..size-1 bytes. */
            unsigned back = 1 + i % (f->size > 1 ? f->size - 1 : 1);
            volatile uint8_t *p = region(places[w].page, 0x1000 - back);
            if (!compare_form(f, p, ref_cross + 0x1000 - back, why, sizeof(why)) && bad++ < 4)
                rt_fail(places[w].what, "%s", why);
        }
        char what[96];
        snformat(what, sizeof(what), "accesses across a page boundary, %s, agree with RAM",
                 places[w].what);
        rt_check(!bad, what, "%u of %u forms differ", bad, n);
    }
}
