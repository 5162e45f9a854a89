/*
 * The instructions the cpuregs guest provokes faults with. Each probe
 * exports NAME (callable from C), NAME_at (the instruction that may fault)
 * and NAME_resume (right after it, where a fault handler continues).
 * Ring-3 probes (user_*) end with INT RT_VEC_USER_RETURN instead of RET.
 */
#include <guest/layout.h>

    .macro probe name
    .globl \name, \name\()_at, \name\()_resume
    .endm

    .text
    .code64

/* uint64_t p_rdmsr(index): EDX:EAX, 0 when it faulted */
    probe p_rdmsr
p_rdmsr:
    movl %edi, %ecx
    xorl %eax, %eax
    xorl %edx, %edx
p_rdmsr_at:
    rdmsr
p_rdmsr_resume:
    shlq $32, %rdx
    movl %eax, %eax
    orq %rdx, %rax
    ret

/* p_wrmsr(index, value) */
    probe p_wrmsr
p_wrmsr:
    movl %edi, %ecx
    movl %esi, %eax
    movq %rsi, %rdx
    shrq $32, %rdx
p_wrmsr_at:
    wrmsr
p_wrmsr_resume:
    ret

/* p_write_crN(value) */
    .irp n, 0, 2, 3, 4, 8
    probe p_write_cr\n
p_write_cr\n:
p_write_cr\n\()_at:
    movq %rdi, %cr\n
p_write_cr\n\()_resume:
    ret
    .endr

/* p_lmsw(value), p_clts(), uint64_t p_smsw(): SMSW AX into RAX = ~0 */
    probe p_lmsw
p_lmsw:
p_lmsw_at:
    lmsw %di
p_lmsw_resume:
    ret

    probe p_clts
p_clts:
p_clts_at:
    clts
p_clts_resume:
    ret

    probe p_smsw
p_smsw:
    movq $-1, %rax
p_smsw_at:
    smsw %ax
p_smsw_resume:
    ret

/* uint64_t p_read_drN(): the value, RAX = 0x5a5a... when it faulted;
 * p_write_drN(value) */
    .irp n, 0, 1, 2, 3, 4, 5, 6, 7
    probe p_read_dr\n
p_read_dr\n:
    movabsq $0x5a5a5a5a5a5a5a5a, %rax
p_read_dr\n\()_at:
    movq %db\n, %rax
p_read_dr\n\()_resume:
    ret

    probe p_write_dr\n
p_write_dr\n:
p_write_dr\n\()_at:
    movq %rdi, %db\n
p_write_dr\n\()_resume:
    ret
    .endr

/* p_xsetbv(xcr, value) */
    probe p_xsetbv
p_xsetbv:
    movl %edi, %ecx
    movl %esi, %eax
    movq %rsi, %rdx
    shrq $32, %rdx
p_xsetbv_at:
    xsetbv
p_xsetbv_resume:
    ret

/* uint64_t p_rdtscp(): ECX (TSC_AUX) */
    probe p_rdtscp
p_rdtscp:
    movl $-1, %ecx
p_rdtscp_at:
    rdtscp
p_rdtscp_resume:
    movl %ecx, %eax
    ret

/* ---- ring 3 ---- */
    .macro user_return
    int $RT_VEC_USER_RETURN
    .endm

    probe user_read_dr7
user_read_dr7:
user_read_dr7_at:
    movq %db7, %rax
user_read_dr7_resume:
    user_return

    probe user_write_dr0
user_write_dr0:
user_write_dr0_at:
    movq %rdi, %db0
user_write_dr0_resume:
    user_return

    probe user_read_cr0
user_read_cr0:
user_read_cr0_at:
    movq %cr0, %rax
user_read_cr0_resume:
    user_return

    probe user_write_cr8
user_write_cr8:
user_write_cr8_at:
    movq %rdi, %cr8
user_write_cr8_resume:
    user_return

    probe user_clts
user_clts:
user_clts_at:
    clts
user_clts_resume:
    user_return

    probe user_smsw
user_smsw:
    movq $-1, %rax
user_smsw_at:
    smsw %ax
user_smsw_resume:
    user_return
