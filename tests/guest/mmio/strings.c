/*
 * MOVS, STOS and LODS on the window against a C model of the SDM's
 * definition: every element size, with and without REP (and F2, which
 * these take as REP), DF clear and set, 32-bit addressing (ESI, EDI, ECX
 * zero-extended), from the window into RAM, from RAM into it and within
 * it, across page boundaries, and a REP STOSB longer than one exit's
 * chunk. Registers (rSI, rDI, rCX, rAX) and the bytes of both areas.
 */
#include "access.h"
#include "mmio.h"
#include "probes.h"
#include <string.h>
#include <vireo/format.h>

enum kind { MOVS, STOS, LODS };

typedef void (*str_fn)(struct sregs *r, uint64_t df);

#define STR_FN(name, text)                                                                         \
    static void name(struct sregs *r, uint64_t df)                                                 \
    {                                                                                              \
        uint64_t si = r->si, di = r->di, cx = r->cx, ax = r->ax;                                   \
        __asm__ volatile("testq %[df], %[df]\n\tjz 1f\n\tstd\n1:\n\t" text "\n\tcld"               \
                         : "+S"(si), "+D"(di), "+c"(cx), "+a"(ax)                                  \
                         : [df] "r"(df)                                                            \
                         : "memory", "cc");                                                        \
        *r = (struct sregs){si, di, cx, ax};                                                       \
    }

/* X(name, instruction, kind, size, rep, 32-bit addressing) */
#define STRINGS(X)                                                                                 \
    X(rep_movsb, "rep movsb", MOVS, 1, true, false)                                                \
    X(rep_movsw, "rep movsw", MOVS, 2, true, false)                                                \
    X(rep_movsl, "rep movsl", MOVS, 4, true, false)                                                \
    X(rep_movsq, "rep movsq", MOVS, 8, true, false)                                                \
    X(movsb, "movsb", MOVS, 1, false, false)                                                       \
    X(movsq, "movsq", MOVS, 8, false, false)                                                       \
    X(repne_movsw, ".byte 0xf2\n\tmovsw", MOVS, 2, true, false)                                    \
    X(a32_rep_movsl, "addr32 rep movsl", MOVS, 4, true, true)                                      \
    X(rep_stosb, "rep stosb", STOS, 1, true, false)                                                \
    X(rep_stosw, "rep stosw", STOS, 2, true, false)                                                \
    X(rep_stosl, "rep stosl", STOS, 4, true, false)                                                \
    X(rep_stosq, "rep stosq", STOS, 8, true, false)                                                \
    X(stosw, "stosw", STOS, 2, false, false)                                                       \
    X(a32_rep_stosb, "addr32 rep stosb", STOS, 1, true, true)                                      \
    X(rep_lodsb, "rep lodsb", LODS, 1, true, false)                                                \
    X(rep_lodsw, "rep lodsw", LODS, 2, true, false)                                                \
    X(rep_lodsl, "rep lodsl", LODS, 4, true, false)                                                \
    X(rep_lodsq, "rep lodsq", LODS, 8, true, false)                                                \
    X(lodsl, "lodsl", LODS, 4, false, false)

#define STR_DEFINE(name, text, kind, size, rep, a32) STR_FN(str_##name, text)
STRINGS(STR_DEFINE)

struct string_form {
    const char *text;
    str_fn fn;
    enum kind kind;
    unsigned size;
    bool rep, a32;
};
#define STR_ENTRY(name, text, kind, size, rep, a32) {text, str_##name, kind, size, rep, a32},
static const struct string_form strings[] = {STRINGS(STR_ENTRY)};
#define NSTRINGS (sizeof(strings) / sizeof(strings[0]))

/* ---- the model ---- */

#define AREA 96u /* bytes of each area compared */

/* An area and its RAM shadow, which the model updates. */
struct area {
    volatile uint8_t *at;
    uint8_t shadow[AREA];
};

static void model(const struct string_form *f, struct sregs *r, bool df, struct area *src,
                  struct area *dst)
{
    uint64_t mask = rt_size_mask(f->size), amask = f->a32 ? 0xffffffffull : ~0ull;
    uint64_t n = f->rep ? r->cx & amask : 1;
    uint64_t step = df ? (uint64_t) - (int64_t)f->size : f->size;
    for (; n; n--) {
        uint64_t v = r->ax & mask;
        if (f->kind != STOS)
            memcpy(&v, src->shadow + ((r->si & amask) - (uint64_t)src->at), f->size);
        if (f->kind == LODS)
            r->ax = f->size >= 4 ? v : (r->ax & ~mask) | v;
        else
            memcpy(dst->shadow + ((r->di & amask) - (uint64_t)dst->at), &v, f->size);
        if (f->kind != STOS)
            r->si = (r->si + step) & amask;
        if (f->kind != LODS)
            r->di = (r->di + step) & amask;
        if (f->rep)
            r->cx = (r->cx - 1) & amask;
    }
}

static void fill(struct area *a)
{
    for (unsigned i = 0; i < AREA; i += 8) {
        uint64_t v = test_random();
        memcpy(a->shadow + i, &v, 8);
        rt_store(a->at + i, 8, v);
    }
}

/* The first quadword of the area that differs from its shadow, or AREA. */
static unsigned differs(const struct area *a)
{
    for (unsigned i = 0; i < AREA; i += 8) {
        uint64_t v;
        memcpy(&v, a->shadow + i, 8);
        if (rt_load(a->at + i, 8) != v)
            return i;
    }
    return AREA;
}

/* One case: count elements from the middle of the areas; false with why. */
static bool run_case(const struct string_form *f, bool df, unsigned count, struct area *src,
                     struct area *dst, char *why, size_t size)
{
    fill(src);
    if (dst != src)
        fill(dst);
    /* Start so that every element stays inside the areas either way. */
    uint64_t first = df ? AREA - 16 - f->size : 16;
    uint64_t junk = f->a32 ? 0xabcd000000000000ull : 0;
    struct sregs in = {
        .si = (uint64_t)src->at + first + (f->size > 1 ? 1 : 0) + junk,
        .di = (uint64_t)dst->at + first + junk,
        .cx = count | (f->a32 ? 0x5a5a000000000000ull : 0),
        .ax = test_value(),
    };
    struct sregs want = in, got = in;
    f->fn(&got, df);
    model(f, &want, df, src, dst);
    unsigned at_src = differs(src), at_dst = dst != src ? differs(dst) : AREA;
    if (got.si == want.si && got.di == want.di && got.cx == want.cx && got.ax == want.ax &&
        at_src == AREA && at_dst == AREA)
        return true;
    snformat(why, size,
             "`%s` DF=%d count %u: rsi %#lx rdi %#lx rcx %#lx rax %#lx, expected %#lx %#lx %#lx "
             "%#lx; source bytes %s at %u, destination %s at %u",
             f->text, df, count, got.si, got.di, got.cx, got.ax, want.si, want.di, want.cx, want.ax,
             at_src == AREA ? "agree" : "differ", at_src, at_dst == AREA ? "agree" : "differ",
             at_dst);
    return false;
}

static uint8_t ram_areas[2][AREA] __attribute__((aligned(64)));
static struct area window_a, window_b, ram_a, ram_b, cross_a, cross_b;

static void areas(void)
{
    window_a.at = target + 0x1000;
    window_b.at = target + 0x1200;
    ram_a.at = ram_areas[0];
    ram_b.at = ram_areas[1];
    cross_a.at = region(PG_M0, 0x1000 - AREA / 2); /* window page to window page */
    cross_b.at = region(PG_M1, 0x1000 - AREA / 2); /* window page into RAM */
}

void test_strings(void)
{
    areas();
    static const unsigned counts[] = {0, 1, 4, 9};
    char why[320];
    unsigned bad = 0, cases = 0;
    for (unsigned i = 0; i < NSTRINGS; i++) {
        const struct string_form *f = &strings[i];
        /* (source, destination) pairs: from the window, into it, within
         * it, across its pages; STOS has no source, LODS no destination. */
        struct area *pairs[][2] = {
            {&window_a, &ram_a}, {&ram_a, &window_b}, {&window_a, &window_b}, {&cross_a, &cross_b}};
        unsigned npairs = f->kind == MOVS ? 4 : 2;
        for (unsigned pi = 0; pi < npairs; pi++) {
            struct area *src = pairs[pi][0], *dst = pairs[pi][1];
            if (f->kind == STOS)
                src = dst = pi ? &cross_a : &window_b;
            else if (f->kind == LODS)
                src = dst = pi ? &cross_b : &window_a;
            bool high = (uint64_t)src->at >> 32 || (uint64_t)dst->at >> 32;
            if (f->a32 && high)
                continue; /* ESI/EDI reach only the low 4 GiB */
            for (unsigned df = 0; df < 2; df++) {
                for (unsigned c = 0; c < (f->rep ? 4u : 1u); c++) {
                    unsigned count = f->rep ? counts[c] : 1;
                    /* No count 0 with 32-bit addressing: what it leaves in
                     * bits 63:32 of RSI, RDI, RCX is undocumented (Intel
                     * clears some; AMD and QEMU none; Bochs RSI and RDI). */
                    if (f->size * count > AREA - 32 || (f->a32 && !count))
                        continue;
                    cases++;
                    if (!run_case(f, df, count, src, dst, why, sizeof(why)) && bad++ < 8)
                        rt_fail(f->text, "%s", why);
                }
            }
        }
    }
    rt_check(!bad, "MOVS, STOS, LODS (REP, F2, DF, 32-bit addressing) as the SDM defines them",
             "%u of %u cases differ", bad, cases);

    /* A REP STOSB longer than an exit's chunk (4096 elements). */
    struct sregs r = {.di = (uint64_t)target + 0x2000, .cx = 5000, .ax = 0x3c};
    str_rep_stosb(&r, 0);
    bool ok = r.cx == 0 && r.di == (uint64_t)target + 0x2000 + 5000;
    for (unsigned off = 0; off < 5000 && ok; off += 499)
        ok = rt_load(target + 0x2000 + off, 1) == 0x3c;
    ok = ok && rt_load(target + 0x2000 + 4095, 2) == 0x3c3c &&
         rt_load(target + 0x2000 + 4999, 1) == 0x3c;
    rt_check(ok, "REP STOSB of 5000 bytes into the window", "rcx %#lx rdi %#lx", r.cx, r.di);
}
