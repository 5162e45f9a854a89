/*
 * Single loads and stores of 1, 2, 4 or 8 bytes, each one MOV (MOVZX for
 * the narrow loads), so that on MMIO each is exactly one access a VMM
 * decodes and emulates: for the guests that test MMIO (mmio, testdev).
 */
#ifndef GUEST_ACCESS_H
#define GUEST_ACCESS_H

#include <stdint.h>

static inline uint64_t rt_load(const volatile void *p, unsigned size)
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

static inline void rt_store(volatile void *p, unsigned size, uint64_t v)
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

static inline uint64_t rt_size_mask(unsigned size)
{
    return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

#endif
