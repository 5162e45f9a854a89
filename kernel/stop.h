/* Stopping the whole system (abi/vireo/stop.h says how it looks outside). */
#ifndef KERNEL_STOP_H
#define KERNEL_STOP_H

#include <vireo/stop.h>

/* Prints the stop line, tells the emulator to exit, halts. Never returns. */
__attribute__((noreturn)) void system_stop(enum vireo_stop_status status, const char *reason);

#endif
