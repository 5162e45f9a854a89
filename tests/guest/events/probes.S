/*
 * Events whose delivery meets a page pc-testdev just flushed (port 0xe4 <-
 * the page's physical address; the guest is identity-mapped). Under a
 * hypervisor that honours the flush, the delivery exits (the page is not in
 * the nested page tables) and the event must go in again, exactly once,
 * with its error code; bare, or without pc-testdev, nothing is flushed and
 * the results must be the same.
 *
 * flushed_stack_NAME(page): runs NAME with RSP inside page, after flushing
 * it, so the CPU's pushes of the exception frame are what exits. Labels:
 * NAME_at (the instruction), NAME_after (where a trap leaves RIP, or where
 * a fault handler resumes).
 * flushed_table_int3(page): flushes page (the IDT's or the GDT's) and
 * executes INT3 on the normal stack.
 */
#define FLUSH_PORT 0xe4

    .macro on_flushed_stack name
    .globl \name, \name\()_at, \name\()_after
\name:
    movq %rsp, saved_rsp(%rip)
    movq %rdi, %rax
    leaq 4096-256(%rdi), %rsp
    movl $FLUSH_PORT, %edx
    outl %eax, %dx
    .endm
    .macro back
    movq saved_rsp(%rip), %rsp
    ret
    .endm

    .text
    .code64
    on_flushed_stack flushed_stack_int3
flushed_stack_int3_at:
    int3
flushed_stack_int3_after:
    back

    on_flushed_stack flushed_stack_int_n   /* INT 3 as CD 03: a software interrupt */
flushed_stack_int_n_at:
    .byte 0xcd, 0x03
flushed_stack_int_n_after:
    back

    on_flushed_stack flushed_stack_icebp   /* INT1 (F1): a privileged software exception, #DB */
flushed_stack_icebp_at:
    .byte 0xf1
flushed_stack_icebp_after:
    back

    on_flushed_stack flushed_stack_ud
flushed_stack_ud_at:
    ud2
flushed_stack_ud_after:
    back

    on_flushed_stack flushed_stack_gp      /* #GP(0x1238): a selector beyond the GDT */
    movw $0x1238, %cx
flushed_stack_gp_at:
    movw %cx, %ds
flushed_stack_gp_after:
    movw $0x10, %cx
    movw %cx, %ds
    back

    on_flushed_stack flushed_stack_de
    movl $1, %eax
    xorl %edx, %edx
    xorl %ecx, %ecx
flushed_stack_de_at:
    divl %ecx
flushed_stack_de_after:
    back

    .globl flushed_table_int3, flushed_table_int3_at, flushed_table_int3_after
flushed_table_int3:
    movq %rdi, %rax
    movl $FLUSH_PORT, %edx
    outl %eax, %dx
flushed_table_int3_at:
    int3
flushed_table_int3_after:
    ret

/* sti_cpuid(): STI; CPUID; NOP with an interrupt pending. The STI shadow
 * covers the CPUID, which a VMM emulates: the interrupt comes after it,
 * at sti_cpuid_after, not after the NOP too. */
    .globl sti_cpuid, sti_cpuid_after
sti_cpuid:
    pushq %rbx
    xorl %eax, %eax
    sti
    cpuid
sti_cpuid_after:
    nop
    cli
    popq %rbx
    ret

/* flushed_stack_intr(page): an interrupt pending while IF=0 comes in onto
 * a flushed stack page after STI; NOP (at flushed_stack_intr_after) on
 * hardware; interrupts stay open a while longer (to flushed_stack_intr_end)
 * for a CPU below a hypervisor that opens the window late (docs/GUESTS.md). */
    on_flushed_stack flushed_stack_intr
    .globl flushed_stack_intr_end
    movl $200000, %ecx
    sti
    nop
flushed_stack_intr_after:
    pause
    decl %ecx
    jnz flushed_stack_intr_after
flushed_stack_intr_end:
    cli
    back

/* flushed_stack_nmi(page, icr, lo): writes lo to the ICR (an NMI IPI to
 * this CPU) with the stack on a flushed page. */
    .globl flushed_stack_nmi, flushed_stack_nmi_after
flushed_stack_nmi:
    movq %rsp, saved_rsp(%rip)
    movl %edx, %ecx
    movq %rdi, %rax
    leaq 4096-256(%rdi), %rsp
    movl $FLUSH_PORT, %edx
    outl %eax, %dx
    movl %ecx, (%rsi)
flushed_stack_nmi_after:
    nop
    back

    .data
    .balign 8
saved_rsp:
    .quad 0
