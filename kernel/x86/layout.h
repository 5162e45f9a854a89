/* Numbers shared by the assembly entry paths and C: segment selectors,
 * interrupt vectors and the offsets of per-CPU fields the entry code reads
 * through %gs. percpu.c checks the offsets against the C structures. */
#ifndef KERNEL_X86_LAYOUT_H
#define KERNEL_X86_LAYOUT_H

/* GDT, laid out for SYSCALL/SYSRET: STAR[47:32] = KERNEL_CS gives SS =
 * KERNEL_CS + 8; STAR[63:48] = USER_CODE32 gives SYSRET's CS = +16 and
 * SS = +8. */
#define GDT_KERNEL_CODE 0x08
#define GDT_KERNEL_DATA 0x10
#define GDT_USER_CODE32 0x18 /* placeholder: no 32-bit user code */
#define GDT_USER_DATA   0x20
#define GDT_USER_CODE   0x28
#define GDT_TSS         0x30 /* 16 bytes: 0x30 and 0x38 */
#define GDT_ENTRIES     8
#define USER_CS         (GDT_USER_CODE | 3)
#define USER_SS         (GDT_USER_DATA | 3)

/* Vectors: 0..31 exceptions, 0x20..0x2f the masked legacy PIC (only
 * spurious IRQ 7/15 can arrive), the local APIC's own above them. */
#define VECTOR_PIC_BASE      0x20
#define VECTOR_APIC_TIMER    0x40
#define VECTOR_APIC_ERROR    0xfe
#define VECTOR_APIC_SPURIOUS 0xff
#define VECTOR_SYSCALL       0x100 /* marks a frame built by the syscall entry */

/* IST slots (1-based, as in the IDT gate). */
#define IST_NMI           1
#define IST_DOUBLE_FAULT  2
#define IST_MACHINE_CHECK 3

/* struct percpu */
#define PERCPU_SELF             0
#define PERCPU_KERNEL_STACK_TOP 8
#define PERCPU_USER_RSP         16

/* struct cpu_frame: 15 GPRs, vector, error code, then the hardware frame. */
#define FRAME_VECTOR (15 * 8)
#define FRAME_RIP    (17 * 8)
#define FRAME_CS     (18 * 8)
#define FRAME_SIZE   (22 * 8)

#endif
