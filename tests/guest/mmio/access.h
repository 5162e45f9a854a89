/* Single loads and stores of 1, 2, 4 or 8 bytes: each one MOV, so on the
 * window each is one emulated access. */
#ifndef MMIO_ACCESS_H
#define MMIO_ACCESS_H

#include <stdint.h>

static inline uint64_t load(const volatile void *p, unsigned size)
{
    uint64_t v = 0;
    switch (size) {
    case 1:
        __asm__ volatile("movzbl (%1), %k0" : "=r"(v) : "r"(p) : "memory");
        break;
    case 2:
        __asm__ volatile("movzwl (%1), %k0" : "=r"(v) : "r"(p) : "memory");
        break;
    case 4:
        __asm__ volatile("movl (%1), %k0" : "=r"(v) : "r"(p) : "memory");
        break;
    default:
        __asm__ volatile("movq (%1), %0" : "=r"(v) : "r"(p) : "memory");
        break;
    }
    return v;
}

static inline void store(volatile void *p, unsigned size, uint64_t v)
{
    switch (size) {
    case 1:
        __asm__ volatile("movb %b0, (%1)" ::"q"(v), "r"(p) : "memory");
        break;
    case 2:
        __asm__ volatile("movw %w0, (%1)" ::"r"(v), "r"(p) : "memory");
        break;
    case 4:
        __asm__ volatile("movl %k0, (%1)" ::"r"(v), "r"(p) : "memory");
        break;
    default:
        __asm__ volatile("movq %0, (%1)" ::"r"(v), "r"(p) : "memory");
        break;
    }
}

static inline uint64_t size_mask(unsigned size)
{
    return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

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
