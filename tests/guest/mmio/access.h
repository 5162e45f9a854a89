/* What the mmio guest's tests share: the single accesses (guest/access.h)
 * and inputs that make flags interesting. */
#ifndef MMIO_ACCESS_H
#define MMIO_ACCESS_H

#include <guest/access.h>
#include <stdint.h>

/* RFLAGS with the status flags cleared, for building inputs. */
static inline uint64_t rflags_base(void)
{
    uint64_t f;
    __asm__ volatile("pushfq\n\tpopq %0" : "=r"(f));
    return f & ~0x8d5ull;
}

/* A deterministic sequence of values that make flags interesting. */
uint64_t test_value(void);
uint64_t test_random(void);

#endif
