/* The state probe (probe.S) and the faulting XSETBV/XGETBV probes: what C
 * and the assembly share. Plain #defines above, so probe.S can include it. */
#ifndef STATE_PROBE_H
#define STATE_PROBE_H

/* struct probe_io, by offset */
#define IO_GPR       0   /* 16 x u64 by register number; RSP's (4) unused */
#define IO_RFLAGS    128 /* popped before the exit, pushed after it */
#define IO_XMASK     136 /* 0: FXRSTOR/FXSAVE; else XRSTOR/XSAVE with this mask */
#define IO_FPU       192 /* the FPU/SSE/AVX image, XSAVE standard format */
#define IO_FPU_BYTES 832
#define IO_BYTES     1024

/* What runs between loading every register and saving them again. */
#define K_NOP       0  /* nothing: the baseline */
#define K_CPUID     1  /* CPUID */
#define K_IN        2  /* IN AL, DX */
#define K_OUT       3  /* OUT DX, AL */
#define K_RDMSR     4  /* RDMSR */
#define K_WRMSR     5  /* WRMSR */
#define K_CR0_WRITE 6  /* MOV R11 to CR0 */
#define K_CR4_WRITE 7  /* MOV R11 to CR4 */
#define K_CR0_READ  8  /* MOV CR0 to R11 */
#define K_CR4_READ  9  /* MOV CR4 to R13 */
#define K_XSETBV    10 /* XSETBV */
#define K_XGETBV    11 /* XGETBV */
#define K_WBINVD    12 /* WBINVD */
#define K_PAUSE     13 /* PAUSE; LOOP, RCX times */
#define K_BUSY      14 /* LOOP, RCX times: long enough for host timer ticks */
#define K_COUNT     15

#ifndef __ASSEMBLER__
#include <stdint.h>

enum { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15 };

struct probe_io {
    uint64_t gpr[16];
    uint64_t rflags;
    uint64_t xmask;
    uint64_t reserved[6];
    uint8_t fpu[IO_FPU_BYTES] __attribute__((aligned(64)));
} __attribute__((aligned(64)));
_Static_assert(__builtin_offsetof(struct probe_io, rflags) == IO_RFLAGS, "probe.S: rflags");
_Static_assert(__builtin_offsetof(struct probe_io, xmask) == IO_XMASK, "probe.S: xmask");
_Static_assert(__builtin_offsetof(struct probe_io, fpu) == IO_FPU, "probe.S: fpu");
_Static_assert(sizeof(struct probe_io) == IO_BYTES, "probe.S: size");

/* Loads in's FPU image, RFLAGS and every general register but RSP, runs
 * kind, and stores them all to out; nothing else in between. */
void state_probe(const struct probe_io *in, struct probe_io *out, unsigned kind);

/* XSETBV / XGETBV with the registers as given, for provoked faults. */
void probe_xsetbv(uint64_t rcx, uint64_t rax, uint64_t rdx);
uint64_t probe_xgetbv(uint64_t rcx);
/* Ring 3 (rt_user_call): XSETBV of XCR0 = arg. */
void user_xsetbv(uint64_t value);
extern const char probe_xsetbv_at[], probe_xsetbv_resume[];
extern const char probe_xgetbv_at[], probe_xgetbv_resume[];
extern const char user_xsetbv_at[], user_xsetbv_resume[];
#endif

#endif
