/*
 * The instructions the exceptions guest provokes exceptions with. Each probe
 * exports NAME (callable from C), NAME_at (the instruction that should
 * fault or trap) and NAME_resume (where a fault handler continues) or
 * NAME_after (where a trap should leave RIP).
 * Ring-3 probes (user_*) end with INT RT_VEC_USER_RETURN instead of RET.
 */
#include <guest/layout.h>

#define TF 0x100
#define AC 0x40000

    .macro fault name
    .globl \name, \name\()_at, \name\()_resume
    .endm
    .macro trap name
    .globl \name, \name\()_at, \name\()_after
    .endm

    .text
    .code64

/* ---- faults, ring 0 ---- */
    fault probe_de
probe_de:
    movl $1, %eax
    xorl %edx, %edx
    xorl %ecx, %ecx
probe_de_at:
    divl %ecx
probe_de_resume:
    ret

    fault probe_de_overflow   /* INT_MIN / -1 does not fit */
probe_de_overflow:
    movl $0x80000000, %eax
    cltd
    movl $-1, %ecx
probe_de_overflow_at:
    idivl %ecx
probe_de_overflow_resume:
    ret

    fault probe_ud
probe_ud:
probe_ud_at:
    ud2
probe_ud_resume:
    ret

    fault probe_read          /* uint64_t probe_read(addr) */
probe_read:
probe_read_at:
    movq (%rdi), %rax
probe_read_resume:
    ret

    fault probe_write         /* probe_write(addr, value) */
probe_write:
probe_write_at:
    movq %rsi, (%rdi)
probe_write_resume:
    ret

    fault probe_exec          /* probe_exec(addr): the fault is at addr */
probe_exec:
probe_exec_at:
    call *%rdi
probe_exec_resume:            /* pops the call's return address, then ours */
    ret

    fault probe_rdmsr         /* uint64_t probe_rdmsr(index) */
probe_rdmsr:
    movl %edi, %ecx
    xorl %eax, %eax
    xorl %edx, %edx
probe_rdmsr_at:
    rdmsr
probe_rdmsr_resume:
    shlq $32, %rdx
    movl %eax, %eax
    orq %rdx, %rax
    ret

    fault probe_wrmsr         /* probe_wrmsr(index, value) */
probe_wrmsr:
    movl %edi, %ecx
    movl %esi, %eax
    movq %rsi, %rdx
    shrq $32, %rdx
probe_wrmsr_at:
    wrmsr
probe_wrmsr_resume:
    ret

    fault probe_write_cr0     /* probe_write_cr0(value) */
probe_write_cr0:
probe_write_cr0_at:
    movq %rdi, %cr0
probe_write_cr0_resume:
    ret

    fault probe_write_cr4
probe_write_cr4:
probe_write_cr4_at:
    movq %rdi, %cr4
probe_write_cr4_resume:
    ret

    fault probe_load_ds       /* probe_load_ds(selector) */
probe_load_ds:
probe_load_ds_at:
    movw %di, %ds
probe_load_ds_resume:
    movl $SEL_DATA, %eax
    movw %ax, %ds
    ret

    fault probe_int41         /* through an empty IDT entry */
probe_int41:
probe_int41_at:
    int $0x41
probe_int41_resume:
    ret

    fault probe_hw_exec       /* DR0 points at _at */
probe_hw_exec:
probe_hw_exec_at:
    nop
probe_hw_exec_resume:
    ret

    trap probe_hw_write      /* probe_hw_write(addr): DR1 watches addr */
probe_hw_write:
probe_hw_write_at:
    movl $0x5a5a5a5a, (%rdi)
probe_hw_write_after:
    ret

/* ---- traps, ring 0: RIP ends after the instruction ---- */
    trap probe_int3
probe_int3:
probe_int3_at:
    int3
probe_int3_after:
    ret

/* Single step: POPF sets TF; the trap comes after the next instruction. */
    .macro set_tf
    pushfq
    orq $TF, (%rsp)
    popfq
    .endm

    trap probe_step_nop
probe_step_nop:
    set_tf
probe_step_nop_at:
    nop
probe_step_nop_after:
    ret

    trap probe_step_cpuid
probe_step_cpuid:
    pushq %rbx
    xorl %eax, %eax
    xorl %ecx, %ecx
    set_tf
probe_step_cpuid_at:
    cpuid
probe_step_cpuid_after:
    popq %rbx
    ret

    trap probe_step_out
probe_step_out:
    movw $0x3ff, %dx          /* COM1 scratch register */
    movb $0x5a, %al
    set_tf
probe_step_out_at:
    outb %al, %dx
probe_step_out_after:
    ret

    trap probe_step_in
probe_step_in:
    movw $0x3ff, %dx
    set_tf
probe_step_in_at:
    inb %dx, %al
probe_step_in_after:
    ret

    trap probe_step_rdmsr
probe_step_rdmsr:
    movl $0x10, %ecx          /* IA32_TIME_STAMP_COUNTER */
    set_tf
probe_step_rdmsr_at:
    rdmsr
probe_step_rdmsr_after:
    ret

/* MOV SS holds debug traps back for one instruction: one #DB, after the
 * CPUID that follows it (a VMM that emulates that CPUID must deliver it
 * there, not after the NOP). */
    trap probe_step_movss
probe_step_movss:
    pushq %rbx
    xorl %eax, %eax
    xorl %ecx, %ecx
    movw %ss, %si
    set_tf
probe_step_movss_at:
    movw %si, %ss
    cpuid
probe_step_movss_after:
    nop
    popq %rbx
    ret

/* ---- ring 3 ---- */
    .macro user_return
    int $RT_VEC_USER_RETURN
    .endm

    .globl user_nothing
user_nothing:
    movq $0x600d, %rax
    user_return

    fault user_read
user_read:
user_read_at:
    movq (%rdi), %rax
user_read_resume:
    user_return

    fault user_write
user_write:
user_write_at:
    movq %rdi, (%rdi)
user_write_resume:
    user_return

    fault user_ac             /* misaligned read with RFLAGS.AC set */
user_ac:
    pushfq
    orq $AC, (%rsp)
    popfq
user_ac_at:
    movl (%rdi), %eax
user_ac_resume:
    pushfq
    andq $~AC, (%rsp)
    popfq
    user_return

    fault user_int0d          /* INT through a DPL-0 gate */
user_int0d:
user_int0d_at:
    int $0x0d
user_int0d_resume:
    user_return

    trap user_int3           /* INT3 through a DPL-3 gate: a trap */
user_int3:
user_int3_at:
    int3
user_int3_after:
    user_return

    fault user_in             /* IN with IOPL 0 and no I/O bitmap */
user_in:
    movw $0x3ff, %dx
user_in_at:
    inb %dx, %al
user_in_resume:
    user_return

    fault user_rdmsr          /* a privileged instruction */
user_rdmsr:
    movl $0x10, %ecx
user_rdmsr_at:
    rdmsr
user_rdmsr_resume:
    user_return
