/*
 * Inside the emulator (emul.h): the instruction being emulated, its memory
 * accesses (emul_mem.c) and its operands (emul_operand.c). Functions that
 * return bool return false when they have injected an exception or the VM
 * was stopped: the instruction then ends there.
 */
#ifndef VIREO_VMM_EMUL_CTX_H
#define VIREO_VMM_EMUL_CTX_H

#include "emul.h"

struct emul {
    struct exit_ctx *x;
    struct vireo_vcpu_state *s;
    const struct insn *in;
    bool long64;   /* 64-bit mode: no segment checks, canonical addresses */
    u64 addr_mask; /* of the instruction's address size */
};

/* One memory access of 1 to 8 bytes, checked and translated: one part, or
 * two across a page boundary, each in RAM (ram set) or MMIO. */
struct emul_part {
    u64 linear, gpa;
    u8 *ram; /* NULL: MMIO */
    u32 len;
};
struct emul_span {
    u32 len, n;
    struct emul_part part[2];
};

/* The access of len bytes at seg:offset (access: 0 a read, GPT_WRITE a
 * write or read-modify-write): the segment or canonical check (#GP, #SS),
 * the alignment check (#AC), then both pages translated (#PF, CR2 the
 * first byte in the page that fails), all before anything is accessed. */
bool emul_span(struct emul *e, u32 seg, u64 offset, u32 len, u32 access, struct emul_span *sp);
/* The bytes, little-endian: RAM parts copied, MMIO parts as mmio_route
 * accesses (one per part of 1, 2, 4 or 8 bytes; other part lengths, which
 * only page crossings make, in naturally aligned pieces). */
bool emul_span_read(struct emul *e, const struct emul_span *sp, u64 *value);
bool emul_span_write(struct emul *e, const struct emul_span *sp, u64 value);

/* One operand of the instruction: a register, an immediate, or memory
 * (prepared: its access checked and translated). size in bytes. */
struct emul_op {
    const ZydisDecodedOperand *zo;
    u32 size;
    struct emul_span span;
};

/* Whether every explicit operand is a general register, an immediate or a
 * memory operand with general base and index (or RIP); *has_mem: one is
 * memory. */
bool emul_operands_ok(const struct emul *e, bool *has_mem);
/* Prepares an operand; a memory operand's address moves by extra bytes
 * (BT with a register bit offset) within the address size. Its access is
 * what the instruction does with it (Zydis' operand actions). */
bool emul_op_prepare(struct emul *e, const ZydisDecodedOperand *zo, s64 extra, struct emul_op *o);
/* An operand's value (immediates sign-extended as decoded), zero-extended
 * from its size. */
bool emul_op_read(struct emul *e, const struct emul_op *o, u64 *value);
/* Writes an operand: registers as the CPU does (32-bit writes zero-extend,
 * 8- and 16-bit ones merge), memory as size bytes. */
bool emul_op_write(struct emul *e, const struct emul_op *o, u64 value);
/* The segment (enum vireo_seg_index) of a memory operand: the override or
 * the default; 64-bit mode ignores ES, CS, SS and DS overrides. */
u32 emul_segment(const struct emul *e, const ZydisDecodedOperand *zo);

/* RFLAGS' status flags after an arithmetic instruction. */
void emul_set_flags(struct emul *e, u64 rflags);
/* The instruction completed: RIP moves past it (exit_finish_insn). */
bool emul_finish(struct emul *e);

/* MOVS, STOS, LODS (emul_string.c); emul_string_form: whether a string
 * instruction is one of them. */
bool emul_string_form(ZydisMnemonic m);
bool emul_string(struct emul *e);

#endif
