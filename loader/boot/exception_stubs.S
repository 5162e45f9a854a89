/* Entry stubs for CPU exceptions 0..31 while the loader (or, until it loads
 * its own IDT, the kernel it started) runs: each pushes its vector, and a
 * dummy error code where the CPU pushes none, then reports. */
    .text
    .code64

    .macro exception_stub n
exception_stub_\n:
    .if (\n == 8) || (\n >= 10 && \n <= 14) || (\n == 17) || (\n == 21) || (\n == 29) || (\n == 30)
    pushq $\n
    .else
    pushq $0
    pushq $\n
    .endif
    jmp exception_common
    .endm

    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    exception_stub \n
    .endr

exception_common:
    movq %rsp, %rdi /* struct exception_frame */
    andq $-16, %rsp
    call loader_exception
1:  cli
    hlt
    jmp 1b

    .section .rodata
    .balign 8
    .globl loader_exception_stubs
loader_exception_stubs:
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    .quad exception_stub_\n
    .endr
