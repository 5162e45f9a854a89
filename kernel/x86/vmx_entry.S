/* VM entry and exit on VT-x (vmx_insn.h has the contract).
 *
 * enum vmx_fail vmx_enter(struct vcpu *v, u64 launched)
 *
 * The stack at HOST_RSP holds v; above it the callee-saved host registers
 * and the return address. HOST_RSP is written here, from whatever depth
 * the kernel stack has, only when it differs from v->host_rsp. A VM exit
 * lands at vmx_exit_entry with RSP = HOST_RSP and RFLAGS = 2 (interrupts
 * stay off), every other register holding the guest's values. */
#include "vcpu_asm.h"

#define HOST_RSP_FIELD 0x6c14 /* VMCS_HOST_RSP (vmx.c checks the number) */

    .section .text

    .balign 16
    .globl vmx_enter
vmx_enter:
    PUSH_CALLEE_SAVED
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
    LOAD_GUEST_GPRS %rdi
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
    SAVE_GUEST_GPRS %rdi
    popq VCPU_GPR_RDI(%rdi)
    addq $8, %rsp                       /* v */
    xorl %eax, %eax                     /* VMX_OK: an exit (or a reported entry failure) */
.Lreturn:
    POP_CALLEE_SAVED
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
