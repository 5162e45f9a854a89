#ifndef KERNEL_X86_MSR_SAFE_H
#define KERNEL_X86_MSR_SAFE_H

#include <vireo/types.h>

/* RDMSR that returns false instead of taking #GP (x86/msr_safe.S). */
bool rdmsr_safe(u32 msr, u64 *value);

#endif
