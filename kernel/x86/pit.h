#ifndef KERNEL_X86_PIT_H
#define KERNEL_X86_PIT_H

#include <vireo/types.h>

#define PIT_HZ 1193182u

/* Starts a one-shot countdown of `ticks` PIT cycles on channel 2 (its gate
 * on port 0x61, speaker off). */
void pit_oneshot_start(u16 ticks);
/* True once the countdown has reached zero. */
bool pit_oneshot_done(void);

#endif
