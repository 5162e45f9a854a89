/* The state guest's parts (docs/GUESTS.md, "state"). */
#ifndef STATE_STATE_H
#define STATE_STATE_H

#include "probe.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The FPU/SSE(/AVX) image of pattern `round` (0 or 1) for in->fpu: x87
 * stack, control, status and tag words, FOP/FIP/FDP, MXCSR, XMM0-15 and,
 * with XCR0_AVX in xmask, YMM0-15 bits 255:128 (fpu.c). */
void fpu_image(uint8_t img[IO_FPU_BYTES], unsigned round, uint64_t xmask);
/* Whether got (an XSAVE/FXSAVE of what img loaded) holds every field
 * fpu_image set; else false with the first difference in why. */
bool fpu_loaded(const uint8_t *got, const uint8_t *img, uint64_t xmask, char *why, size_t n);
/* Whether two saved images are the same byte for byte (the legacy region,
 * and with xmask the header's XSTATE_BV and the AVX component). */
bool fpu_same(const uint8_t *got, const uint8_t *want, uint64_t xmask, char *why, size_t n);

/* CR2, DR0-3, DR6 and DR7 set to values no exit touches (breakpoints
 * disabled), as read back; dbg_same compares, dbg_clear resets them. */
enum { DBG_CR2, DBG_DR0, DBG_DR6 = DBG_DR0 + 4, DBG_DR7, DBG_COUNT };
struct dbg_regs {
    uint64_t v[DBG_COUNT]; /* by DBG_* */
};
void dbg_set(struct dbg_regs *d);
bool dbg_same(const struct dbg_regs *d, char *why, size_t n);
void dbg_clear(void);

/* One sweep: every exit kind, twice (two patterns), each checked for every
 * register it must not change (sweep.c). xmask: the probe's XRSTOR/XSAVE
 * mask, 0 for FXRSTOR/FXSAVE; xcr0: XCR0 now, 0 with CR4.OSXSAVE clear. */
void sweep(const char *config, uint64_t xmask, uint64_t xcr0);

/* XSETBV and XGETBV against the architecture (xsetbv.c); returns the XCR0
 * it leaves (x87|SSE|AVX as offered, CR4.OSXSAVE set), or 0 without XSAVE. */
uint64_t test_xsetbv(void);

#endif
