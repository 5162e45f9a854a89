/*
 * The differential test's native runner (test_emul_diff.c): a template the
 * test copies to an executable page, with the instruction under test
 * written into its slot. emul_native(ctx) loads RFLAGS and all sixteen
 * general registers from ctx (x86 order: rax rcx rdx rbx rsp rbp rsi rdi
 * r8-r15, then rflags), runs the slot, and stores them back. The slot is
 * NOPs around the instruction, so nothing but it changes state.
 * Position-independent: its data words sit in the copy.
 */
    .text
    .globl emul_native_begin, emul_native_slot, emul_native_end
    .balign 64
emul_native_begin:
    push %rbx
    push %rbp
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, saved_rsp(%rip)
    mov %rdi, ctx_ptr(%rip)
    pushq 128(%rdi)
    popfq
    mov 0(%rdi), %rax
    mov 8(%rdi), %rcx
    mov 16(%rdi), %rdx
    mov 24(%rdi), %rbx
    mov 32(%rdi), %rsp
    mov 40(%rdi), %rbp
    mov 48(%rdi), %rsi
    mov 64(%rdi), %r8
    mov 72(%rdi), %r9
    mov 80(%rdi), %r10
    mov 88(%rdi), %r11
    mov 96(%rdi), %r12
    mov 104(%rdi), %r13
    mov 112(%rdi), %r14
    mov 120(%rdi), %r15
    mov 56(%rdi), %rdi
emul_native_slot:
    .fill 32, 1, 0x90
    mov %rax, scratch(%rip)
    mov ctx_ptr(%rip), %rax
    mov %rcx, 8(%rax)
    mov %rdx, 16(%rax)
    mov %rbx, 24(%rax)
    mov %rsp, 32(%rax)
    mov %rbp, 40(%rax)
    mov %rsi, 48(%rax)
    mov %rdi, 56(%rax)
    mov %r8, 64(%rax)
    mov %r9, 72(%rax)
    mov %r10, 80(%rax)
    mov %r11, 88(%rax)
    mov %r12, 96(%rax)
    mov %r13, 104(%rax)
    mov %r14, 112(%rax)
    mov %r15, 120(%rax)
    mov scratch(%rip), %rcx
    mov %rcx, 0(%rax)
    mov saved_rsp(%rip), %rsp
    pushfq
    pop %rcx
    mov %rcx, 128(%rax)
    cld
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbp
    pop %rbx
    ret
    .balign 8
saved_rsp:
    .quad 0
ctx_ptr:
    .quad 0
scratch:
    .quad 0
emul_native_end:
    .section .note.GNU-stack, "", @progbits
