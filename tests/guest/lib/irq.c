/* Waiting for interrupts (their handlers: idt.c). */
#include <guest/irq.h>

bool rt_halt_until(const volatile unsigned *counter, unsigned target, uint64_t tsc_budget)
{
    uint64_t start = rt_tsc();
    while (*counter < target && rt_tsc() - start < tsc_budget)
        __asm__ volatile("sti; hlt; cli" ::: "memory");
    return *counter >= target;
}

bool rt_spin_until(const volatile unsigned *counter, unsigned target, uint64_t tsc_budget)
{
    uint64_t start = rt_tsc();
    while (*counter < target && rt_tsc() - start < tsc_budget)
        __asm__ volatile("pause" ::: "memory");
    return *counter >= target;
}
