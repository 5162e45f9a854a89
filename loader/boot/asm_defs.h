/* Constants shared by the assembly entry code and C (the ABI headers hold
 * enums and ull suffixes the assembler cannot read; main.c checks that
 * these match them). */
#ifndef LOADER_ASM_DEFS_H
#define LOADER_ASM_DEFS_H

#define MB1_HEADER_MAGIC 0x1badb002
/* page-align modules, memory information, address fields (a.out kludge) */
#define MB1_HEADER_FLAGS 0x00010003
#define MB2_HEADER_MAGIC 0xe85250d6

#define LOADER_GDT_CODE64 0x08
#define LOADER_GDT_DATA   0x10
#define LOADER_STACK_SIZE 0x4000

#define LOADER_COM1            0x3f8
#define LOADER_STOP_NO_VIRT    4 /* VIREO_STOP_NO_VIRT */
#define LOADER_STOP_QEMU_PORT  0xf4
#define LOADER_STOP_BOCHS_PORT 0x8900

#define LOADER_MSR_EFER      0xc0000080
#define LOADER_MSR_FS_BASE   0xc0000100
#define LOADER_EFER_BITS     0x900      /* LME | NXE */
#define LOADER_CR0_BITS      0x80010001 /* PG | WP | PE */
#define LOADER_CR4_PAE       0x20
#define LOADER_CANARY_OFFSET 0x28 /* where stack-protected code reads %fs:0x28 */

#endif
