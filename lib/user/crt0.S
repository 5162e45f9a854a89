/* Entry of every ring-3 program: %rdi holds the start argument the kernel
 * passes (init: the init-info address); the stack is aligned as after a
 * call. main's return value becomes the exit status. */
    .text
    .globl _start
    .type _start, @function
_start:
    xorl %ebp, %ebp          /* end of the frame-pointer chain */
    andq $-16, %rsp
    call main
    movq %rax, %rdi
    call sys_exit
    ud2
    .size _start, . - _start
    .section .note.GNU-stack, "", @progbits
