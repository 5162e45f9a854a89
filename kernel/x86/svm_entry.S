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
#include "vcpu_asm.h"

    .section .text
    .balign 16
    .globl svm_enter
svm_enter:
    PUSH_CALLEE_SAVED
    pushq %rdi                  /* 16(%rsp) after the next two: v */
    pushq %rsi                  /* 8(%rsp): the VMCB */
    pushq %rdx                  /* 0(%rsp): the host save page */

    movq %rdx, %rax
    vmsave                      /* the host's FS/GS/TR/LDTR and syscall MSRs */
    movq 8(%rsp), %rax
    vmload                      /* the guest's */

    LOAD_GUEST_GPRS %rdi
    movq VCPU_GPR_RDI(%rdi), %rdi

    vmrun                       /* %rax: the VMCB; returns at the #VMEXIT */
    vmsave                      /* %rax is the VMCB again */

    pushq %rdi
    movq 24(%rsp), %rdi         /* v (pushed above the two page addresses) */
    SAVE_GUEST_GPRS %rdi
    popq %rax
    movq %rax, VCPU_GPR_RDI(%rdi)

    popq %rax                   /* the host save page */
    vmload
    addq $16, %rsp              /* the VMCB, v */
    POP_CALLEE_SAVED
    ret
