/* enter_user(rip, rsp, arg): the first switch to ring 3 on this CPU. Builds
 * an IRET frame with IF set and clean registers; %rdi carries arg. */
#include "layout.h"

    .section .text
    .globl enter_user
enter_user:
    cli
    pushq $USER_SS
    pushq %rsi
    pushq $0x202                /* IF and the always-one bit */
    pushq $USER_CS
    pushq %rdi
    movq %rdx, %rdi
    xorl %eax, %eax
    xorl %ebx, %ebx
    xorl %ecx, %ecx
    xorl %edx, %edx
    xorl %esi, %esi
    xorl %ebp, %ebp
    xorl %r8d, %r8d
    xorl %r9d, %r9d
    xorl %r10d, %r10d
    xorl %r11d, %r11d
    xorl %r12d, %r12d
    xorl %r13d, %r13d
    xorl %r14d, %r14d
    xorl %r15d, %r15d
    swapgs
    iretq
