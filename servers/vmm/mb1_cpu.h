/*
 * The machine state a multiboot1 kernel starts in (specification 3.2), as
 * QEMU's option ROM leaves it: EAX = MB1_BOOT_MAGIC, EBX = the info
 * structure, 32-bit protected mode without paging (CR0 = PE, plus ET,
 * which every CPU since the P6 hardwires), flat 4 GiB segments through a
 * GDT in the boot page (code 0x08, data 0x10 in DS ES FS GS SS), EFLAGS =
 * 0x2 (IF clear), no IDT (limit 0: an early fault ends the VM at once
 * rather than running garbage gates). A20 is not a CPU register: guest
 * RAM is mapped linearly (no A20 masking); a port 0x92 model must read
 * back A20 set.
 */
#ifndef VIREO_VMM_MB1_CPU_H
#define VIREO_VMM_MB1_CPU_H

#include "mb1_boot.h"
#include <vireo/vmexit.h>

#define MB1_SEL_CODE    0x08
#define MB1_SEL_DATA    0x10
#define MB1_GDT_ENTRIES 3

/* Segment attributes (the vireo_seg / SVM layout): accessed types, so the
 * CPU never writes the descriptors and VMX takes them as they are. */
#define MB1_AR_CODE32 0xc9bu /* G DB P S, type 0xb: execute/read, accessed */
#define MB1_AR_DATA32 0xc93u /* G DB P S, type 0x3: read/write, accessed */
#define MB1_AR_TSS32  0x08bu /* P, type 0xb: busy 32-bit TSS */

/* The items mb1_vcpu_start sets (its state's mtd). */
#define MB1_VCPU_MTD                                                                               \
    (VIREO_MTD_GPRS | VIREO_MTD(RSP) | VIREO_MTD(RIP_LEN) | VIREO_MTD(RFLAGS) | VIREO_MTD(CS_SS) | \
     VIREO_MTD(DS_ES) | VIREO_MTD(FS_GS) | VIREO_MTD(TR) | VIREO_MTD(LDTR) | VIREO_MTD(GDTR) |     \
     VIREO_MTD(IDTR) | VIREO_MTD(CR0_CR4) | VIREO_MTD(CR2) | VIREO_MTD(CR3) | VIREO_MTD(CR8) |     \
     VIREO_MTD(EFER) | VIREO_MTD(DR7) | VIREO_MTD(DR0_3) | VIREO_MTD(INTR_STATE) |                 \
     VIREO_MTD(PENDING_DBG) | VIREO_MTD(INJECT))

/* The GDT written at MB1_GDT_ADDR: null, code, data descriptors. */
void mb1_gdt(u64 gdt[MB1_GDT_ENTRIES]);

/* What every boot's start state shares (multiboot, Linux): debug
 * registers at their reset values, no event pending or blocked, active,
 * and s->mtd = MB1_VCPU_MTD. */
void boot_vcpu_quiet(struct vireo_vcpu_state *s);

/* Fills the items of MB1_VCPU_MTD in *s for boot, sets s->mtd to it and
 * leaves every other field as it was (TSC, CTRL, XCR0, PAT, SYSENTER and
 * SYSCALL are the VMM's, or the vCPU's reset values). */
void mb1_vcpu_start(const struct mb1_boot *boot, struct vireo_vcpu_state *s);

#endif
