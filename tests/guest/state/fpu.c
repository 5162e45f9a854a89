/* The FPU/SSE/AVX images the probe loads, and comparing what it saved. */
#include "state.h"
#include <string.h>
#include <vireo/format.h>
#include <vireo/x86/cr.h>
#include <vireo/x86/xsave.h>

static void put(uint8_t *img, unsigned off, uint64_t v, unsigned bytes)
{
    memcpy(img + off, &v, bytes); /* little endian */
}

void fpu_image(uint8_t img[IO_FPU_BYTES], unsigned round, uint64_t xmask)
{
    memset(img, 0, IO_FPU_BYTES);
    /* FCW: every exception masked, 53-bit precision, rounding up (round 0)
     * or down; FSW: TOP 3 or 5 and condition codes, no exception pending;
     * one register tagged empty. */
    put(img, XSAVE_FCW, round ? 0x067f : 0x0a7f, 2);
    put(img, XSAVE_FSW, round ? 0x2a00 : 0x5d00, 2);
    img[XSAVE_FTW] = round ? 0xf7 : 0xbf;
    put(img, XSAVE_FOP, round ? 0x0712 : 0x01d9, 2);
    put(img, XSAVE_FIP, round ? 0x00007fff12345678ull : 0x0000000000abcdefull, 8);
    put(img, XSAVE_FDP, round ? 0xffff8000fedcba98ull : 0x0000000000123450ull, 8);
    /* MXCSR: every exception masked, two flags set, FZ and a rounding
     * mode (round 0), or round down and one flag. */
    put(img, XSAVE_MXCSR, round ? 0x3f82 : 0xffa1, 4);
    /* Eight distinct normal numbers (integer bit set). */
    for (unsigned i = 0; i < 8; i++) {
        uint64_t mant = 1ull << 63 | (0x0123456789abcdefull * (i + 1 + 8 * round)) >> 1;
        put(img, XSAVE_ST0 + 16 * i, mant, 8);
        put(img, XSAVE_ST0 + 16 * i + 8, (round ? 0xc000 : 0x4000) + 0x11 * i, 2);
    }
    /* Every byte of XMM0-15 (and of the YMM upper halves) different. */
    for (unsigned i = 0; i < 256; i++)
        img[XSAVE_XMM0 + i] = (uint8_t)(i ^ (round ? 0xa5 : 0x5a));
    if (!xmask)
        return;
    put(img, XSAVE_HEADER, xmask, 8); /* XSTATE_BV: every component from here */
    if (xmask & XCR0_AVX)
        for (unsigned i = 0; i < XSAVE_AVX_BYTES; i++)
            img[XSAVE_AVX + i] = (uint8_t)(i ^ (round ? 0x3c : 0xc3));
}

static bool differ(const uint8_t *got, const uint8_t *want, unsigned off, unsigned bytes,
                   const char *what, char *why, size_t n)
{
    for (unsigned i = 0; i < bytes; i++) {
        if (got[off + i] != want[off + i]) {
            snformat(why, n, "%s: byte %u is %#x, not %#x", what, off + i, got[off + i],
                     want[off + i]);
            return true;
        }
    }
    return false;
}

bool fpu_loaded(const uint8_t *got, const uint8_t *img, uint64_t xmask, char *why, size_t n)
{
    /* FOP, FIP and FDP are left out: CPUs and emulators keep them only
     * where an x87 instruction set them (QEMU TCG saves FOP as 0). The
     * probes still compare them with the baseline. */
    if (differ(got, img, XSAVE_FCW, 2, "FCW", why, n) ||
        differ(got, img, XSAVE_FSW, 2, "FSW", why, n) ||
        differ(got, img, XSAVE_FTW, 1, "FTW", why, n) ||
        differ(got, img, XSAVE_MXCSR, 4, "MXCSR", why, n) ||
        differ(got, img, XSAVE_XMM0, 256, "XMM0-15", why, n))
        return false;
    for (unsigned i = 0; i < 8; i++)
        if (differ(got, img, XSAVE_ST0 + 16 * i, 10, "ST0-7", why, n))
            return false;
    return !((xmask & XCR0_AVX) &&
             differ(got, img, XSAVE_AVX, XSAVE_AVX_BYTES, "YMM0-15 upper halves", why, n));
}

bool fpu_same(const uint8_t *got, const uint8_t *want, uint64_t xmask, char *why, size_t n)
{
    if (differ(got, want, 0, XSAVE_LEGACY_BYTES, "FXSAVE image", why, n))
        return false;
    if (xmask && differ(got, want, XSAVE_HEADER, 8, "XSTATE_BV", why, n))
        return false;
    return !((xmask & XCR0_AVX) &&
             differ(got, want, XSAVE_AVX, XSAVE_AVX_BYTES, "YMM0-15 upper halves", why, n));
}
