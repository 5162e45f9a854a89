/* The guest-register moves both entry stubs (vmx_entry.S, svm_entry.S)
 * share: struct vcpu_gprs (vcpu.h) to and from the registers. RAX and RDI
 * are left to the stubs (SVM keeps RAX in the VMCB; RDI holds the vcpu
 * pointer until the last move). Assembly only. */
#ifndef KERNEL_X86_VCPU_ASM_H
#define KERNEL_X86_VCPU_ASM_H

#include "vcpu.h"

/* clang-format off */
.macro PUSH_CALLEE_SAVED
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
.endm

.macro POP_CALLEE_SAVED
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
.endm

/* Every guest register but RAX and RDI from the gprs at (\base). */
.macro LOAD_GUEST_GPRS base
    movq VCPU_GPR_RCX(\base), %rcx
    movq VCPU_GPR_RDX(\base), %rdx
    movq VCPU_GPR_RBX(\base), %rbx
    movq VCPU_GPR_RBP(\base), %rbp
    movq VCPU_GPR_RSI(\base), %rsi
    movq VCPU_GPR_R8(\base), %r8
    movq VCPU_GPR_R9(\base), %r9
    movq VCPU_GPR_R10(\base), %r10
    movq VCPU_GPR_R11(\base), %r11
    movq VCPU_GPR_R12(\base), %r12
    movq VCPU_GPR_R13(\base), %r13
    movq VCPU_GPR_R14(\base), %r14
    movq VCPU_GPR_R15(\base), %r15
.endm

/* Every guest register but RAX and RDI to the gprs at (\base). */
.macro SAVE_GUEST_GPRS base
    movq %rcx, VCPU_GPR_RCX(\base)
    movq %rdx, VCPU_GPR_RDX(\base)
    movq %rbx, VCPU_GPR_RBX(\base)
    movq %rbp, VCPU_GPR_RBP(\base)
    movq %rsi, VCPU_GPR_RSI(\base)
    movq %r8, VCPU_GPR_R8(\base)
    movq %r9, VCPU_GPR_R9(\base)
    movq %r10, VCPU_GPR_R10(\base)
    movq %r11, VCPU_GPR_R11(\base)
    movq %r12, VCPU_GPR_R12(\base)
    movq %r13, VCPU_GPR_R13(\base)
    movq %r14, VCPU_GPR_R14(\base)
    movq %r15, VCPU_GPR_R15(\base)
.endm
/* clang-format on */

#endif
