/*
 * The emulator against the host CPU (issue 5 item 10): random instances of
 * every emulated form in 64-bit mode (prefixes 66/67/F0/F2/F3, ES CS SS DS
 * and GS overrides, REX, every ModRM/SIB/displacement combination,
 * RIP-relative and absolute moffs, 8/16/32/64-bit operands, BT's register
 * bit offsets reaching outside the operand, REP strings with DF either
 * way) with random registers, flags and memory. Each runs natively
 * (emul_native.S, on a data window mapped at the same linear address) and
 * through insn_decode + emul_insn (the window's pages MMIO or RAM, so
 * accesses cross from MMIO into RAM and back); registers, RFLAGS' status
 * flags and DF, RIP and the window must agree. Flags the SDM leaves
 * undefined (AF after AND/OR/XOR/TEST; OF SF AF PF after BT*) are masked
 * out of the comparison and counted apart: how often the host's choice
 * matched the emulator's is printed.
 *
 *   vmm_emul_diff [SEED [CASES]]    (defaults: seed 1, 120000 cases)
 */
#define _GNU_SOURCE
#include "check.h"
#include "emul_alu.h"
#include "emul_harness.h"
#include <asm/ldt.h>
#include <asm/prctl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define DATA     0x10000000ull /* the window, at the same linear address natively */
#define GS_BASE  0x0f000000ull /* GS base, native and emulated */
#define STUB     0x20000000ull /* the native runner's page */
#define WINDOW   (EH_PAGES * 4096u)
#define DEFAULTS 120000u

extern const u8 emul_native_begin[], emul_native_slot[], emul_native_end[];
extern u8 emul_native32_begin[], emul_native32_slot[], emul_native32_ctx[], emul_native32_end[];
#define STUB32  0x20100000ull /* emul_native32.S's fixed address */
#define LDT_SEL 0x7u          /* LDT entry 0, RPL 3: 16-bit data based at the window */

/* The case's mode: 64-bit, or compatibility mode (32-bit code, ES and GS
 * the LDT segment, DS and SS flat). */
static bool compat32;

struct ctx {
    u64 gpr[16]; /* x86 order */
    u64 rflags;
};
typedef void (*native_fn)(struct ctx *);
static native_fn native;
static u8 *slot;

/* ---- random numbers (xorshift64*), seedable ---- */

static u64 rng;
static u64 rnd(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 0x2545f4914f6cdd1dull;
}
static u32 below(u32 n)
{
    return (u32)(rnd() % n);
}
static bool chance(u32 percent)
{
    return below(100) < percent;
}
/* Values that make flags interesting: small, boundaries, random. */
static u64 value(void)
{
    static const u64 special[] = {0,
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
    switch (below(4)) {
    case 0:
        return special[below(sizeof(special) / sizeof(special[0]))];
    case 1:
        return rnd() & 0xff;
    default:
        return rnd();
    }
}

/* ---- the forms ---- */

enum imm { NO_IMM, IMM8, IMMZ }; /* IMMZ: 2 bytes with 66, else 4 */
#define FM_LOCK   1u             /* takes LOCK (the r/m is the destination) */
#define FM_STRING 2u
#define FM_BT_REG 4u /* the reg field is a bit offset */
#define FM_MOFFS  8u
#define FM_LOGIC  16u /* AF undefined */
#define FM_BT     32u /* OF SF AF PF undefined */
#define FM_ONLY64 64u /* 63 is ARPL outside 64-bit mode */

struct form {
    u8 op[2], oplen;
    int digit; /* the ModRM reg field, or -1: random */
    enum imm imm;
    u32 flags;
};

#define ALU_FORMS(base, lock, logic)                                                               \
    {{base + 0}, 1, -1, NO_IMM, lock | logic}, {{base + 1}, 1, -1, NO_IMM, lock | logic},          \
        {{base + 2}, 1, -1, NO_IMM, logic},                                                        \
    {                                                                                              \
        {base + 3}, 1, -1, NO_IMM, logic                                                           \
    }
#define GROUP1(digit, lock, logic)                                                                 \
    {{0x80}, 1, digit, IMM8, lock | logic}, {{0x81}, 1, digit, IMMZ, lock | logic},                \
    {                                                                                              \
        {0x83}, 1, digit, IMM8, lock | logic                                                       \
    }

static const struct form forms[] = {
    /* MOV, MOVNTI, MOVZX, MOVSX, MOVSXD */
    {{0x88}, 1, -1, NO_IMM, 0},
    {{0x89}, 1, -1, NO_IMM, 0},
    {{0x8a}, 1, -1, NO_IMM, 0},
    {{0x8b}, 1, -1, NO_IMM, 0},
    {{0xc6}, 1, 0, IMM8, 0},
    {{0xc7}, 1, 0, IMMZ, 0},
    {{0xa0}, 1, -1, NO_IMM, FM_MOFFS},
    {{0xa1}, 1, -1, NO_IMM, FM_MOFFS},
    {{0xa2}, 1, -1, NO_IMM, FM_MOFFS},
    {{0xa3}, 1, -1, NO_IMM, FM_MOFFS},
    {{0x0f, 0xc3}, 2, -1, NO_IMM, 0},
    {{0x0f, 0xb6}, 2, -1, NO_IMM, 0},
    {{0x0f, 0xb7}, 2, -1, NO_IMM, 0},
    {{0x0f, 0xbe}, 2, -1, NO_IMM, 0},
    {{0x0f, 0xbf}, 2, -1, NO_IMM, 0},
    {{0x63}, 1, -1, NO_IMM, FM_ONLY64},
    /* ADD OR ADC SBB AND SUB XOR CMP */
    ALU_FORMS(0x00, FM_LOCK, 0),
    ALU_FORMS(0x08, FM_LOCK, FM_LOGIC),
    ALU_FORMS(0x10, FM_LOCK, 0),
    ALU_FORMS(0x18, FM_LOCK, 0),
    ALU_FORMS(0x20, FM_LOCK, FM_LOGIC),
    ALU_FORMS(0x28, FM_LOCK, 0),
    ALU_FORMS(0x30, FM_LOCK, FM_LOGIC),
    ALU_FORMS(0x38, 0, 0),
    GROUP1(0, FM_LOCK, 0),
    GROUP1(1, FM_LOCK, FM_LOGIC),
    GROUP1(2, FM_LOCK, 0),
    GROUP1(3, FM_LOCK, 0),
    GROUP1(4, FM_LOCK, FM_LOGIC),
    GROUP1(5, FM_LOCK, 0),
    GROUP1(6, FM_LOCK, FM_LOGIC),
    GROUP1(7, 0, 0),
    /* TEST, NOT, NEG, INC, DEC */
    {{0x84}, 1, -1, NO_IMM, FM_LOGIC},
    {{0x85}, 1, -1, NO_IMM, FM_LOGIC},
    {{0xf6}, 1, 0, IMM8, FM_LOGIC},
    {{0xf7}, 1, 0, IMMZ, FM_LOGIC},
    {{0xf6}, 1, 2, NO_IMM, FM_LOCK},
    {{0xf7}, 1, 2, NO_IMM, FM_LOCK},
    {{0xf6}, 1, 3, NO_IMM, FM_LOCK},
    {{0xf7}, 1, 3, NO_IMM, FM_LOCK},
    {{0xfe}, 1, 0, NO_IMM, FM_LOCK},
    {{0xfe}, 1, 1, NO_IMM, FM_LOCK},
    {{0xff}, 1, 0, NO_IMM, FM_LOCK},
    {{0xff}, 1, 1, NO_IMM, FM_LOCK},
    /* XCHG */
    {{0x86}, 1, -1, NO_IMM, FM_LOCK},
    {{0x87}, 1, -1, NO_IMM, FM_LOCK},
    /* BT BTS BTR BTC */
    {{0x0f, 0xa3}, 2, -1, NO_IMM, FM_BT_REG | FM_BT},
    {{0x0f, 0xab}, 2, -1, NO_IMM, FM_BT_REG | FM_BT | FM_LOCK},
    {{0x0f, 0xb3}, 2, -1, NO_IMM, FM_BT_REG | FM_BT | FM_LOCK},
    {{0x0f, 0xbb}, 2, -1, NO_IMM, FM_BT_REG | FM_BT | FM_LOCK},
    {{0x0f, 0xba}, 2, 4, IMM8, FM_BT},
    {{0x0f, 0xba}, 2, 5, IMM8, FM_BT | FM_LOCK},
    {{0x0f, 0xba}, 2, 6, IMM8, FM_BT | FM_LOCK},
    {{0x0f, 0xba}, 2, 7, IMM8, FM_BT | FM_LOCK},
    /* MOVS STOS LODS */
    {{0xa4}, 1, -1, NO_IMM, FM_STRING},
    {{0xa5}, 1, -1, NO_IMM, FM_STRING},
    {{0xaa}, 1, -1, NO_IMM, FM_STRING},
    {{0xab}, 1, -1, NO_IMM, FM_STRING},
    {{0xac}, 1, -1, NO_IMM, FM_STRING},
    {{0xad}, 1, -1, NO_IMM, FM_STRING},
};
#define FORMS (sizeof(forms) / sizeof(forms[0]))

/* ---- one case ---- */

struct testcase {
    const struct form *f;
    u8 bytes[15];
    u32 len;
    ZydisDecodedInstruction zi;
    ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
    struct ctx in;
    bool ram[EH_PAGES];
    u8 mem[WINDOW];
};

static ZydisDecoder decoder64, decoder32;

/* Decodes the bytes; the case is as long as the instruction. */
static bool decode(struct testcase *t)
{
    ZydisDecoder *d = compat32 ? &decoder32 : &decoder64;
    if (ZYAN_FAILED(ZydisDecoderDecodeFull(d, t->bytes, t->len, &t->zi, t->ops)))
        return false;
    t->len = t->zi.length;
    return true;
}

/* The base of a segment register as the cases set them up. */
static u64 segment_base(ZydisRegister seg)
{
    if (seg == ZYDIS_REGISTER_GS)
        return compat32 ? DATA : GS_BASE;
    return compat32 && seg == ZYDIS_REGISTER_ES ? DATA : 0;
}

static void put_le(u8 *p, u64 v, u32 n)
{
    for (u32 i = 0; i < n; i++)
        p[i] = (u8)(v >> (8 * i));
}

static void emit(struct testcase *t, u8 b)
{
    if (t->len < sizeof(t->bytes))
        t->bytes[t->len++] = b;
}

/* Random bytes of the form: prefixes, REX, opcode, ModRM (a memory
 * operand), SIB, displacement, immediate. */
static void encode(struct testcase *t, const struct form *f)
{
    /* Compatibility mode: no CS override (a write through it faults), and
     * 16-bit addressing only through ES or GS (DS and SS are flat: the
     * window is beyond 64 KiB there). */
    static const u8 segs[] = {0x26, 0x2e, 0x36, 0x3e, 0x65}, segs32[] = {0x26, 0x36, 0x3e, 0x65};
    t->len = 0;
    bool opsize = chance(30), asize = chance(compat32 ? 40 : 25), addr16 = compat32 && asize;
    u8 pre[4];
    u32 npre = 0;
    if (opsize)
        pre[npre++] = 0x66;
    if (asize)
        pre[npre++] = 0x67;
    if (addr16)
        pre[npre++] = chance(50) ? 0x26 : 0x65;
    else if (chance(25))
        pre[npre++] = compat32 ? segs32[below(sizeof(segs32))] : segs[below(sizeof(segs))];
    if ((f->flags & FM_LOCK) && chance(30))
        pre[npre++] = 0xf0;
    else if ((f->flags & FM_STRING) && chance(70))
        pre[npre++] = chance(80) ? 0xf3 : 0xf2;
    for (u32 i = npre; i > 1; i--) { /* any order */
        u32 j = below(i);
        u8 b = pre[i - 1];
        pre[i - 1] = pre[j];
        pre[j] = b;
    }
    for (u32 i = 0; i < npre; i++)
        emit(t, pre[i]);
    if (!compat32 && chance(50))
        emit(t, (u8)(0x40 | below(16)));
    for (u32 i = 0; i < f->oplen; i++)
        emit(t, f->op[i]);
    if (f->flags & FM_MOFFS) {
        u32 n = addr16 ? 2 : (asize || compat32) ? 4 : 8;
        for (u32 i = 0; i < n; i++)
            emit(t, 0); /* the address: set once decoded */
        return;
    }
    if (!(f->flags & FM_STRING)) {
        u32 mod = below(3), reg = f->digit >= 0 ? (u32)f->digit : below(8), rm = below(8);
        emit(t, (u8)(mod << 6 | reg << 3 | rm));
        u32 disp;
        if (addr16) { /* no SIB; disp16 alone at mod 0, rm 6 */
            disp = mod == 1 ? 1 : mod == 2 ? 2 : rm == 6 ? 2 : 0;
        } else {
            if (rm == 4)
                emit(t, (u8)below(256));
            disp = mod == 1 ? 1 : mod == 2 ? 4 : 0;
            if (mod == 0 && (rm == 5 || (rm == 4 && (t->bytes[t->len - 1] & 7) == 5)))
                disp = 4;
        }
        for (u32 i = 0; i < disp; i++)
            emit(t, (u8)rnd());
    }
    u32 imm = f->imm == IMM8 ? 1 : f->imm == IMMZ ? (opsize ? 2 : 4) : 0;
    for (u32 i = 0; i < imm; i++)
        emit(t, (u8)rnd());
}

static int gpr_index(ZydisRegister r)
{
    ZydisRegister big = ZydisRegisterGetLargestEnclosing(ZYDIS_MACHINE_MODE_LONG_64, r);
    return big >= ZYDIS_REGISTER_RAX && big <= ZYDIS_REGISTER_R15 ? (int)(big - ZYDIS_REGISTER_RAX)
                                                                  : -1;
}

/* Sets a register's low `bytes` to v, leaving junk above (the CPU must
 * ignore it). */
static void set_low(struct ctx *c, ZydisRegister r, u64 v, u32 bytes)
{
    int i = gpr_index(r);
    u64 m = alu_mask(bytes);
    c->gpr[i] = (c->gpr[i] & ~m) | (v & m);
}

static u64 random_target(u32 size)
{
    u32 off;
    if (chance(30)) /* at a page boundary: crossing or just inside */
        off = (1 + below(EH_PAGES - 1)) * 4096u - size + below(2 * size - 1);
    else
        off = below(WINDOW - size + 1);
    if (off > WINDOW - size)
        off = WINDOW - size;
    return DATA + off;
}

/* Makes the memory operand address `target`: registers for base and
 * index (with junk above the address size), the displacement or moffs
 * patched where there is no base. false: no way (base == index, or the
 * bit offset register is part of the address). */
static bool aim(struct testcase *t, const ZydisDecodedOperand *m, u64 ea_linear, int avoid)
{
    u32 aw = t->zi.address_width / 8;
    u64 amask = alu_mask(aw);
    u64 ea = ea_linear - segment_base(m->mem.segment);
    ZydisRegister base = m->mem.base, index = m->mem.index;
    /* Zydis 4.0 says [r13d] for SIB base 101, mod 00, REX.B, 32-bit
     * addressing: it is a disp32 (see emul_operand.c). */
    if (aw == 4 && (t->zi.attributes & ZYDIS_ATTRIB_HAS_SIB) && t->zi.raw.modrm.mod == 0 &&
        t->zi.raw.sib.base == 5)
        base = ZYDIS_REGISTER_NONE;
    bool rip = base == ZYDIS_REGISTER_RIP || base == ZYDIS_REGISTER_EIP;
    if (base != ZYDIS_REGISTER_NONE && !rip && gpr_index(base) == avoid)
        return false;
    if (index != ZYDIS_REGISTER_NONE && gpr_index(index) == avoid)
        return false;
    if (base != ZYDIS_REGISTER_NONE && index != ZYDIS_REGISTER_NONE &&
        gpr_index(base) == gpr_index(index))
        return false;
    u64 disp = m->mem.disp.has_displacement ? (u64)m->mem.disp.value : 0;
    u64 iv = 0;
    if (index != ZYDIS_REGISTER_NONE) {
        iv = base == ZYDIS_REGISTER_NONE ? below(1u << 24) : value();
        set_low(&t->in, index, iv, aw);
        iv &= amask;
    }
    u64 rest = (ea - iv * m->mem.scale) & amask;
    if (rip) {
        u64 next = (u64)(uintptr_t)slot + t->len;
        u64 d = (rest - next) & amask;
        put_le(t->bytes + t->zi.raw.disp.offset, d, 4);
    } else if (base == ZYDIS_REGISTER_NONE) {
        put_le(t->bytes + t->zi.raw.disp.offset, rest, t->zi.raw.disp.size / 8);
        if (t->zi.raw.disp.size == 32 && aw == 8 && rest >= 0x80000000u)
            return false; /* a sign-extended disp32 cannot reach it */
    } else {
        set_low(&t->in, base, rest - disp, aw);
    }
    return true;
}

/* The string form's registers: rSI, rDI in the address size (junk above,
 * the source perhaps GS-based), rCX a small count, DF either way. */
static void aim_string(struct testcase *t)
{
    u32 aw = t->zi.address_width / 8, size = t->zi.operand_width / 8;
    u32 count = chance(20) ? below(64) : below(9);
    bool down = chance(40);
    t->in.rflags = (t->in.rflags & ~RFLAGS_DF) | (down ? RFLAGS_DF : 0);
    set_low(&t->in, ZYDIS_REGISTER_RCX, count, aw);
    u32 span = (count ? count : 1) * size;
    u64 base[2] = {0, segment_base(ZYDIS_REGISTER_ES)};
    for (u32 i = 0; i < t->zi.operand_count; i++) {
        const ZydisDecodedOperand *o = &t->ops[i];
        if (o->type == ZYDIS_OPERAND_TYPE_MEMORY && gpr_index(o->mem.base) == 6)
            base[0] = segment_base(o->mem.segment);
    }
    static const ZydisRegister idx[2] = {ZYDIS_REGISTER_RSI, ZYDIS_REGISTER_RDI};
    for (u32 k = 0; k < 2; k++) {
        u32 lo = down ? span - size : 0, hi = down ? WINDOW - size : WINDOW - span;
        u64 linear = DATA + lo + below(hi - lo + 1);
        set_low(&t->in, idx[k], linear - base[k], aw);
    }
}

/* A random valid case; false: the bytes did not make one (try again). */
static bool make(struct testcase *t)
{
    memset(t, 0, offsetof(struct testcase, mem));
    const struct form *f = &forms[below(FORMS)];
    if (compat32 && (f->flags & FM_ONLY64))
        return false;
    t->f = f;
    encode(t, f);
    if (!decode(t))
        return false;
    for (u32 i = 0; i < 16; i++)
        t->in.gpr[i] = value();
    t->in.rflags = RFLAGS_FIXED1 | (rnd() & ALU_FLAGS);
    if (f->flags & FM_STRING) {
        aim_string(t);
    } else {
        const ZydisDecodedOperand *m = NULL;
        for (u32 i = 0; i < t->zi.operand_count_visible; i++) {
            if (t->ops[i].type == ZYDIS_OPERAND_TYPE_MEMORY)
                m = &t->ops[i];
        }
        if (!m || m->mem.type != ZYDIS_MEMOP_TYPE_MEM)
            return false;
        u32 size = m->size / 8;
        u64 target = random_target(size);
        int avoid = -1;
        if (f->flags & FM_BT_REG) {
            /* The bit offset: up to two pages either way, junk above the
             * operand size. */
            const ZydisDecodedOperand *r = &t->ops[1];
            s64 reach = size == 2 ? 2048 : 8192 / (s64)size; /* a 16-bit offset: +-2^15 bits */
            s64 words = (s64)below((u32)(2 * reach)) - reach;
            u64 off = (u64)(words * (s64)size * 8) + below(size * 8);
            set_low(&t->in, r->reg.value, off, size);
            avoid = gpr_index(r->reg.value);
            target -= (u64)(words * (s64)size);
        }
        if (!aim(t, m, target, avoid))
            return false;
        if (!decode(t)) /* the patched bytes decode the same */
            return false;
    }
    for (u32 i = 0; i < WINDOW; i += 8) {
        u64 v = rnd();
        memcpy(t->mem + i, &v, 8);
    }
    for (u32 i = 0; i < EH_PAGES; i++)
        t->ram[i] = chance(40);
    return true;
}

/* ---- running it ---- */

static u8 *window_native = (u8 *)(uintptr_t)DATA;

/* The slot the case's instruction runs in (its RIP). */
static u8 *case_slot(void)
{
    return compat32 ? (u8 *)(uintptr_t)(STUB32 + (emul_native32_slot - emul_native32_begin)) : slot;
}

/* emul_native32.S's context in its copy: eax..edi, eflags, es, gs. */
struct ctx32 {
    u32 gpr[8], eflags, es, gs;
};

static void run_native(const struct testcase *t, struct ctx *out)
{
    u8 *at = case_slot();
    memset(at, 0x90, 32);
    memcpy(at, t->bytes, t->len);
    memcpy(window_native, t->mem, WINDOW);
    *out = t->in;
    if (!compat32) {
        native(out);
        return;
    }
    struct ctx32 *c =
        (struct ctx32 *)(uintptr_t)(STUB32 + (emul_native32_ctx - emul_native32_begin));
    for (u32 i = 0; i < 8; i++)
        c->gpr[i] = (u32)t->in.gpr[i];
    c->eflags = (u32)t->in.rflags;
    c->es = c->gs = LDT_SEL;
    ((native_fn)(uintptr_t)STUB32)(NULL);
    for (u32 i = 0; i < 8; i++)
        out->gpr[i] = c->gpr[i];
    out->rflags = c->eflags;
}

static u64 *state_gpr(struct vireo_vcpu_state *s, u32 i)
{
    u64 *const regs[16] = {&s->rax, &s->rcx, &s->rdx, &s->rbx, &s->rsp, &s->rbp, &s->rsi, &s->rdi,
                           &s->r8,  &s->r9,  &s->r10, &s->r11, &s->r12, &s->r13, &s->r14, &s->r15};
    return regs[i];
}

static enum emul_status run_emulated(const struct testcase *t, struct vireo_vcpu_state *s)
{
    eh_reset();
    u64 code = (u64)(uintptr_t)case_slot() & ~0xfffull;
    eh_map(code, EH_CODE_GPA, PTE_P | PTE_W | PTE_U);
    memcpy(fake_vm.ram + EH_CODE_GPA, (void *)(uintptr_t)code, 4096);
    eh_map_window(DATA, t->ram, PTE_P | PTE_W | PTE_U);
    for (u32 i = 0; i < EH_PAGES; i++)
        memcpy(eh_page(i, t->ram), t->mem + i * 4096, 4096);
    eh_state64(s, (u64)(uintptr_t)case_slot());
    for (u32 i = 0; i < 16; i++)
        *state_gpr(s, i) = t->in.gpr[i];
    s->rflags = t->in.rflags;
    s->gs.base = GS_BASE;
    if (compat32) {
        /* CS.L clear; ES and GS the LDT's 16-bit data segment. */
        s->cs.ar = (u16)((s->cs.ar & ~VIREO_MASK(SVM_ATTR, L)) | VIREO_PUT(SVM_ATTR, DB, 1));
        struct vireo_seg ldt = {
            .sel = LDT_SEL, .ar = 0x3 | 1u << 4 | 3u << 5 | 1u << 7, .limit = 0xffff, .base = DATA};
        s->es = s->gs = ldt;
    }
    struct exit_ctx x = {.vm = &fake_vm, .s = s, .changed = 0};
    return eh_run(&x);
}

static const char *const reg_names[16] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                                          "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};

static void describe(const struct testcase *t, unsigned n, u64 seed, const char *why)
{
    ZydisFormatter fmt;
    char text[128] = "?";
    ZydisFormatterInit(&fmt, ZYDIS_FORMATTER_STYLE_INTEL);
    ZydisFormatterFormatInstruction(&fmt, &t->zi, t->ops, t->zi.operand_count_visible, text,
                                    sizeof(text), (u64)(uintptr_t)case_slot(), NULL);
    fprintf(stderr, "vmm_emul_diff: case %u (seed %llu, %s): %s\n  bytes:", n,
            (unsigned long long)seed, compat32 ? "compatibility mode" : "64-bit mode", why);
    for (u32 i = 0; i < t->len; i++)
        fprintf(stderr, " %02x", t->bytes[i]);
    fprintf(stderr, "  (%s)\n  in: rflags %#llx", text, (unsigned long long)t->in.rflags);
    for (u32 i = 0; i < 16; i++)
        fprintf(stderr, "%s %s=%#llx", i % 4 ? "" : "\n ", reg_names[i],
                (unsigned long long)t->in.gpr[i]);
    fprintf(stderr, "\n  window pages RAM: %d %d %d %d\n", t->ram[0], t->ram[1], t->ram[2],
            t->ram[3]);
}

static unsigned failures, undefined_cases, undefined_agree;
static bool trace; /* EMUL_DIFF_TRACE set: each case described before it runs */

/* One case; false at a mismatch (described). */
static bool compare(const struct testcase *t, unsigned n, u64 seed)
{
    struct ctx hw;
    struct vireo_vcpu_state s;
    if (trace)
        describe(t, n, seed, "about to run");
    run_native(t, &hw);
    enum emul_status st = run_emulated(t, &s);
    char why[512] = "";
    u64 undefined = (t->f->flags & FM_LOGIC) ? RFLAGS_AF
                    : (t->f->flags & FM_BT)  ? RFLAGS_OF | RFLAGS_SF | RFLAGS_AF | RFLAGS_PF
                                             : 0;
    u64 compared = (ALU_FLAGS | RFLAGS_DF) & ~undefined;
    if (st != EMUL_DONE || s.inj_info || fake_stops || eh_bad || eh_outside) {
        snprintf(why, sizeof(why), "emulation: status %d, inj_info %#x, %u stops (%s), %u bad MMIO",
                 st, s.inj_info, fake_stops, fake_stop_line, eh_bad + eh_outside);
    } else if (s.rip != (u64)(uintptr_t)case_slot() + t->len) {
        snprintf(why, sizeof(why), "rip %#llx, not after the instruction",
                 (unsigned long long)s.rip);
    } else if ((s.rflags ^ hw.rflags) & compared) {
        snprintf(why, sizeof(why), "rflags: emulated %#llx, hardware %#llx (compared %#llx)",
                 (unsigned long long)s.rflags, (unsigned long long)hw.rflags,
                 (unsigned long long)compared);
    }
    /* Compatibility mode: the 32-bit registers (bits 63:32 are not
     * visible there). */
    u64 visible = compat32 ? 0xffffffffull : ~0ull;
    for (u32 i = 0; !why[0] && i < (compat32 ? 8u : 16u); i++) {
        if ((*state_gpr(&s, i) ^ hw.gpr[i]) & visible)
            snprintf(why, sizeof(why), "%s: emulated %#llx, hardware %#llx", reg_names[i],
                     (unsigned long long)*state_gpr(&s, i), (unsigned long long)hw.gpr[i]);
    }
    for (u32 p = 0; !why[0] && p < EH_PAGES; p++) {
        const u8 *e = eh_page(p, t->ram), *h = window_native + p * 4096;
        for (u32 i = 0; !why[0] && memcmp(e, h, 4096) && i < 4096; i++) {
            if (e[i] != h[i])
                snprintf(why, sizeof(why), "memory at window +%#x: emulated %#x, hardware %#x",
                         p * 4096 + i, e[i], h[i]);
        }
    }
    if (undefined) {
        undefined_cases++;
        undefined_agree += !((s.rflags ^ hw.rflags) & undefined);
    }
    if (!why[0])
        return true;
    if (!failures++)
        describe(t, n, seed, why);
    return false;
}

static void setup(void)
{
    void *w = mmap((void *)(uintptr_t)DATA, WINDOW, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    void *p = mmap((void *)(uintptr_t)STUB, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (w != (void *)(uintptr_t)DATA || p != (void *)(uintptr_t)STUB) {
        perror("vmm_emul_diff: mmap");
        exit(1);
    }
    size_t n = (size_t)(emul_native_end - emul_native_begin);
    memcpy(p, emul_native_begin, n);
    native = (native_fn)p;
    slot = (u8 *)p + (emul_native_slot - emul_native_begin);
    if (syscall(SYS_arch_prctl, ARCH_SET_GS, GS_BASE) != 0) {
        perror("vmm_emul_diff: arch_prctl");
        exit(1);
    }
    ZydisDecoderInit(&decoder64, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64);
    ZydisDecoderInit(&decoder32, ZYDIS_MACHINE_MODE_LONG_COMPAT_32, ZYDIS_STACK_WIDTH_32);
}

/* Compatibility mode needs the 32-bit runner at STUB32 and an LDT entry
 * (modify_ldt) for the 16-bit segment ES and GS hold; false (said) if
 * the host refuses either: those cases are then not run. */
static bool setup32(void)
{
    void *p = mmap((void *)(uintptr_t)STUB32, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    struct user_desc d = {
        .entry_number = LDT_SEL >> 3,
        .base_addr = (unsigned)DATA,
        .limit = 0xffff,
        .seg_32bit = 0,
        .contents = 0, /* data, expand-up */
        .useable = 1,
    };
    if (p != (void *)(uintptr_t)STUB32 || syscall(SYS_modify_ldt, 1, &d, sizeof(d)) != 0) {
        perror("vmm_emul_diff: no compatibility-mode cases: mmap or modify_ldt");
        return false;
    }
    memcpy(p, emul_native32_begin, (size_t)(emul_native32_end - emul_native32_begin));
    return true;
}

int main(int argc, char **argv)
{
    u64 seed = argc > 1 ? strtoull(argv[1], NULL, 0) : 1;
    unsigned cases = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 0) : DEFAULTS;
    rng = seed * 0x9e3779b97f4a7c15ull + 1;
    trace = getenv("EMUL_DIFF_TRACE") != NULL;
    setup();
    bool with32 = setup32();
    static struct testcase t;
    unsigned done = 0, tries = 0, done32 = 0, per_form[FORMS] = {0};
    while (done < cases) {
        tries++;
        compat32 = with32 && done % 3 == 2; /* a third in compatibility mode */
        if (!make(&t))
            continue;
        per_form[t.f - forms]++;
        CHECK(compare(&t, done, seed));
        if (compat32) /* leaving 32-bit code took GS's base */
            syscall(SYS_arch_prctl, ARCH_SET_GS, GS_BASE);
        done32 += compat32;
        done++;
    }
    unsigned least = ~0u;
    for (u32 i = 0; i < FORMS; i++)
        least = per_form[i] < least ? per_form[i] : least;
    CHECK(least > cases / FORMS / 4); /* every form was exercised */
    printf("vmm_emul_diff: seed %llu: %u cases (%u in compatibility mode; %u generated), at "
           "least %u per form; %u failed; undefined flags: the host agreed in %u of %u cases\n",
           (unsigned long long)seed, done, done32, tries, least, failures, undefined_agree,
           undefined_cases);
    return check_report("vmm_emul_diff");
}
