/*
 * events: what a VMM must get right about events (DESIGN.md section 8,
 * seed 003): an event whose delivery exits is injected again, exactly once;
 * interrupts respect the STI shadow across an emulated instruction.
 */
#include "tests.h"
#include <guest/rt.h>

const char guest_name[] = "events";

void guest_main(void)
{
    test_reinjection();
    test_interrupts();
}
