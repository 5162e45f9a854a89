/* SYSCALL entry. The CPU left the user RIP in %rcx and RFLAGS in %r11 and
 * masked IF/DF/TF/AC (SFMASK); %rsp is still the user's. We switch to this
 * CPU's kernel stack, build the same struct cpu_frame an interrupt from
 * ring 3 would, and call syscall_dispatch(frame), which does not return:
 * the kernel leaves through frame_resume() with whichever EC runs next.
 * The way out is SYSRET for a frame the syscall entry built with a
 * canonical return RIP, IRETQ otherwise (SYSRET would fault in ring 0 on
 * the user stack, and a preempted EC has live %rcx and %r11). */
#include "layout.h"
#include "frame_asm.h"

    .section .text
    .balign 16
    .globl syscall_entry
syscall_entry:
    swapgs
    movq %rsp, %gs:PERCPU_USER_RSP
    movq %gs:PERCPU_KERNEL_STACK_TOP, %rsp
    pushq $USER_SS
    pushq %gs:PERCPU_USER_RSP
    pushq %r11                  /* user RFLAGS */
    pushq $USER_CS
    pushq %rcx                  /* user RIP */
    pushq $0                    /* error code */
    pushq $VECTOR_SYSCALL
    PUSH_GPRS
    movq %rsp, %rdi
    call syscall_dispatch
    ud2                         /* syscall_dispatch does not return */

/* frame_resume(frame): %rdi is a struct cpu_frame at the top of this CPU's
 * kernel stack; everything below it is dropped. */
    .globl frame_resume
frame_resume:
    movq %rdi, %rsp
    cmpq $VECTOR_SYSCALL, FRAME_VECTOR(%rsp)
    jne frame_return

    /* Canonical return RIP? (bits 63..47 all equal) */
    movq FRAME_RIP(%rsp), %rcx
    movq %rcx, %r11
    shlq $16, %r11
    sarq $16, %r11
    cmpq %rcx, %r11
    jne frame_return

    POP_GPRS
    addq $16, %rsp              /* vector, error code */
    popq %rcx                   /* RIP for SYSRET */
    addq $8, %rsp               /* CS */
    popq %r11                   /* RFLAGS for SYSRET */
    popq %rsp                   /* the user stack; nothing touches memory after this */
    swapgs
    sysretq

/* idle_enter(stack_top, fn): runs fn on a fresh stack below the frame area
 * of this CPU's kernel stack. */
    .globl idle_enter
idle_enter:
    movq %rdi, %rsp
    call *%rsi
    ud2
