/* The loader's stack protector (-mstack-protector-guard=global); entry.S
 * seeds the guard before any C runs. */
#include <vireo/ring0_stop.h>
#include <vireo/stop.h>
#include "console.h"

unsigned long __stack_chk_guard;

__attribute__((noreturn)) void __stack_chk_fail(void);

void __stack_chk_fail(void)
{
    /* Most likely a malformed boot module overran a buffer while parsed. */
    loader_print("loader: stack smashing detected\n");
    ring0_system_stop(VIREO_STOP_BAD_BOOT, "loader stack smashing detected");
}
