/* The kernel's way out: interrupts off first, so no timer tick or other
 * CPU activity interleaves with the stop line. */
#include "stop.h"
#include <vireo/ring0_stop.h>
#include <x86/cpu.h>

void system_stop(enum vireo_stop_status status, const char *reason)
{
    irq_disable();
    ring0_system_stop((unsigned)status, reason);
}
