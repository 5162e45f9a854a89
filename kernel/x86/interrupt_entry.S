/* Interrupt and exception entry: one 16-byte stub per vector pushes an
 * error code where the CPU does not, then the vector, and joins the common
 * path, which builds a struct cpu_frame (frame.h) and calls
 * interrupt_dispatch(frame). From ring 3 the GS bases are swapped on the way
 * in and out. */
#include "layout.h"
#include "frame_asm.h"

    .section .text
    .balign 16
    .globl interrupt_stubs
interrupt_stubs:
    .set vector, 0
    .rept 256
    .balign 16                  /* at most 12 bytes each: idt.c relies on 16 */
    /* Vectors whose exceptions push an error code themselves. */
    .if (vector == 8) || (vector == 10) || (vector == 11) || (vector == 12) || (vector == 13) || (vector == 14) || (vector == 17) || (vector == 21) || (vector == 29) || (vector == 30)
    .else
    pushq $0
    .endif
    pushq $vector
    jmp interrupt_common
    .set vector, vector + 1
    .endr

    .balign 16
interrupt_common:
    testb $3, 24(%rsp)          /* the CS the CPU pushed */
    jz 1f
    swapgs
1:
    PUSH_GPRS
    cld
    movq %rsp, %rdi
    call interrupt_dispatch

    .globl frame_return
frame_return:                   /* %rsp: a struct cpu_frame */
    POP_GPRS
    addq $16, %rsp              /* vector, error code */
    testb $3, 8(%rsp)
    jz 2f
    swapgs
2:
    .globl frame_return_iret
frame_return_iret:              /* a #GP here is a bad user frame, not a kernel bug */
    iretq
