/*
 * bench: the exit round trips tools/bench measures, in guest-visible TSC
 * cycles (under Bochs one cycle is one instruction of the whole machine,
 * so the figures are exact). Each loop runs ROUNDS times after a warm-up;
 * the guest prints one "bench: NAME CYCLES" line per loop, the cycles per
 * operation, and checks only that every operation gave the right answer.
 *   cpuid      CPUID leaf 0: an exit the VMM handles (or the kernel, in a
 *              VIREO_BENCH_EXIT_SHORTCUT build)
 *   port       IN from the UART scratch register: an exit the VMM forwards
 *              to the device server
 *   loop       the loop and RDTSC alone, to subtract
 */
#include <guest/cpu.h>
#include <guest/rt.h>
#include <guest/uart.h>

const char guest_name[] = "bench";

#define ROUNDS  2000u
#define SCRATCH (UART_COM1 + UART_SCR)

static uint64_t per_op(uint64_t cycles)
{
    return (cycles + ROUNDS / 2) / ROUNDS;
}

static void bench_loop(void)
{
    uint64_t t0 = rdtsc();
    for (unsigned i = 0; i < ROUNDS; i++)
        __asm__ volatile("" ::: "memory");
    rt_printf("bench: loop %lu\n", (unsigned long)per_op(rdtsc() - t0));
}

static void bench_cpuid(void)
{
    uint32_t max = cpuid(0, 0).eax;
    unsigned bad = 0;
    for (unsigned i = 0; i < 100; i++) /* warm-up */
        bad += cpuid(0, 0).eax != max;
    uint64_t t0 = rdtsc();
    for (unsigned i = 0; i < ROUNDS; i++)
        bad += cpuid(0, 0).eax != max;
    uint64_t cycles = rdtsc() - t0;
    rt_check(!bad, "bench: CPUID leaf 0 is the same every time", "%u differ", bad);
    rt_printf("bench: cpuid %lu\n", (unsigned long)per_op(cycles));
}

static void bench_port(void)
{
    outb(SCRATCH, 0x5a);
    unsigned bad = 0;
    for (unsigned i = 0; i < 100; i++)
        bad += inb(SCRATCH) != 0x5a;
    uint64_t t0 = rdtsc();
    for (unsigned i = 0; i < ROUNDS; i++)
        bad += inb(SCRATCH) != 0x5a;
    uint64_t cycles = rdtsc() - t0;
    rt_check(!bad, "bench: the UART scratch register reads back", "%u differ", bad);
    rt_printf("bench: port %lu\n", (unsigned long)per_op(cycles));
}

void guest_main(void)
{
    bench_loop();
    bench_cpuid();
    bench_port();
}
