/* bool rdmsr_safe(u32 msr, u64 *value): RDMSR that returns false instead of
 * faulting when the MSR does not exist. exception.c resumes a #GP at
 * rdmsr_safe_insn at rdmsr_safe_fail. */
    .section .text
    .globl rdmsr_safe, rdmsr_safe_insn, rdmsr_safe_fail
rdmsr_safe:
    movl %edi, %ecx
rdmsr_safe_insn:
    rdmsr
    shlq $32, %rdx
    movl %eax, %eax
    orq %rdx, %rax
    movq %rax, (%rsi)
    movl $1, %eax
    ret
rdmsr_safe_fail:
    xorl %eax, %eax
    ret
