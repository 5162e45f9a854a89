#ifndef KERNEL_X86_EXCEPTION_H
#define KERNEL_X86_EXCEPTION_H

#include "frame.h"

/* Vectors 0..31 in the kernel. Never returns unless the fault was an
 * expected one (rdmsr_safe). */
void exception_handle(struct cpu_frame *frame);
/* The full register dump (vector, error code, GPRs, control registers). */
void exception_dump(const struct cpu_frame *frame, u64 cr2);

/* Short name ("#PF") and description of an exception vector. */
const char *exception_mnemonic(u64 vector);

#endif
