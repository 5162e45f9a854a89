/*
 * Numbers the guest runtime's assembly and C share: the GDT selectors, the
 * multiboot1 constants and the few architectural bits the entry code sets.
 * Plain #defines only, so that .S files can include it.
 */
#ifndef GUEST_LAYOUT_H
#define GUEST_LAYOUT_H

/* Multiboot 1: header flags ask for memory information (bit 1) and say the
 * address fields are valid (bit 16, "a.out kludge"), which is what lets
 * QEMU's -kernel load a 64-bit ELF. */
#define MB1_HEADER_MAGIC 0x1badb002
#define MB1_HEADER_FLAGS 0x00010002
#define MB1_BOOT_MAGIC   0x2badb002

/* GDT (entry.S builds it; the TSS descriptor is filled in by idt.c). */
#define SEL_CODE64  0x08
#define SEL_DATA    0x10
#define SEL_CODE32  0x18
#define SEL_CODE16  0x20 /* base 0, limit 64 KiB: for leaving to real mode */
#define SEL_DATA16  0x28
#define SEL_UDATA   0x33 /* ring 3 */
#define SEL_UCODE64 0x3b
#define SEL_TSS     0x40
#define GDT_ENTRIES 10 /* the TSS takes two */

#ifdef __ASSEMBLER__
/* For the assembly only: C code takes these from abi/vireo/x86/cr.h and
 * msr.h, whose forms (ull constants, an enum) the assembler cannot read. */
#define CR0_PE   (1 << 0)
#define CR0_WP   (1 << 16)
#define CR0_AM   (1 << 18)
#define CR0_PG   (1 << 31)
#define CR4_PAE  (1 << 5)
#define MSR_EFER 0xc0000080
#define EFER_LME (1 << 8)
#define EFER_NXE (1 << 11)
#endif

/* Stacks: the main one, and the one ring-3 traps arrive on (TSS.RSP0). */
#define RT_STACK_SIZE      0x4000
#define RT_TRAP_STACK_SIZE 0x2000

/* The vector ring-3 code uses to come back (rt_user_call, user.S). */
#define RT_VEC_USER_RETURN 0x80

#endif
