/*
 * The mmio guest's faulting instructions. A ring-0 probe takes a struct
 * sregs * (rsi, rdi, rcx, rax), loads those registers, runs the
 * instruction at NAME_at and, at NAME_resume (where a fault handler
 * continues), stores them back: what the instruction left of them.
 * Ring-3 probes (user_*) take the address in %rdi, set RFLAGS.AC, and
 * end with INT RT_VEC_USER_RETURN (%rax: what they read).
 */
#include <guest/layout.h>

#define AC 0x40000

    .macro sprobe name, insn:vararg
    .globl \name, \name\()_at, \name\()_resume
\name:
    pushq %rbx
    movq %rdi, %rbx
    movq 0(%rbx), %rsi
    movq 8(%rbx), %rdi
    movq 16(%rbx), %rcx
    movq 24(%rbx), %rax
\name\()_at:
    \insn
\name\()_resume:
    movq %rsi, 0(%rbx)
    movq %rdi, 8(%rbx)
    movq %rcx, 16(%rbx)
    movq %rax, 24(%rbx)
    popq %rbx
    ret
    .endm

    .text
    .code64

    sprobe probe_movsb, movsb
    sprobe probe_rep_movsq, rep movsq
    sprobe probe_rep_stosb, rep stosb
    sprobe probe_store32, movl %eax, (%rdi)
    sprobe probe_load32, movl (%rdi), %eax

    .macro uprobe name, insn:vararg
    .globl \name, \name\()_at, \name\()_resume
\name:
    pushfq
    orq $AC, (%rsp)
    popfq
\name\()_at:
    \insn
\name\()_resume:
    pushfq
    andq $~AC, (%rsp)
    popfq
    int $RT_VEC_USER_RETURN
    .endm

    uprobe user_load32, movl (%rdi), %eax

    /* A word from (%rdi) to 0x100(%rdi) by MOVSW; %rax: the word copied. */
    .globl user_movsw, user_movsw_at, user_movsw_resume
user_movsw:
    movq %rdi, %rsi
    leaq 0x100(%rdi), %rdi
    xorl %eax, %eax
    pushfq
    orq $AC, (%rsp)
    popfq
user_movsw_at:
    movsw
user_movsw_resume:
    pushfq
    andq $~AC, (%rsp)
    popfq
    movzwl -2(%rdi), %eax
    int $RT_VEC_USER_RETURN

/*
 * uint32_t compat16_store_load(es, bx, si, value): in compatibility mode
 * (SEL_CODE32), with ES = es: a 4-byte store to ES:0x10[BX+SI] (16-bit
 * addressing: the 0x67 prefix), a load back, and an INC of the dword
 * after it; back in 64-bit mode ES is SEL_DATA again. %eax: the load.
 */
    .globl compat16_store_load
compat16_store_load:
    pushq %rbx
    movl %esi, %ebx
    movl %edx, %esi
    pushq $SEL_CODE32
    leaq 1f(%rip), %rax
    pushq %rax
    lretq
    .code32
1:  movw %di, %es
    movl %ecx, %es:0x10(%bx,%si)
    movl %es:0x10(%bx,%si), %eax
    incl %es:0x14(%bx,%si)
    movw $SEL_DATA, %dx
    movw %dx, %es
    ljmp $SEL_CODE64, $2f
    .code64
2:  popq %rbx
    ret
