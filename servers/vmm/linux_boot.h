/*
 * Booting a Linux bzImage through the 64-bit boot protocol (boot.rst,
 * "64-bit Boot Protocol"; docs/VMM.md): the 16-bit setup code is not run
 * (it needs a BIOS); the VMM does its work: boot_params with the e820 map,
 * the command line, the initrd, and a long-mode CPU at startup_64.
 *
 *   struct linux_boot boot;
 *   if (!linux_load(&req, &mem, &boot, why, sizeof(why))) -> refuse the VM
 *   boot.cpu                                               -> the vCPU's start state
 *
 * Nothing is written unless every check passes.
 */
#ifndef VIREO_VMM_LINUX_BOOT_H
#define VIREO_VMM_LINUX_BOOT_H

#include "guest_mem.h"
#include "linux_plan.h"

/* The CPU state startup_64 needs: long mode with paging through the
 * identity map at cr3, CS = __BOOT_CS (64-bit code), DS ES SS FS GS =
 * __BOOT_DS (flat data) from the GDT at gdt_base, RSI = boot_params, IF
 * clear (rflags 0x2), no IDT, every other GPR 0. The integrator turns it
 * into the vCPU's start state as mb1_vcpu_start does for multiboot. */
struct linux_cpu_start {
    u64 rip, rsi, rflags;
    u64 cr0, cr3, cr4, efer;
    u64 gdt_base;
    u16 gdt_limit;
    u16 cs, ds;       /* selectors */
    u16 cs_ar, ds_ar; /* attributes (the vireo_seg layout) */
};

/* Segment attributes: accessed, so the CPU never writes the GDT. */
#define LINUX_AR_CODE64 0xa9bu /* G L P S, type 0xb: execute/read */
#define LINUX_AR_DATA   0xc93u /* G DB P S, type 0x3: read/write */

struct linux_boot {
    struct linux_plan plan;
    struct linux_cpu_start cpu;
};

/* Loads req into mem (RAM size mem->size). On failure returns false with
 * *out zeroed and a one-line reason in why (why_size bytes, may be 0). */
bool linux_load(const struct linux_request *req, const struct guest_mem *mem,
                struct linux_boot *out, char *why, size_t why_size);

/* The pieces linux_load writes, exposed for tests. */

/* The zero page for plan: the image's setup header, the loader's fields
 * and the e820 map of a VM with ram_size bytes. */
void linux_boot_params(const struct linux_plan *plan, const void *image, u64 ram_size,
                       struct linux_boot_params *bp);

/* Entry `index` of page-table page `page` (0: PML4, 1: PDPT, 2-5: page
 * directories), all at LINUX_PML4_ADDR + page * 4 KiB. */
u64 linux_page_table_entry(u32 page, u32 index);

/* The GDT written at LINUX_GDT_ADDR. */
void linux_gdt(u64 gdt[LINUX_GDT_ENTRIES]);

/* The start state for plan. */
void linux_cpu_start(const struct linux_plan *plan, struct linux_cpu_start *cpu);

#endif
