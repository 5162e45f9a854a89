/*
 * The loader in long mode: read the boot information, check the modules,
 * place the kernel, build boot_info and the hand-over page tables, jump.
 */
#include "asm_defs.h"
#include "console.h"
#include "dtb_check.h"
#include "kernel_elf.h"
#include "memmap.h"
#include "modules.h"
#include "multiboot.h"
#include "paging.h"
#include "phys_alloc.h"
#include "rsdp.h"
#include "exceptions.h"
#include <vireo/boot_info.h>
#include <vireo/format.h>
#include <vireo/stop.h>
#include <vireo/uart.h>
#include <vireo/x86/pte.h>
#include <x86/cpu.h>
#include <string.h>

_Static_assert(LOADER_STOP_NO_VIRT == VIREO_STOP_NO_VIRT, "asm_defs.h out of date");
_Static_assert(LOADER_STOP_QEMU_PORT == VIREO_STOP_QEMU_PORT, "asm_defs.h out of date");
_Static_assert(LOADER_STOP_BOCHS_PORT == VIREO_STOP_BOCHS_PORT, "asm_defs.h out of date");
_Static_assert(LOADER_MSR_FS_BASE == MSR_FS_BASE && LOADER_MSR_EFER == MSR_EFER,
               "asm_defs.h out of date");
_Static_assert(LOADER_EFER_BITS == (EFER_LME | EFER_NXE), "asm_defs.h out of date");
_Static_assert(LOADER_CR0_BITS == (CR0_PG | CR0_WP | CR0_PE), "asm_defs.h out of date");

#define FOUR_GIB          0x100000000ull
#define ONE_MIB           0x100000ull
#define KERNEL_STACK_SIZE 0x4000ull
#define MAX_CARVES        (VIREO_BOOT_MAX_MODULES + 8)

void loader_main(u32 magic, u32 info_phys);
__attribute__((noreturn)) void loader_handover(u64 cr3, u64 stack_top, u64 boot_info_phys,
                                               u64 entry);

extern char __image_start[], __image_end[];

/* Large state lives here rather than on the 16 KiB stack. */
static struct boot_input input;
static struct vireo_mem_region fw_map[VIREO_BOOT_MAX_MEM];
static struct kernel_plan plan;
static struct phys_alloc alloc;
static struct mem_carve carves[MAX_CARVES];
static char carve_names[VIREO_BOOT_MAX_MODULES][VIREO_BOOT_NAME_LEN + 16];
static struct boot_error err;

static void must(bool ok)
{
    if (!ok)
        loader_stop(&err);
}

static void *phys_ptr(u64 phys)
{
    return (void *)(uintptr_t)phys;
}

/* The loader runs on an identity map of the low 4 GiB. */
static const void *identity_view(void *ctx, u64 phys, u64 size)
{
    (void)ctx;
    if (phys == 0 || phys + size < phys || phys + size > FOUR_GIB)
        return NULL;
    return phys_ptr(phys);
}

static u64 image_start(void)
{
    return (u64)(uintptr_t)__image_start;
}

static u64 image_size(void)
{
    return (u64)(uintptr_t)__image_end - image_start();
}

static void add_carve(u32 *n, u64 base, u64 size, u32 type, const char *what)
{
    carves[(*n)++] = (struct mem_carve){.base = base, .size = size, .type = type, .what = what};
}

static void reserve(u64 base, u64 size)
{
    if (!phys_alloc_reserve(&alloc, base, size))
        must(boot_fail(&err, VIREO_STOP_NO_MEMORY, "too many reserved ranges",
                       "too many reserved memory ranges for the allocator"));
}

static u64 allocate(u64 size, u64 align, const char *what)
{
    u64 at = phys_alloc(&alloc, size, align);
    if (!at)
        must(boot_fail(&err, VIREO_STOP_NO_MEMORY, "not enough memory to boot",
                       "no room below 4 GiB for %s (%llu KiB, %llu KiB aligned)", what,
                       (unsigned long long)(size + 1023) / 1024, (unsigned long long)align / 1024));
    return at;
}

/* The RSDP: the boot loader's copy (kept next to boot_info), else a search
 * of the EBDA's first KiB and the BIOS area 0xe0000..0xfffff. */
static u64 find_rsdp(u8 *copy_to, u64 copy_phys)
{
    if (input.rsdp_size && rsdp_valid(input.rsdp, input.rsdp_size)) {
        memcpy(copy_to, input.rsdp, input.rsdp_size);
        return copy_phys;
    }
    u16 ebda_segment;
    memcpy(&ebda_segment, phys_ptr(0x40e), sizeof(ebda_segment));
    u64 ebda = (u64)ebda_segment << 4;
    if (ebda >= 0x80000 && ebda < 0xa0000) {
        long off = rsdp_find(phys_ptr(ebda), 1024);
        if (off >= 0)
            return ebda + (u64)off;
    }
    long off = rsdp_find(phys_ptr(0xe0000), 0x20000);
    return off >= 0 ? 0xe0000 + (u64)off : 0;
}

static void load_kernel(const struct vireo_module *kernel, u64 kernel_phys)
{
    u8 *dst = phys_ptr(kernel_phys);
    const u8 *src = phys_ptr(kernel->phys);
    memset(dst, 0, plan.size);
    for (u32 i = 0; i < plan.elf.segment_count; i++) {
        const struct elf64_segment *s = &plan.elf.segments[i];
        memcpy(dst + (s->vaddr - VIREO_KERNEL_VIRT_BASE), src + s->offset, s->filesz);
    }
}

static void map_or_stop(struct pt_builder *pt, u64 va, u64 pa, u64 size, u64 flags)
{
    if (!pt_map(pt, va, pa, size, flags))
        must(boot_fail(&err, VIREO_STOP_NO_MEMORY, "page table pool exhausted",
                       "could not map 0x%llx -> 0x%llx in the hand-over page tables",
                       (unsigned long long)va, (unsigned long long)pa));
}

/* Each kernel page gets the union of the permissions of the segments that
 * touch it; pages no segment touches stay unmapped. */
static void map_kernel(struct pt_builder *pt, u64 kernel_phys)
{
    for (u64 off = 0; off < plan.size; off += PAGE_SIZE) {
        u64 va = VIREO_KERNEL_VIRT_BASE + off;
        bool touched = false, writable = false, executable = false;
        for (u32 i = 0; i < plan.elf.segment_count; i++) {
            const struct elf64_segment *s = &plan.elf.segments[i];
            if (s->vaddr < va + PAGE_SIZE && va < s->vaddr + s->memsz) {
                touched = true;
                writable |= (s->flags & PF_W) != 0;
                executable |= (s->flags & PF_X) != 0;
            }
        }
        if (touched)
            map_or_stop(pt, va, kernel_phys + off, PAGE_SIZE,
                        (writable ? PTE_W : 0) | (executable ? 0 : PTE_NX));
    }
}

static void build_tables(struct pt_builder *pt, u64 phys_limit, u64 kernel_phys)
{
    for (u64 pa = 0; pa < FOUR_GIB; pa += LARGE_PAGE_SIZE)
        map_or_stop(pt, pa, pa, LARGE_PAGE_SIZE, PTE_W);
    for (u64 pa = 0; pa < phys_limit; pa += LARGE_PAGE_SIZE)
        map_or_stop(pt, VIREO_PHYSMAP_BASE + pa, pa, LARGE_PAGE_SIZE, PTE_W | PTE_NX);
    map_kernel(pt, kernel_phys);
}

void loader_main(u32 magic, u32 info_phys)
{
    uart_init(UART_COM1);
    loader_idt_init();
    struct phys_view view = {.map = identity_view};
    must(multiboot_parse(magic, info_phys, &view, &input, &err));
    u32 fw_count;
    must(memmap_sanitize(input.mem, input.mem_count, fw_map, VIREO_BOOT_MAX_MEM, &fw_count, &err));
    loader_print("vireo loader: multiboot%u, %u module%s, %llu MiB usable\n", input.protocol,
                 input.module_count, input.module_count == 1 ? "" : "s",
                 (unsigned long long)(memmap_usable_bytes(fw_map, fw_count) >> 20));

    /* The modules and what they must contain. */
    const struct vireo_module *kernel, *dtb, *init;
    must(module_check_unique(input.modules, input.module_count, &err));
    must(module_require(input.modules, input.module_count, VIREO_MODULE_KERNEL, &kernel, &err));
    must(module_require(input.modules, input.module_count, VIREO_MODULE_INIT, &init, &err));
    must(module_require(input.modules, input.module_count, VIREO_MODULE_DTB, &dtb, &err));
    must(dtb_check(phys_ptr(dtb->phys), dtb->size, input.modules, input.module_count, &err));
    must(kernel_elf_check(phys_ptr(kernel->phys), kernel->size, &plan, &err));

    /* Everything that must survive: the loader, the modules, and the
     * information block (already copied out, kept anyway for safety). */
    phys_alloc_init(&alloc, fw_map, fw_count, ONE_MIB, FOUR_GIB);
    reserve(image_start(), image_size());
    reserve(input.info_phys, input.info_size);
    for (u32 i = 0; i < input.module_count; i++)
        reserve(input.modules[i].phys, input.modules[i].size);

    u64 phys_limit = (memmap_end(fw_map, fw_count) + LARGE_PAGE_SIZE - 1) & ~(LARGE_PAGE_SIZE - 1);
    u64 kernel_phys = allocate(plan.size, LARGE_PAGE_SIZE, "the kernel image");
    u32 pt_pages = pt_pages_bound(phys_limit, plan.size);
    u64 pt_phys = allocate((u64)pt_pages * PAGE_SIZE, PAGE_SIZE, "the hand-over page tables");
    u64 stack_phys = allocate(KERNEL_STACK_SIZE, PAGE_SIZE, "the kernel stack");
    u64 bi_bytes = sizeof(struct vireo_boot_info) + RSDP_MAX_SIZE;
    u64 bi_phys = allocate(bi_bytes, PAGE_SIZE, "the boot information");
    struct vireo_boot_info *bi = phys_ptr(bi_phys);
    memset(bi, 0, bi_bytes);

    load_kernel(kernel, kernel_phys);

    /* boot_info.mem: the firmware's map with all of the above carved out. */
    u32 nc = 0;
    add_carve(&nc, kernel_phys, plan.size, VIREO_MEM_KERNEL, "the kernel");
    for (u32 i = 0; i < input.module_count; i++) {
        snformat(carve_names[i], sizeof(carve_names[i]), "module '%s'", input.modules[i].name);
        add_carve(&nc, input.modules[i].phys, input.modules[i].size, VIREO_MEM_MODULE,
                  carve_names[i]);
    }
    add_carve(&nc, image_start(), image_size(), VIREO_MEM_BOOT, "the loader");
    add_carve(&nc, pt_phys, (u64)pt_pages * PAGE_SIZE, VIREO_MEM_BOOT, "the page tables");
    add_carve(&nc, stack_phys, KERNEL_STACK_SIZE, VIREO_MEM_BOOT, "the kernel stack");
    add_carve(&nc, bi_phys, bi_bytes, VIREO_MEM_BOOT, "the boot information");
    must(memmap_carve(fw_map, fw_count, carves, nc, bi->mem, VIREO_BOOT_MAX_MEM, &bi->mem_count,
                      &err));

    bi->magic = VIREO_BOOT_MAGIC;
    bi->version = VIREO_BOOT_VERSION;
    bi->size = sizeof(*bi);
    bi->protocol = input.protocol;
    bi->module_count = input.module_count;
    bi->phys_limit = phys_limit;
    bi->kernel_phys = kernel_phys;
    bi->kernel_size = plan.size;
    bi->dtb_phys = dtb->phys;
    bi->dtb_size = dtb->size;
    bi->rsdp_phys = find_rsdp((u8 *)(bi + 1), bi_phys + sizeof(*bi));
    memcpy(bi->cmdline, input.cmdline, sizeof(bi->cmdline));
    memcpy(bi->modules, input.modules, sizeof(input.modules[0]) * input.module_count);

    struct pt_builder pt;
    if (!pt_init(&pt, phys_ptr(pt_phys), pt_phys, pt_pages))
        must(boot_fail(&err, VIREO_STOP_NO_MEMORY, "no page tables", "empty page table pool"));
    build_tables(&pt, phys_limit, kernel_phys);

    loader_print("loader: kernel at 0x%llx (%llu KiB), entry 0x%llx, %u memory regions, "
                 "direct map up to 0x%llx\n",
                 (unsigned long long)kernel_phys, (unsigned long long)plan.size / 1024,
                 (unsigned long long)plan.elf.entry, bi->mem_count, (unsigned long long)phys_limit);

    /* Hand-over state: NX and WP are on since entry.S; the kernel gets a
     * clean FS base and the stack through the direct map. */
    wrmsr(MSR_FS_BASE, 0);
    loader_handover(pt.pml4_phys, VIREO_PHYSMAP_BASE + stack_phys + KERNEL_STACK_SIZE, bi_phys,
                    plan.elf.entry);
}
