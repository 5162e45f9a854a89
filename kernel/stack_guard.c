/* The global stack-protector canary (-mstack-protector-guard=global). It is
 * set before the first C function with a canary runs (x86/entry.S calls
 * stack_guard_init first), and never changes afterwards. */
#include "stack_guard.h"
#include "random.h"
#include "stop.h"

u64 __stack_chk_guard;

__attribute__((no_stack_protector)) void stack_guard_init(void)
{
    u64 guard = random_u64();
    /* A zero low byte stops string overflows from copying past it. */
    __stack_chk_guard = guard & ~0xffull;
}

__attribute__((noreturn)) void __stack_chk_fail(void)
{
    system_stop(VIREO_STOP_KERNEL_FAULT, "kernel stack smashing detected");
}
