/*
 * Every guest's first instructions: the multiboot1 header, the 32-bit entry,
 * an optional 32-bit hook (rt_early32, weak: the realmode guest's excursion),
 * the switch to long mode on identity tables, and the call into rt_main.
 */
#include <guest/layout.h>

    .section .multiboot, "a"
    .balign 4
mb_header:
    .long MB1_HEADER_MAGIC
    .long MB1_HEADER_FLAGS
    .long -(MB1_HEADER_MAGIC + MB1_HEADER_FLAGS)
    .long mb_header       /* header_addr */
    .long __image_start   /* load_addr */
    .long __load_end      /* load_end_addr */
    .long __image_end     /* bss_end_addr */
    .long rt_entry32      /* entry_addr */

    .section .text.entry32, "ax"
    .code32
    .globl rt_entry32
rt_entry32:
    cli
    cld
    /* Multiboot leaves the magic in %eax and the info pointer in %ebx;
     * keep them out of the way while the bss (not promised zero) is cleared. */
    movl %eax, %esi
    movl %ebx, %ebp
    movl $__bss_start, %edi
    movl $__image_end, %ecx
    subl %edi, %ecx
    xorl %eax, %eax
    rep stosb
    movl %esi, rt_mb_magic
    movl %ebp, rt_mb_info

    /* Multiboot's GDT is undefined: switch to ours before any segment load. */
    lgdt rt_gdt_ptr
    ljmp $SEL_CODE32, $1f
1:  movw $SEL_DATA, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movw %ax, %fs
    movw %ax, %gs
    movl $rt_stack_top, %esp

    call rt_early32

    movl $0x80000000, %eax
    cpuid
    cmpl $0x80000001, %eax
    jb no_long_mode
    movl $0x80000001, %eax
    cpuid
    testl $(1 << 29), %edx
    jz no_long_mode
    xorl %ebx, %ebx            /* EFER bits: NX only where the CPU has it */
    testl $(1 << 20), %edx
    jz 2f
    movl $EFER_NXE, %ebx
2:
    /* Identity map 0..4 GiB with 2 MiB pages, user-accessible so that ring-3
     * probes can run the image's own code: PML4[0] -> PDPT[0..3] -> 4 PDs. */
    movl $(rt_pdpt + 7), rt_pml4
    movl $(rt_pd + 7), %eax
    xorl %ecx, %ecx
3:  movl %eax, rt_pdpt(, %ecx, 8)
    addl $0x1000, %eax
    incl %ecx
    cmpl $4, %ecx
    jb 3b
    xorl %ecx, %ecx
4:  movl %ecx, %eax
    shll $21, %eax
    orl $0x87, %eax            /* present, writable, user, 2 MiB */
    movl %eax, rt_pd(, %ecx, 8)
    incl %ecx
    cmpl $2048, %ecx
    jb 4b

    movl $rt_pml4, %eax
    movl %eax, %cr3
    movl %cr4, %eax
    orl $CR4_PAE, %eax
    movl %eax, %cr4
    movl $MSR_EFER, %ecx
    rdmsr
    orl $EFER_LME, %eax
    orl %ebx, %eax
    wrmsr
    movl %cr0, %eax
    orl $(CR0_PG | CR0_WP | CR0_PE), %eax
    movl %eax, %cr0
    ljmp $SEL_CODE64, $entry64

no_long_mode:
    movl $msg_no_long_mode, %esi
    call rt_panic32

/* The default 32-bit hook does nothing; a guest may define its own. */
    .weak rt_early32
rt_early32:
    ret

/* Reports a failure from 32-bit code and exits with status 1, the way
 * report.c does from C: 8N1 on COM1, the message, both exit ports. */
    .globl rt_panic32
rt_panic32:
    movw $0x3fb, %dx
    movb $0x80, %al            /* DLAB: divisor 1, 115200 baud */
    outb %al, %dx
    movw $0x3f8, %dx
    movb $1, %al
    outb %al, %dx
    movw $0x3f9, %dx
    movb $0, %al
    outb %al, %dx
    movw $0x3fb, %dx
    movb $0x03, %al            /* 8N1 */
    outb %al, %dx
5:  lodsb
    testb %al, %al
    jz 7f
    movb %al, %bl
    movw $0x3fd, %dx
6:  inb %dx, %al
    testb $0x20, %al
    jz 6b
    movw $0x3f8, %dx
    movb %bl, %al
    outb %al, %dx
    jmp 5b
7:  movl $1, %eax
    outl %eax, $0xf4
    movl $msg_shutdown, %esi
    movw $0x8900, %dx
8:  lodsb
    testb %al, %al
    jz 9f
    outb %al, %dx
    jmp 8b
9:  hlt
    jmp 9b

    .code64
entry64:
    movw $SEL_DATA, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    xorl %eax, %eax
    movw %ax, %fs
    movw %ax, %gs
    movq $rt_stack_top, %rsp
    xorl %ebp, %ebp
    call rt_main
10: hlt
    jmp 10b

    .section .rodata
msg_no_long_mode:
    .asciz "FAIL: long mode: this CPU has none\r\n0 passed, 1 failed\r\nguest exit: 1\r\n"
msg_shutdown:
    .asciz "Shutdown"

    .data
    .balign 16
    .globl rt_gdt
rt_gdt:
    .quad 0
    .quad 0x00af9a000000ffff   /* SEL_CODE64 */
    .quad 0x00cf92000000ffff   /* SEL_DATA: flat, writable */
    .quad 0x00cf9a000000ffff   /* SEL_CODE32 */
    .quad 0x00009a000000ffff   /* SEL_CODE16: base 0, limit 0xffff */
    .quad 0x000092000000ffff   /* SEL_DATA16 */
    .quad 0x00cff2000000ffff   /* SEL_UDATA, DPL 3 */
    .quad 0x00affa000000ffff   /* SEL_UCODE64, DPL 3 */
    .quad 0, 0                 /* SEL_TSS: filled in by idt.c */
rt_gdt_end:
    .balign 8
    .globl rt_gdt_ptr
rt_gdt_ptr:
    .short rt_gdt_end - rt_gdt - 1
    .quad rt_gdt

    .bss
    .balign 4096
    .globl rt_pml4, rt_pdpt, rt_pd
rt_pml4:
    .skip 4096
rt_pdpt:
    .skip 4096
rt_pd:
    .skip 4 * 4096
    .balign 16
    .globl rt_stack_top
rt_stack:
    .skip RT_STACK_SIZE
rt_stack_top:
    .balign 4
    .globl rt_mb_magic, rt_mb_info
rt_mb_magic:
    .skip 4
rt_mb_info:
    .skip 4
