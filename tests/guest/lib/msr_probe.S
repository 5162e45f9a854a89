/*
 * RDMSR and WRMSR that may fault (rt_rdmsr_probe, rt_wrmsr_probe in
 * msr.c): a fault resumes at the _resume label, which returns normally.
 */
    .text
    .code64

/* uint64_t rt_rdmsr_raw(index): 0 when it faulted */
    .globl rt_rdmsr_raw, rt_rdmsr_raw_resume
rt_rdmsr_raw:
    movl %edi, %ecx
    xorl %eax, %eax
    xorl %edx, %edx
    rdmsr
rt_rdmsr_raw_resume:
    shlq $32, %rdx
    movl %eax, %eax
    orq %rdx, %rax
    ret

/* rt_wrmsr_raw(index, value) */
    .globl rt_wrmsr_raw, rt_wrmsr_raw_resume
rt_wrmsr_raw:
    movl %edi, %ecx
    movl %esi, %eax
    movq %rsi, %rdx
    shrq $32, %rdx
    wrmsr
rt_wrmsr_raw_resume:
    ret
