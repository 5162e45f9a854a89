/*
 * exceptions: provokes the exceptions a VMM must deliver exactly as the CPU
 * would (DESIGN.md section 8) and checks each one's vector, error code, RIP
 * (and CR2, DR6, CS where they tell something). Known emulator deviations
 * (docs/GUESTS.md) are reported as such, or as failures with "strict".
 */
#include "tests.h"
#include <guest/rt.h>

const char guest_name[] = "exceptions";

void guest_main(void)
{
    test_basic_faults();
    test_msrs();
    test_control_registers();
    test_single_step();
    test_breakpoints();
    test_state_survives();
    test_page_faults();
    test_ring3();
}
