/*
 * Addressing modes on the window: SIB with each scale, 32-bit addressing
 * in 64-bit mode (base and index registers with junk above bit 31), a
 * disp32 with no base under 32-bit addressing with REX.B (the encoding
 * Zydis 4.0 misreads), moffs loads and stores, and 16-bit addressing in
 * compatibility mode through a segment based at the window.
 */
#include "access.h"
#include "mmio.h"
#include "probes.h"
#include <guest/layout.h>

extern uint64_t rt_gdt[GDT_ENTRIES];

#define AT 0x3800u /* the window's bytes these checks use */

static void sib(void)
{
    volatile uint8_t *base = target + AT;
    for (unsigned i = 0; i < 16; i++)
        rt_store(base + 4 * i, 4, 0x51b00000u + i);
    uint64_t a, b, c, d;
    __asm__ volatile("movl (%[b],%[i],4), %k[a]\n\t"
                     "movl 0x10(%[b],%[i],8), %k[c]\n\t"
                     "movl -8(%[b],%[i],2), %k[d]\n\t"
                     "movl 8(%[b],%[i]), %k[e]"
                     : [a] "=&r"(a), [c] "=&r"(b), [d] "=&r"(c), [e] "=&r"(d)
                     : [b] "r"(base), [i] "r"(4ull)
                     : "memory");
    rt_check(a == 0x51b00004 && b == 0x51b0000c && c == 0x51b00000 && d == 0x51b00003,
             "SIB: base + index * 1, 2, 4, 8 + displacement", "%#lx %#lx %#lx %#lx", a, b, c, d);

    /* 32-bit addressing: EBX and ECX only (bits 63:32 junk). */
    uint64_t e, junk = 0xdead000000000000ull;
    __asm__ volatile("addr32 movl 0x8(%%ebx,%%ecx,2), %k0"
                     : "=a"(e)
                     : "b"(junk | (uint32_t)(uint64_t)base), "c"(junk | 2)
                     : "memory");
    rt_check(e == 0x51b00003, "32-bit addressing in 64-bit mode ignores bits 63:32", "read %#lx",
             e);
}

/* Forms with the window's absolute address: only where it is the window
 * (a RAM buffer's address is not known when this is assembled). */
static void absolute(void)
{
    if (!target_is_mmio) {
        rt_note("absolute-address forms skipped: no pc-testdev");
        return;
    }
    rt_store(target + AT + 0x40, 8, 0x0123456789abcdefull);
    uint64_t a, b;
    /* 67 41 8b 04 25 disp32: mov eax, [disp32] (REX.B does not make it
     * [r13d]); R13 holds junk that must not count. */
    register uint64_t r13 __asm__("r13") = 0x1000;
    __asm__ volatile(".byte 0x67, 0x41, 0x8b, 0x04, 0x25\n\t.long 0xff003840"
                     : "=a"(a)
                     : "r"(r13)
                     : "memory");
    __asm__ volatile("movabs 0xff003844, %%eax" : "=a"(b)::"memory");
    rt_check(a == 0x89abcdef && b == 0x01234567,
             "disp32 with no base under 32-bit addressing (and REX.B); moffs load",
             "read %#lx and %#lx", a, b);
    __asm__ volatile("movabs %%al, 0xff003848" ::"a"(0x5au) : "memory");
    __asm__ volatile("movabs %%rax, 0xff003850" ::"a"(0x1122334455667788ull) : "memory");
    uint64_t c = rt_load(target + AT + 0x48, 1), d = rt_load(target + AT + 0x50, 8);
    rt_check(c == 0x5a && d == 0x1122334455667788ull, "moffs stores of a byte and a quadword",
             "read %#lx and %#lx", c, d);
}

/* 16-bit addressing: a 16-bit data segment based at the window (limit
 * 0xffff), in SEL_DATA16's slot for the while. */
static void compat16(void)
{
    uint64_t saved = rt_gdt[SEL_DATA16 / 8];
    uint64_t base = (uint64_t)target;
    rt_gdt[SEL_DATA16 / 8] =
        0xffffull | (base & 0xffffff) << 16 | 0x93ull << 40 | ((base >> 24) & 0xff) << 56;
    rt_store(target + AT + 0x34, 4, 41);
    /* BX + SI + 0x10 = 0x1_3830: wraps to 0x3830 = AT + 0x30. */
    uint32_t v = compat16_store_load(SEL_DATA16, 0xabcdfff0u, 0x3830u, 0xc0ffee11u);
    rt_gdt[SEL_DATA16 / 8] = saved;
    uint64_t stored = rt_load(target + AT + 0x30, 4), inc = rt_load(target + AT + 0x34, 4);
    rt_check(v == 0xc0ffee11 && stored == 0xc0ffee11,
             "compatibility mode, 16-bit addressing: ES:[BX+SI+disp] wraps at 64 KiB",
             "read %#x, %#lx at the wrapped address", v, stored);
    rt_check(inc == 42, "... and INC of the dword after it", "%#lx", inc);
}

void test_addressing(void)
{
    sib();
    absolute();
    compat16();
}
