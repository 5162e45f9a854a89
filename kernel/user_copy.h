/* Copies between the kernel and the current task's user memory, after
 * user_range_ok() on the task's page tables. Return false, having copied
 * nothing, for a bad range. */
#ifndef KERNEL_USER_COPY_H
#define KERNEL_USER_COPY_H

#include <vireo/types.h>
#include <stddef.h>

bool copy_from_user(void *dst, u64 user_src, size_t len);

#endif
