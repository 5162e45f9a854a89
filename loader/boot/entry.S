/*
 * The loader's first instructions: the multiboot headers, the 32-bit entry
 * both protocols use, the switch to long mode on temporary identity tables,
 * and the call into loader_main(magic, info_phys).
 */
#include "asm_defs.h"

/* ---- multiboot1 header: first 8 KiB of the file, 4-byte aligned ---- */
    .section .multiboot, "a"
    .balign 4
mb1_header:
    .long MB1_HEADER_MAGIC
    .long MB1_HEADER_FLAGS
    .long -(MB1_HEADER_MAGIC + MB1_HEADER_FLAGS)
    /* Address fields: QEMU's -kernel loads only 32-bit ELF files otherwise. */
    .long mb1_header      /* header_addr */
    .long __image_start   /* load_addr */
    .long __load_end      /* load_end_addr */
    .long __image_end     /* bss_end_addr */
    .long loader_entry32  /* entry_addr */

/* ---- multiboot2 header: first 32 KiB of the file, 8-byte aligned ---- */
    .balign 8
mb2_header:
    .long MB2_HEADER_MAGIC
    .long 0 /* architecture: i386 protected mode */
    .long mb2_header_end - mb2_header
    .long 0x100000000 - (MB2_HEADER_MAGIC + (mb2_header_end - mb2_header))

    .balign 8 /* information request (required): cmdline, modules, memory map */
    .short 1, 0
    .long 20
    .long 1, 3, 6

    .balign 8 /* address tag */
    .short 2, 0
    .long 24
    .long mb2_header, __image_start, __load_end, __image_end

    .balign 8 /* entry address tag */
    .short 3, 0
    .long 12
    .long loader_entry32

    .balign 8 /* page-align modules */
    .short 6, 0
    .long 8

    .balign 8 /* end tag */
    .short 0, 0
    .long 8
mb2_header_end:

/* ---- 32-bit entry ---- */
    .section .text.entry32, "ax"
    .code32
    .globl loader_entry32
loader_entry32:
    cli
    cld
    movl %eax, boot_magic
    movl %ebx, boot_info_phys

    /* Neither QEMU nor GRUB promise a zeroed bss. */
    movl $__bss_start, %edi
    movl $__image_end, %ecx
    subl %edi, %ecx
    xorl %eax, %eax
    rep stosb
    movl $loader_stack_top, %esp

    /* Long mode and NX, or a message on COM1 and a stop. */
    movl $0x80000000, %eax
    cpuid
    cmpl $0x80000001, %eax
    jb no_long_mode
    movl $0x80000001, %eax
    cpuid
    testl $(1 << 29), %edx
    jz no_long_mode
    testl $(1 << 20), %edx
    jz no_nx

    /* Identity 0..4 GiB in 2 MiB pages: PML4[0] -> PDPT[0..3] -> 4 PDs. */
    movl $(boot_pdpt + 3), boot_pml4
    movl $(boot_pd + 3), %eax
    xorl %ecx, %ecx
1:  movl %eax, boot_pdpt(, %ecx, 8)
    addl $0x1000, %eax
    incl %ecx
    cmpl $4, %ecx
    jb 1b
    xorl %ecx, %ecx
2:  movl %ecx, %eax
    shll $21, %eax
    orl $0x83, %eax /* present, writable, 2 MiB */
    movl %eax, boot_pd(, %ecx, 8)
    incl %ecx
    cmpl $2048, %ecx
    jb 2b

    movl $boot_pml4, %eax
    movl %eax, %cr3
    movl %cr4, %eax
    orl $LOADER_CR4_PAE, %eax
    movl %eax, %cr4
    movl $LOADER_MSR_EFER, %ecx
    rdmsr
    orl $LOADER_EFER_BITS, %eax
    wrmsr
    movl %cr0, %eax
    orl $LOADER_CR0_BITS, %eax
    movl %eax, %cr0
    lgdt loader_gdt_ptr
    ljmp $LOADER_GDT_CODE64, $entry64

no_nx:
    movl $msg_no_nx, %esi
    jmp stop32
no_long_mode:
    movl $msg_no_long_mode, %esi
/* The stop sequence of lib/ring0_stop.c, for a CPU that cannot run it. */
stop32:
    call serial_init32
    call serial_puts32
    movl $LOADER_STOP_NO_VIRT, %eax
    movw $LOADER_STOP_QEMU_PORT, %dx
    outl %eax, %dx
    movl $msg_shutdown, %esi
    movw $LOADER_STOP_BOCHS_PORT, %dx
3:  lodsb
    testb %al, %al
    jz 4f
    outb %al, %dx
    jmp 3b
4:  cli
    hlt
    jmp 4b

/* 115200 8N1, FIFOs on, interrupts off: what lib/uart.c does. */
serial_init32:
    movw $(LOADER_COM1 + 1), %dx
    movb $0x00, %al
    outb %al, %dx
    movw $(LOADER_COM1 + 3), %dx
    movb $0x80, %al
    outb %al, %dx
    movw $LOADER_COM1, %dx
    movb $1, %al
    outb %al, %dx
    movw $(LOADER_COM1 + 1), %dx
    movb $0, %al
    outb %al, %dx
    movw $(LOADER_COM1 + 3), %dx
    movb $0x03, %al
    outb %al, %dx
    movw $(LOADER_COM1 + 2), %dx
    movb $0x07, %al
    outb %al, %dx
    movw $(LOADER_COM1 + 4), %dx
    movb $0x03, %al
    outb %al, %dx
    ret

/* Writes the NUL-terminated string at %esi, waiting (bounded) for THRE. */
serial_puts32:
    lodsb
    testb %al, %al
    jz 3f
    movb %al, %bl
    movl $100000, %ecx
    movw $(LOADER_COM1 + 5), %dx
1:  inb %dx, %al
    testb $0x20, %al
    jnz 2f
    loop 1b
2:  movw $LOADER_COM1, %dx
    movb %bl, %al
    outb %al, %dx
    jmp serial_puts32
3:  ret

/* ---- 64-bit entry ---- */
    .code64
entry64:
    movw $LOADER_GDT_DATA, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    xorl %eax, %eax
    movw %ax, %fs
    movw %ax, %gs

    /* Stack canary from the TSC, for our global guard and for libfdt's
     * %fs:0x28. The low byte is zero so string overruns cannot forge it. */
    rdtsc
    shlq $32, %rdx
    orq %rdx, %rax
    movabsq $0x9e3779b97f4a7c15, %rcx
    imulq %rcx, %rax
    xorb %al, %al
    movq %rax, __stack_chk_guard(%rip)
    movq %rax, loader_tls + LOADER_CANARY_OFFSET(%rip)
    leaq loader_tls(%rip), %rax
    movq %rax, %rdx
    shrq $32, %rdx
    movl $LOADER_MSR_FS_BASE, %ecx
    wrmsr

    movl boot_magic(%rip), %edi
    movl boot_info_phys(%rip), %esi
    call loader_main
5:  cli
    hlt
    jmp 5b

    .section .rodata
msg_no_long_mode:
    .ascii "loader: this CPU has no 64-bit long mode; Vireo needs an x86-64 CPU\r\n"
    .asciz "vireo: system stop, status 4: no 64-bit long mode\r\n"
msg_no_nx:
    .ascii "loader: this CPU has no no-execute (NX) page protection; Vireo needs it\r\n"
    .asciz "vireo: system stop, status 4: no NX page protection\r\n"
msg_shutdown:
    .asciz "Shutdown"

    .balign 8
    .globl loader_gdt
loader_gdt:
    .quad 0
    .quad 0x00af9b000000ffff /* 0x08: 64-bit code, ring 0 */
    .quad 0x00cf93000000ffff /* 0x10: flat data */
loader_gdt_end:
loader_gdt_ptr:
    .short loader_gdt_end - loader_gdt - 1
    .quad loader_gdt

    .section .data
    .balign 4
boot_magic:
    .long 0
boot_info_phys:
    .long 0

    .section .bss
    .balign 4096
boot_pml4:
    .skip 4096
boot_pdpt:
    .skip 4096
boot_pd:
    .skip 4 * 4096
    .balign 16
loader_stack:
    .skip LOADER_STACK_SIZE
loader_stack_top:
    .balign 64
loader_tls:
    .skip 64
