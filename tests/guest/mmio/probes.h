/* The probes of probes.S. */
#ifndef MMIO_PROBES_H
#define MMIO_PROBES_H

#include <stdint.h>

/* The string registers, in and out. */
struct sregs {
    uint64_t si, di, cx, ax;
};

#define PROBE(name)                                                                                \
    void name(struct sregs *r);                                                                    \
    extern const char name##_at[], name##_resume[];
PROBE(probe_movsb)
PROBE(probe_rep_movsq)
PROBE(probe_rep_stosb)
PROBE(probe_store32)
PROBE(probe_load32)
#undef PROBE

extern const char user_load32[], user_load32_at[], user_load32_resume[];
extern const char user_movsw[], user_movsw_at[], user_movsw_resume[];

/* Compatibility mode, 16-bit addressing through ES (addressing.c). */
uint32_t compat16_store_load(uint16_t es, uint32_t bx, uint32_t si, uint32_t value);

#endif
