/* Init's start-up check that the freestanding Zydis decodes in ring 3. */
#ifndef INIT_DECODE_CHECK_H
#define INIT_DECODE_CHECK_H

#include <vireo/types.h>

/* Decodes the instruction at code (max len bytes) in 64-bit mode and writes
 * its Intel-syntax text to text. Returns its length, or 0 if it does not
 * decode. */
unsigned decode_one(const u8 *code, size_t len, char *text, size_t text_size);

#endif
