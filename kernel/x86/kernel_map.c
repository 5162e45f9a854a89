#include "kernel_map.h"
#include "../log.h"
#include "../memory.h"
#include "../page_table.h"
#include "../stop.h"
#include <x86/cpu.h>

/* From the linker script: section boundaries, page aligned. */
extern const char __text_start[], __text_end[], __rodata_start[], __rodata_end[], __data_start[],
    __kernel_end[];

/* Device windows, just below the kernel image (same PML4 slot). */
#define MMIO_WINDOW_BASE 0xffffffff00000000ull
#define MMIO_WINDOW_SIZE 0x40000000ull

static u64 pml4_phys;
static u64 mmio_next = MMIO_WINDOW_BASE;
static u64 kernel_image_phys;

u64 kernel_pml4(void)
{
    return pml4_phys;
}

static __attribute__((noreturn)) void out_of_memory(void)
{
    log_error("kernel: out of memory building the kernel page tables\n");
    system_stop(VIREO_STOP_NO_MEMORY, "out of memory building the kernel page tables");
}

static void map_or_stop(u64 virt, u64 phys, u64 flags)
{
    enum vireo_status s = pt_map(pml4_phys, virt, phys, flags);
    if (s == VIREO_E_NO_MEMORY)
        out_of_memory();
    /* Overlapping regions of the memory map may map a page twice. */
}

static bool is_ram(u32 type)
{
    switch (type) {
    case VIREO_MEM_USABLE:
    case VIREO_MEM_ACPI_RECLAIM:
    case VIREO_MEM_ACPI_NVS:
    case VIREO_MEM_KERNEL:
    case VIREO_MEM_MODULE:
    case VIREO_MEM_BOOT:
        return true;
    default:
        return false;
    }
}

/* RAM regions at VIREO_PHYSMAP_BASE + phys: 2 MiB pages where a whole
 * aligned 2 MiB lies inside the region, 4 KiB pages at the edges. */
static void map_direct(const struct vireo_boot_info *boot)
{
    const u64 flags = PTE_W | PTE_NX | PTE_G;
    for (u32 i = 0; i < boot->mem_count; i++) {
        const struct vireo_mem_region *r = &boot->mem[i];
        if (!is_ram(r->type) || r->size == 0)
            continue;
        u64 phys = r->base & ~(PAGE_SIZE - 1);
        u64 end = (r->base + r->size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
        while (phys < end) {
            if (phys % LARGE_PAGE_SIZE == 0 && end - phys >= LARGE_PAGE_SIZE) {
                enum vireo_status s =
                    pt_map_large(pml4_phys, VIREO_PHYSMAP_BASE + phys, phys, flags);
                if (s == VIREO_E_NO_MEMORY)
                    out_of_memory();
                if (s == VIREO_OK) {
                    phys += LARGE_PAGE_SIZE;
                    continue;
                }
            }
            map_or_stop(VIREO_PHYSMAP_BASE + phys, phys, flags);
            phys += PAGE_SIZE;
        }
    }
}

static void map_image_range(const char *start, const char *end, u64 flags)
{
    for (u64 virt = (u64)start; virt < (u64)end; virt += PAGE_SIZE)
        map_or_stop(virt, kernel_image_phys + (virt - VIREO_KERNEL_VIRT_BASE), flags | PTE_G);
}

/* Every kernel-half PML4 slot gets its PDPT now, so address spaces that
 * copy the kernel half see mappings added later. */
static void preallocate_kernel_half(void)
{
    u64 *pml4 = phys_to_virt(pml4_phys);
    for (int i = PML4_KERNEL_FIRST; i < PT_ENTRIES; i++) {
        u64 pdpt = frame_alloc();
        if (!pdpt)
            out_of_memory();
        pml4[i] = pdpt | PTE_P | PTE_W;
    }
}

void kernel_map_init(const struct vireo_boot_info *boot)
{
    kernel_image_phys = boot->kernel_phys;
    pml4_phys = frame_alloc();
    if (!pml4_phys)
        out_of_memory();
    preallocate_kernel_half();
    map_direct(boot);
    map_image_range(__text_start, __text_end, 0);
    map_image_range(__rodata_start, __rodata_end, PTE_NX);
    map_image_range(__data_start, __kernel_end, PTE_W | PTE_NX);
    write_cr3(pml4_phys);
}

volatile void *kernel_map_mmio(u64 phys, u64 size)
{
    u64 offset = phys & (PAGE_SIZE - 1);
    u64 pages = (offset + size + PAGE_SIZE - 1) / PAGE_SIZE;
    if (mmio_next + pages * PAGE_SIZE > MMIO_WINDOW_BASE + MMIO_WINDOW_SIZE) {
        log_error("kernel: MMIO window exhausted\n");
        system_stop(VIREO_STOP_NO_MEMORY, "MMIO window exhausted");
    }
    u64 virt = mmio_next;
    for (u64 i = 0; i < pages; i++) {
        u64 page_phys = (phys & ~(PAGE_SIZE - 1)) + i * PAGE_SIZE;
        enum vireo_status s = pt_map(pml4_phys, virt + i * PAGE_SIZE, page_phys,
                                     PTE_W | PTE_NX | PTE_G | PTE_PCD | PTE_PWT);
        if (s != VIREO_OK)
            out_of_memory();
    }
    mmio_next += pages * PAGE_SIZE;
    return (volatile void *)(virt + offset);
}
