#ifndef KERNEL_X86_EXCEPTION_H
#define KERNEL_X86_EXCEPTION_H

#include "frame.h"

/* Vectors 0..31. Never returns unless the fault was an expected one
 * (rdmsr_safe). */
void exception_handle(struct cpu_frame *frame);

/* Short name ("#PF") and description of an exception vector. */
const char *exception_mnemonic(u64 vector);

#endif
