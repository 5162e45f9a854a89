/* Boot-time randomness for canaries: RDRAND when the CPU has it, else a
 * scrambled TSC. Not for cryptography. */
#ifndef KERNEL_RANDOM_H
#define KERNEL_RANDOM_H

#include <vireo/types.h>

u64 random_u64(void);

#endif
