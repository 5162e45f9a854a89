/*
 * Exception and interrupt entry: one 16-byte stub per vector 0-255 (idt.c
 * points the gates at rt_trap_stubs + 16 * vector), a common path that
 * saves the registers as struct rt_frame and calls rt_trap, and the ring-3
 * round trip of rt_user_call.
 */
#include <guest/layout.h>

    .text
    .code64

/* The CPU pushes an error code for these vectors only; the others get a 0
 * so that every frame has the same shape. */
    .macro trap_stub vec
    .balign 16
    .if (\vec == 8) || ((\vec >= 10) && (\vec <= 14)) || (\vec == 17) || (\vec == 21) || (\vec == 29) || (\vec == 30)
    .else
    pushq $0
    .endif
    pushq $\vec
    jmp trap_common
    .endm

    .balign 16
    .globl rt_trap_stubs
rt_trap_stubs:
    trap_stub 0
    trap_stub 1
    trap_stub 2
    trap_stub 3
    trap_stub 4
    trap_stub 5
    trap_stub 6
    trap_stub 7
    trap_stub 8
    trap_stub 9
    trap_stub 10
    trap_stub 11
    trap_stub 12
    trap_stub 13
    trap_stub 14
    trap_stub 15
    trap_stub 16
    trap_stub 17
    trap_stub 18
    trap_stub 19
    trap_stub 20
    trap_stub 21
    trap_stub 22
    trap_stub 23
    trap_stub 24
    trap_stub 25
    trap_stub 26
    trap_stub 27
    trap_stub 28
    trap_stub 29
    trap_stub 30
    trap_stub 31
/* Vectors 32-255: external interrupts and INT n (no error code). */
    .set vector, 32
    .rept 224
    trap_stub vector
    .set vector, vector + 1
    .endr

trap_common:
    pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    cld
    movq %rsp, %rdi            /* 176 bytes pushed: still 16-byte aligned */
    call rt_trap
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
    addq $16, %rsp             /* vector and error code */
    iretq

/* uint64_t rt_user_call(fn, arg, stack_top, rflags) */
    .globl rt_user_call
rt_user_call:
    pushq %rbx
    pushq %rbp
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, user_saved_rsp(%rip)
    pushq $SEL_UDATA
    pushq %rdx
    pushq %rcx
    pushq $SEL_UCODE64
    pushq %rdi
    movq %rsi, %rdi
    iretq

/* INT RT_VEC_USER_RETURN from ring 3: drop the frame (it is on the TSS
 * stack) and return from rt_user_call with the user's %rax. */
    .globl rt_user_return_stub
rt_user_return_stub:
    movw $SEL_DATA, %cx
    movw %cx, %ss
    movw %cx, %ds
    movw %cx, %es
    movq user_saved_rsp(%rip), %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbp
    popq %rbx
    ret

    .bss
    .balign 8
user_saved_rsp:
    .skip 8
