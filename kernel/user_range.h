/* Checking a user buffer before the kernel touches it: canonical, wholly in
 * the user half, and every page present and user-accessible (and writable
 * when the kernel will write) in the caller's page tables. */
#ifndef KERNEL_USER_RANGE_H
#define KERNEL_USER_RANGE_H

#include <vireo/types.h>

bool user_range_ok(u64 pml4, u64 addr, u64 len, bool need_write);

#endif
