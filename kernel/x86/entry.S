/* The kernel's ELF entry, called by the loader in 64-bit mode with %rdi =
 * physical address of struct vireo_boot_info, on the loader's stack and
 * page tables (abi/vireo/boot_info.h). We move to our own boot stack at
 * once so the loader's memory can be reclaimed later, set the stack-protector
 * canary before any C code that checks it, and call kernel_main. */
    .section .text
    .globl kernel_entry
kernel_entry:
    cli
    cld
    leaq boot_stack_top(%rip), %rsp
    xorl %ebp, %ebp
    pushq %rdi                  /* keep boot_info; also realigns to 16 after the call */
    pushq %rdi
    call stack_guard_init
    popq %rdi
    popq %rdi
    call kernel_main
1:
    cli
    hlt
    jmp 1b

    .section .bss
    .balign 16
boot_stack:
    .skip 16384
boot_stack_top:
