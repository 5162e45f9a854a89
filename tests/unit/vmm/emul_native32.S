/*
 * The differential test's runner for compatibility mode: like
 * emul_native.S, but the instruction runs in 32-bit code (Linux's user
 * CS 0x23), with ES and GS loaded from ctx (an LDT segment based at the
 * window, for 16-bit addressing and segment bases) and DS and SS flat
 * (USER_DS). It runs at a fixed
 * address, EMUL_NATIVE32_BASE (the test maps its copy there), so the
 * 32-bit code addresses its data absolutely. ctx is its own: x86 order
 * eax ecx edx ebx esp ebp esi edi, then eflags, es, gs.
 */
#define BASE         0x20100000
#define AT(label)    (BASE + ((label) - emul_native32_begin))
#define USER32_CS    0x23
#define USER_CS      0x33
#define USER_DS      0x2b

    .text
    .globl emul_native32_begin, emul_native32_slot, emul_native32_ctx, emul_native32_end
    .balign 64
    .code64
emul_native32_begin:
    push %rbx
    push %rbp
    push %r12
    push %r13
    push %r14
    push %r15
    movq %rsp, AT(saved_rsp)
    movq $AT(stack_top), %rsp
    pushq $USER32_CS
    pushq $AT(compat)
    lretq
    .code32
compat:
    movw $USER_DS, %ax /* 64-bit code runs with DS 0, which 32-bit code cannot use */
    movw %ax, %ds
    movw AT(emul_native32_ctx + 36), %ax
    movw %ax, %es
    movw AT(emul_native32_ctx + 40), %ax
    movw %ax, %gs
    pushl AT(emul_native32_ctx + 32)
    popfl
    movl AT(emul_native32_ctx + 0), %eax
    movl AT(emul_native32_ctx + 4), %ecx
    movl AT(emul_native32_ctx + 8), %edx
    movl AT(emul_native32_ctx + 12), %ebx
    movl AT(emul_native32_ctx + 20), %ebp
    movl AT(emul_native32_ctx + 24), %esi
    movl AT(emul_native32_ctx + 28), %edi
    movl AT(emul_native32_ctx + 16), %esp
emul_native32_slot:
    .fill 32, 1, 0x90
    movl %eax, AT(emul_native32_ctx + 0)
    movl %ecx, AT(emul_native32_ctx + 4)
    movl %edx, AT(emul_native32_ctx + 8)
    movl %ebx, AT(emul_native32_ctx + 12)
    movl %esp, AT(emul_native32_ctx + 16)
    movl %ebp, AT(emul_native32_ctx + 20)
    movl %esi, AT(emul_native32_ctx + 24)
    movl %edi, AT(emul_native32_ctx + 28)
    movl $AT(stack_top), %esp
    pushfl
    popl AT(emul_native32_ctx + 32)
    cld
    movw $USER_DS, %ax
    movw %ax, %es
    xorl %eax, %eax
    movw %ax, %gs
    ljmp $USER_CS, $AT(back)
    .code64
back:
    movw %ax, %ds /* 0 again */
    movq AT(saved_rsp), %rsp
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
emul_native32_ctx:
    .fill 48, 1, 0
    .balign 16
    .fill 256, 1, 0
stack_top:
emul_native32_end:
    .section .note.GNU-stack, "", @progbits
