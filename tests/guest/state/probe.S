/*
 * state_probe(in, out, kind): every register the guest owns is loaded
 * from in, one instruction (or loop) of kind runs, and every register is
 * stored to out, with no compiled code in between: whatever changes is the
 * instruction's doing, or whatever handled its exit.
 *
 * The FPU/SSE/AVX image goes in with XRSTOR (FXRSTOR for xmask 0), then
 * RFLAGS, then the general registers, RAX last; the kind is reached by an
 * indirect jump through memory, which touches neither registers nor flags.
 * Afterwards the general registers go out first (RAX by way of the stack),
 * then RFLAGS, then the image (XSAVE or FXSAVE).
 */
#include "probe.h"
#include <guest/layout.h>

    .data
    .balign 8
probe_in:     .quad 0
probe_out:    .quad 0
probe_target: .quad 0
probe_kinds:
    .quad k_nop, k_cpuid, k_in, k_out, k_rdmsr, k_wrmsr, k_cr0_write, k_cr4_write
    .quad k_cr0_read, k_cr4_read, k_xsetbv, k_xgetbv, k_wbinvd, k_pause, k_busy

    .text
    .code64
    .globl state_probe
state_probe:
    pushq %rbx
    pushq %rbp
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    pushfq                              /* the caller's flags, DF clear */
    movq %rdi, probe_in(%rip)
    movq %rsi, probe_out(%rip)
    movl %edx, %edx                     /* unsigned: the upper half is not ours */
    cmpl $K_COUNT, %edx
    jae .Lbad_kind
    leaq probe_kinds(%rip), %rax
    movq (%rax, %rdx, 8), %rax
    movq %rax, probe_target(%rip)

    movq IO_XMASK(%rdi), %rax
    testq %rax, %rax
    jz 1f
    movq %rax, %rdx
    shrq $32, %rdx
    xrstor64 IO_FPU(%rdi)
    jmp 2f
1:  fxrstor64 IO_FPU(%rdi)
2:
    pushq IO_RFLAGS(%rdi)
    popfq
    movq %rdi, %rax
    movq IO_GPR + 8 * 1(%rax), %rcx
    movq IO_GPR + 8 * 2(%rax), %rdx
    movq IO_GPR + 8 * 3(%rax), %rbx
    movq IO_GPR + 8 * 5(%rax), %rbp
    movq IO_GPR + 8 * 6(%rax), %rsi
    movq IO_GPR + 8 * 7(%rax), %rdi
    movq IO_GPR + 8 * 8(%rax), %r8
    movq IO_GPR + 8 * 9(%rax), %r9
    movq IO_GPR + 8 * 10(%rax), %r10
    movq IO_GPR + 8 * 11(%rax), %r11
    movq IO_GPR + 8 * 12(%rax), %r12
    movq IO_GPR + 8 * 13(%rax), %r13
    movq IO_GPR + 8 * 14(%rax), %r14
    movq IO_GPR + 8 * 15(%rax), %r15
    movq IO_GPR(%rax), %rax
    jmp *probe_target(%rip)

k_nop:
    jmp .Ldone
k_cpuid:
    cpuid
    jmp .Ldone
k_in:
    inb %dx, %al
    jmp .Ldone
k_out:
    outb %al, %dx
    jmp .Ldone
k_rdmsr:
    rdmsr
    jmp .Ldone
k_wrmsr:
    wrmsr
    jmp .Ldone
k_cr0_write:
    movq %r11, %cr0
    jmp .Ldone
k_cr4_write:
    movq %r11, %cr4
    jmp .Ldone
k_cr0_read:
    movq %cr0, %r11
    jmp .Ldone
k_cr4_read:
    movq %cr4, %r13
    jmp .Ldone
k_xsetbv:
    xsetbv
    jmp .Ldone
k_xgetbv:
    xgetbv
    jmp .Ldone
k_wbinvd:
    wbinvd
    jmp .Ldone
k_pause:
    pause
    loop k_pause                        /* LOOP changes RCX alone, not the flags */
    jmp .Ldone
k_busy:
    loop k_busy
    jmp .Ldone

.Ldone:
    pushq %rax
    movq probe_out(%rip), %rax
    movq %rcx, IO_GPR + 8 * 1(%rax)
    movq %rdx, IO_GPR + 8 * 2(%rax)
    movq %rbx, IO_GPR + 8 * 3(%rax)
    movq %rbp, IO_GPR + 8 * 5(%rax)
    movq %rsi, IO_GPR + 8 * 6(%rax)
    movq %rdi, IO_GPR + 8 * 7(%rax)
    movq %r8, IO_GPR + 8 * 8(%rax)
    movq %r9, IO_GPR + 8 * 9(%rax)
    movq %r10, IO_GPR + 8 * 10(%rax)
    movq %r11, IO_GPR + 8 * 11(%rax)
    movq %r12, IO_GPR + 8 * 12(%rax)
    movq %r13, IO_GPR + 8 * 13(%rax)
    movq %r14, IO_GPR + 8 * 14(%rax)
    movq %r15, IO_GPR + 8 * 15(%rax)
    popq IO_GPR(%rax)
    pushfq
    popq IO_RFLAGS(%rax)
    movq %rax, %rdi
    movq probe_in(%rip), %rsi
    movq IO_XMASK(%rsi), %rax
    testq %rax, %rax
    jz 3f
    movq %rax, %rdx
    shrq $32, %rdx
    xsave64 IO_FPU(%rdi)
    jmp 4f
3:  fxsave64 IO_FPU(%rdi)
4:  popfq
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbp
    popq %rbx
    ret
.Lbad_kind:
    ud2

/* ---- faults: NAME_at faults, the handler resumes at NAME_resume ---- */

    .globl probe_xsetbv, probe_xsetbv_at, probe_xsetbv_resume
probe_xsetbv:                           /* (rcx, rax, rdx): %rdx is already the third */
    movq %rdi, %rcx
    movq %rsi, %rax
probe_xsetbv_at:
    xsetbv
probe_xsetbv_resume:
    ret

    .globl probe_xgetbv, probe_xgetbv_at, probe_xgetbv_resume
probe_xgetbv:                           /* EDX:EAX of XCR ECX as one value */
    movq %rdi, %rcx
    xorl %eax, %eax
    xorl %edx, %edx
probe_xgetbv_at:
    xgetbv
probe_xgetbv_resume:
    shlq $32, %rdx
    movl %eax, %eax
    orq %rdx, %rax
    ret

    .globl user_xsetbv, user_xsetbv_at, user_xsetbv_resume
user_xsetbv:                            /* ring 3: XCR0 = %rdi */
    movl %edi, %eax
    movq %rdi, %rdx
    shrq $32, %rdx
    xorl %ecx, %ecx
user_xsetbv_at:
    xsetbv
user_xsetbv_resume:
    int $RT_VEC_USER_RETURN
