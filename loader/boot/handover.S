/* The jump into the kernel, once its page tables and stack are ready. */
    .text
    .code64
    .globl loader_handover
/* loader_handover(cr3, stack_top, boot_info_phys, entry): does not return.
 * The new tables identity-map this code, so the fetch after the CR3 write
 * still works. */
loader_handover:
    cli
    movq %rdi, %cr3
    movq %rsi, %rsp
    movq %rdx, %rdi
    xorl %ebp, %ebp
    pushq $0 /* as if called: a zero return address ends backtraces */
    jmpq *%rcx
