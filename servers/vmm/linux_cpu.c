/* The Linux guest's long-mode start: identity map, GDT, registers
 * (linux_boot.h). */
#include "linux_boot.h"
#include <vireo/x86/cr.h>
#include <vireo/x86/msr.h>
#include <vireo/x86/pte.h>

#define PD_COUNT (LINUX_PT_PAGES - 2)
_Static_assert(PD_COUNT *PT_ENTRIES *LARGE_PAGE_SIZE == LINUX_MAPPED_END,
               "the page directories map the first 4 GiB");
_Static_assert(LINUX_PT_END <= LINUX_CMDLINE_ADDR && LINUX_GDT_ADDR + 0x1000 <= LINUX_PML4_ADDR,
               "the boot pages do not overlap");

static u64 table_addr(u32 page)
{
    return LINUX_PML4_ADDR + (u64)page * PAGE_SIZE;
}

u64 linux_page_table_entry(u32 page, u32 index)
{
    const u64 table = PTE_P | PTE_W;
    if (index >= PT_ENTRIES || page >= LINUX_PT_PAGES)
        return 0;
    if (page == 0) /* PML4: the PDPT in entry 0 */
        return index == 0 ? table_addr(1) | table : 0;
    if (page == 1) /* PDPT: the four page directories */
        return index < PD_COUNT ? table_addr(2 + index) | table : 0;
    u64 base = ((u64)(page - 2) * PT_ENTRIES + index) * LARGE_PAGE_SIZE;
    return base | table | PTE_PS;
}

/* A base-0 descriptor, limit 0xfffff in 4 KiB units, attributes ar (bits
 * 7:0 are descriptor bits 47:40, bits 11:8 bits 55:52). */
static u64 descriptor(u16 ar)
{
    return 0xffffull | (u64)(ar & 0xff) << 40 | 0xfull << 48 | (u64)((ar >> 8) & 0xf) << 52;
}

void linux_gdt(u64 gdt[LINUX_GDT_ENTRIES])
{
    gdt[0] = gdt[1] = 0;
    gdt[LINUX_BOOT_CS / 8] = descriptor(LINUX_AR_CODE64);
    gdt[LINUX_BOOT_DS / 8] = descriptor(LINUX_AR_DATA);
}

void linux_cpu_start(const struct linux_plan *plan, struct linux_cpu_start *cpu)
{
    *cpu = (struct linux_cpu_start){
        .rip = plan->entry,
        .rsi = LINUX_BOOT_PARAMS_ADDR,
        .rflags = RFLAGS_FIXED1, /* IF clear */
        .cr0 = CR0_PE | CR0_ET | CR0_PG,
        .cr3 = LINUX_PML4_ADDR,
        .cr4 = CR4_PAE,
        .efer = EFER_LME | EFER_LMA,
        .gdt_base = LINUX_GDT_ADDR,
        .gdt_limit = LINUX_GDT_ENTRIES * 8 - 1,
        .cs = LINUX_BOOT_CS,
        .ds = LINUX_BOOT_DS,
        .cs_ar = LINUX_AR_CODE64,
        .ds_ar = LINUX_AR_DATA,
    };
}
