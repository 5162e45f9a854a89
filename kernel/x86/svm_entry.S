/* AMD-V guest entry: void svm_enter(struct vcpu *v, u64 vmcb_pa, u64 host_pa).
 *
 * Called with GIF clear (CLGI) and RFLAGS.IF set, so that a physical
 * interrupt arriving while the guest runs makes an INTR exit and stays
 * pending until the caller sets GIF again. VMRUN saves and restores the
 * host's RSP, RIP, RFLAGS, CR0/3/4, EFER, GDTR/IDTR and the CS/SS/DS/ES
 * selectors; VMSAVE/VMLOAD of host_pa keep the host's FS/GS (the kernel's
 * per-CPU GS base), TR, LDTR, KERNEL_GS_BASE, STAR/LSTAR/CSTAR/SFMASK and
 * SYSENTER MSRs while VMLOAD/VMSAVE of the VMCB switch in the guest's. The
 * guest's RAX and RSP are VMCB fields; the other general registers are
 * loaded from and saved to struct vcpu_gprs (vcpu.h). */
#include "vcpu.h"

    .section .text
    .balign 16
    .globl svm_enter
svm_enter:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    pushq %rdi                  /* 16(%rsp) after the next two: v */
    pushq %rsi                  /* 8(%rsp): the VMCB */
    pushq %rdx                  /* 0(%rsp): the host save page */

    movq %rdx, %rax
    vmsave                      /* the host's FS/GS/TR/LDTR and syscall MSRs */
    movq 8(%rsp), %rax
    vmload                      /* the guest's */

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

    vmrun                       /* %rax: the VMCB; returns at the #VMEXIT */
    vmsave                      /* %rax is the VMCB again */

    pushq %rdi
    movq 24(%rsp), %rdi         /* v (pushed above the two page addresses) */
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
    popq %rax
    movq %rax, VCPU_GPR_RDI(%rdi)

    popq %rax                   /* the host save page */
    vmload
    addq $16, %rsp              /* the VMCB, v */
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
