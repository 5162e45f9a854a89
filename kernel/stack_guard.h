#ifndef KERNEL_STACK_GUARD_H
#define KERNEL_STACK_GUARD_H

#include <vireo/types.h>

extern u64 __stack_chk_guard;
void stack_guard_init(void);
__attribute__((noreturn)) void __stack_chk_fail(void);

#endif
