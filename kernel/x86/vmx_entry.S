/* VM entry and exit on VT-x (vmx_insn.h has the contract).
 *
 * enum vmx_fail vmx_enter(struct vcpu *v, u64 launched)
 *
 * The stack at HOST_RSP holds v; above it the callee-saved host registers
 * and the return address. HOST_RSP is written here, from whatever depth
 * the kernel stack has, only when it differs from v->host_rsp. A VM exit
 * lands at vmx_exit_entry with RSP = HOST_RSP and RFLAGS = 2 (interrupts
 * stay off), every other register holding the guest's values. */
#include "vcpu.h"

#define HOST_RSP_FIELD 0x6c14 /* VMCS_HOST_RSP (vmx.c checks the number) */

    .section .text

    .balign 16
    .globl vmx_enter
vmx_enter:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    pushq %rdi                          /* v, at HOST_RSP */

    cmpq VCPU_HOST_RSP(%rdi), %rsp
    je 1f
    movq %rsp, VCPU_HOST_RSP(%rdi)
    movl $HOST_RSP_FIELD, %eax
    vmwrite %rsp, %rax
    jbe .Lvmfail                        /* CF or ZF: the VMWRITE failed */
1:
    testq %rsi, %rsi                    /* ZF clear: launched; MOVs keep flags */
    movq VCPU_GPR_RAX(%rdi), %rax
    movq VCPU_GPR_RCX(%rdi), %rcx
    movq VCPU_GPR_RDX(%rdi), %rdx
    movq VCPU_GPR_RBX(%rdi), %rbx
    movq VCPU_GPR_RBP(%rdi), %rbp
    movq VCPU_GPR_RSI(%rdi), %rsi
    movq VCPU_GPR_R8(%rdi), %r8
    movq VCPU_GPR_R9(%rdi), %r9
    movq VCPU_GPR_R10(%rdi), %r10
    movq VCPU_GPR_R11(%rdi), %r11
    movq VCPU_GPR_R12(%rdi), %r12
    movq VCPU_GPR_R13(%rdi), %r13
    movq VCPU_GPR_R14(%rdi), %r14
    movq VCPU_GPR_R15(%rdi), %r15
    movq VCPU_GPR_RDI(%rdi), %rdi
    jnz .Lresume
    vmlaunch
    jmp .Lvmfail
.Lresume:
    vmresume
    /* Falls through only on VMfailInvalid (CF) or VMfailValid (ZF); the
     * guest registers loaded above are dropped (v->gpr still has them). */
.Lvmfail:
    movl $2, %eax                       /* VMX_FAIL_VALID */
    movl $1, %ecx                       /* VMX_FAIL_INVALID */
    cmovcl %ecx, %eax
    addq $8, %rsp                       /* v */
    jmp .Lreturn

    .balign 16
    .globl vmx_exit_entry
vmx_exit_entry:
    pushq %rdi                          /* guest rdi; v is above it */
    movq 8(%rsp), %rdi
    movq %rax, VCPU_GPR_RAX(%rdi)
    movq %rcx, VCPU_GPR_RCX(%rdi)
    movq %rdx, VCPU_GPR_RDX(%rdi)
    movq %rbx, VCPU_GPR_RBX(%rdi)
    movq %rbp, VCPU_GPR_RBP(%rdi)
    movq %rsi, VCPU_GPR_RSI(%rdi)
    movq %r8, VCPU_GPR_R8(%rdi)
    movq %r9, VCPU_GPR_R9(%rdi)
    movq %r10, VCPU_GPR_R10(%rdi)
    movq %r11, VCPU_GPR_R11(%rdi)
    movq %r12, VCPU_GPR_R12(%rdi)
    movq %r13, VCPU_GPR_R13(%rdi)
    movq %r14, VCPU_GPR_R14(%rdi)
    movq %r15, VCPU_GPR_R15(%rdi)
    popq VCPU_GPR_RDI(%rdi)
    addq $8, %rsp                       /* v */
    xorl %eax, %eax                     /* VMX_OK: an exit (or a reported entry failure) */
.Lreturn:
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret

/* void vmx_nmi_unblock(void): IRETQ to the next instruction. */
    .balign 16
    .globl vmx_nmi_unblock
vmx_nmi_unblock:
    movq %rsp, %rax
    xorl %ecx, %ecx
    movw %ss, %cx
    pushq %rcx                          /* SS */
    pushq %rax                          /* RSP */
    pushfq
    xorl %ecx, %ecx
    movw %cs, %cx
    pushq %rcx                          /* CS */
    leaq 1f(%rip), %rax
    pushq %rax                          /* RIP */
    iretq
1:
    ret
