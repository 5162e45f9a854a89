/*
 * The realmode guest's excursion, run from the runtime's 32-bit hook before
 * long mode: protected mode -> 16-bit protected mode -> real mode (CR0.PE
 * clear), real-mode work writing results below 1 MiB, and back to 32-bit
 * protected mode. main.c checks the results later, from long mode.
 */
#include <guest/layout.h>
#include "realmode.h"

/* Offset of a label from the start of the 16-bit code: its IP under CS
 * RM_CS, wherever the image itself was loaded. */
#define OFF(label) ((label) - rm_blob)

    .text
    .code32
    .globl rt_early32
rt_early32:
    pushal
    movl $RM_RESULTS, %edi     /* results start clear */
    movl $RES_SIZE, %ecx
    xorl %eax, %eax
    rep stosb
    movl $RM_RUNS, %ebx
1:  call excursion
    decl %ebx
    jnz 1b
    popal
    ret

excursion:
    pushal
    movl %esp, saved_esp
    movl $rm_blob, %esi
    movl $RM_BASE, %edi
    movl $(rm_blob_end - rm_blob), %ecx
    rep movsb
    sgdt (RM_BASE + OFF(rm_gdtr))   /* how to come back */
    lidt rm_ivt_ptr                 /* the real-mode IVT at 0 */
    ljmp $SEL_CODE16, $(RM_BASE + OFF(rm_pm16))

rm_back32:
    movw $SEL_DATA, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %fs
    movw %ax, %gs
    movw %ax, %ss
    movl saved_esp, %esp
    popal
    ret

/* ---- 16-bit code, copied to RM_BASE; position-independent within it ---- */
    .code16
    .globl rm_blob, rm_div_at
rm_blob:
rm_pm16:
    /* 16-bit protected mode: 64 KiB limits into the segment caches, then
     * leave protected mode; the far jump loads a real-mode CS. */
    movw $SEL_DATA16, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %fs
    movw %ax, %gs
    movw %ax, %ss
    movl %cr0, %eax
    andl $~CR0_PE, %eax
    movl %eax, %cr0
    ljmp $RM_CS, $OFF(rm_real)

rm_real:
    xorw %ax, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %gs
    movw %ax, %ss
    movw $RM_STACK_TOP, %sp
    movw $RM_RES_SEG, %ax
    movw %ax, %fs

    movl %cr0, %eax
    movl %eax, %fs:RES_CR0

    /* Arithmetic, 16-bit and with the operand-size prefix. */
    movw $1234, %ax
    movw $5678, %bx
    mulw %bx
    movw %ax, %fs:RES_MUL_LO
    movw %dx, %fs:RES_MUL_HI
    movl $0x12345678, %eax
    addl $0x11111111, %eax
    movl %eax, %fs:RES_ADD32
    xorw %dx, %dx
    movw $50000, %ax
    movw $7, %bx
    divw %bx
    movw %ax, %fs:RES_DIV_Q
    movw %dx, %fs:RES_DIV_R

    /* Far jump into the same code through another segment, and back. */
    ljmp $RM_FAR_CS, $((RM_CS - RM_FAR_CS) * 16 + OFF(rm_far))
rm_far:
    movw %cs, %ax
    movw %ax, %fs:RES_FAR_CS
    ljmp $RM_CS, $OFF(rm_far_back)
rm_far_back:
    lcall $RM_CALL_CS, $((RM_CS - RM_CALL_CS) * 16 + OFF(rm_callee))
    movw %cs, %ax
    movw %ax, %fs:RES_CALL_BACK

    /* Segment-relative memory: write through DS, read through an alias. */
    movw $RM_DATA_SEG, %ax
    movw %ax, %ds
    movw $0xbeef, 0x0010
    movw $RM_ALIAS_SEG, %ax
    movw %ax, %es
    movw %es:0x0000, %ax
    movw %ax, %fs:RES_SEG_READ
    xorw %ax, %ax
    movw %ax, %ds
    movw %ax, %es

    /* Our own IVT entries: INT 0x30, and #DE (vector 0). */
    movw $OFF(rm_isr), (RM_INT_VEC * 4)
    movw $RM_CS, (RM_INT_VEC * 4 + 2)
    int $RM_INT_VEC
    movw $OFF(rm_de_handler), 0
    movw $RM_CS, 2
    movw $1, %ax
    xorb %cl, %cl
rm_div_at:
    divb %cl                   /* #DE; the handler skips these 2 bytes */

    /* The UART without a BIOS: 8N1, then poll LSR.THRE per byte. */
    movw $0x3fb, %dx
    movb $0x80, %al
    outb %al, %dx
    movw $0x3f8, %dx
    movb $1, %al
    outb %al, %dx
    movw $0x3f9, %dx
    movb $0, %al
    outb %al, %dx
    movw $0x3fb, %dx
    movb $0x03, %al
    outb %al, %dx
    movw $OFF(rm_msg), %si
2:  movb %cs:(%si), %bl
    testb %bl, %bl
    jz 4f
    movw $0x3fd, %dx
3:  inb %dx, %al
    testb $0x20, %al
    jz 3b
    movw $0x3f8, %dx
    movb %bl, %al
    outb %al, %dx
    incw %si
    jmp 2b
4:  movw $1, %fs:RES_UART

    movw $0x600d, %fs:RES_MAGIC
    incw %fs:RES_RUNS

    /* Back: our GDT, CR0.PE, a far jump to 32-bit code. */
    cli
    lgdtl %cs:OFF(rm_gdtr)
    movl %cr0, %eax
    orl $CR0_PE, %eax
    movl %eax, %cr0
    ljmpl $SEL_CODE32, $rm_back32

rm_callee:
    movw %cs, %ax
    movw %ax, %fs:RES_CALL_CS
    lret

rm_isr:
    pushf
    popw %ax
    movw %ax, %fs:RES_INT_FLAGS
    movw $0x1234, %fs:RES_INT_HIT
    iret

rm_de_handler:
    pushw %bp
    movw %sp, %bp
    movw 2(%bp), %ax
    movw %ax, %fs:RES_DE_IP
    movw 4(%bp), %ax
    movw %ax, %fs:RES_DE_CS
    addw $2, 2(%bp)            /* past DIV CL */
    popw %bp
    iret

rm_msg:
    .asciz "realmode: hello from real mode\r\n"
    .balign 8
rm_gdtr:
    .skip 8                    /* filled by SGDT before each excursion */
rm_blob_end:

    .section .rodata
    .balign 8
rm_ivt_ptr:
    .short 0x3ff
    .long 0

    .bss
    .balign 4
saved_esp:
    .skip 4
