/* init, the root task: its address space is built here from boot
 * mappings (outside the mapping database: init is the root of every
 * delegation chain, abi/vireo/init_info.h), then its EC and SC are created
 * in its own capability space as init itself would, and the scheduler
 * takes over. */
#include "init_task.h"
#include "rt/console_input.h"
#include "log.h"
#include "memory.h"
#include "page_table.h"
#include "random.h"
#include "rt/runtime.h"
#include "stop.h"
#include "syscall.h"
#include "x86/apic.h"
#include "x86/ec_context.h"
#include "x86/rtc.h"
#include <string.h>
#include <vireo/elf64.h>
#include <vireo/init_info.h>
#include <vireo/syscall.h>
#include <vireo/utcb.h>

#define USER_RW (PTE_U | PTE_W | PTE_NX)
#define USER_RO (PTE_U | PTE_NX)

static struct elf64_image elf; /* large: not on the boot stack */

/* init's segments: page 0 stays unmapped, everything from the modules up is
 * the kernel's; each page gets one segment's rights, never W+X. */
static const struct elf64_rules init_rules = {
    .low = 0x1000,
    .high = VIREO_INIT_MODULES_ADDR,
    .range_name = "user range",
    .separate_pages = true,
    .forbid_wx = true,
};

static __attribute__((noreturn)) void bad_boot(const char *what)
{
    log_error("kernel: init: %s\n", what);
    system_stop(VIREO_STOP_BAD_BOOT, what);
}

static const struct vireo_module *find_module(const struct vireo_boot_info *boot, const char *name)
{
    for (u32 i = 0; i < boot->module_count; i++) {
        if (strcmp(boot->modules[i].name, name) == 0)
            return &boot->modules[i];
    }
    return NULL;
}

static void map_user(u64 pml4, u64 virt, u64 phys, u64 flags)
{
    enum vireo_status s = pt_map(pml4, virt, phys, flags);
    if (s == VIREO_E_NO_MEMORY) {
        log_error("kernel: init: out of memory for its address space\n");
        system_stop(VIREO_STOP_NO_MEMORY, "out of memory loading init");
    }
    if (s != VIREO_OK)
        bad_boot("address space layout conflict");
}

/* A fresh zeroed frame mapped at virt; returns its kernel address. */
static void *map_new_page(u64 pml4, u64 virt, u64 flags)
{
    u64 frame = frame_alloc();
    if (!frame) {
        log_error("kernel: init: out of memory for its address space\n");
        system_stop(VIREO_STOP_NO_MEMORY, "out of memory loading init");
    }
    map_user(pml4, virt, frame, flags);
    return phys_to_virt(frame);
}

static void load_segments(u64 pml4, const u8 *image)
{
    for (u32 i = 0; i < elf.segment_count; i++) {
        const struct elf64_segment *s = &elf.segments[i];
        u64 flags = PTE_U | ((s->flags & PF_W) ? PTE_W : 0) | ((s->flags & PF_X) ? 0 : PTE_NX);
        u64 first = s->vaddr & ~(PAGE_SIZE - 1);
        u64 end = s->vaddr + s->memsz;
        u64 file_end = s->vaddr + s->filesz;
        for (u64 page = first; page < end; page += PAGE_SIZE) {
            u8 *dst = map_new_page(pml4, page, flags);
            /* The file bytes that fall into this page; the rest stays 0. */
            u64 from = page > s->vaddr ? page : s->vaddr;
            u64 to = page + PAGE_SIZE < file_end ? page + PAGE_SIZE : file_end;
            if (from < to)
                memcpy(dst + (from - page), image + s->offset + (from - s->vaddr), to - from);
        }
    }
}

/* A module read-only at virt. Whole pages of a page-aligned module are
 * mapped as they are; a partial last page (or an unaligned module) is
 * copied, so init sees nothing that merely shares a frame with it. */
static void map_module(u64 pml4, u64 virt, u64 phys, u64 size)
{
    bool aligned = phys % PAGE_SIZE == 0;
    for (u64 off = 0; off < size; off += PAGE_SIZE) {
        u64 chunk = size - off < PAGE_SIZE ? size - off : PAGE_SIZE;
        if (aligned && chunk == PAGE_SIZE) {
            map_user(pml4, virt + off, phys + off, USER_RO);
        } else {
            u8 *dst = map_new_page(pml4, virt + off, USER_RO);
            memcpy(dst, (const u8 *)phys_to_virt(phys) + off, chunk);
        }
    }
}

/* Every module but the kernel, from VIREO_INIT_MODULES_ADDR up, with an
 * unmapped page between two. */
static void map_modules(u64 pml4, const struct vireo_boot_info *boot, struct vireo_init_info *info)
{
    u64 virt = VIREO_INIT_MODULES_ADDR;
    for (u32 i = 0; i < boot->module_count && info->module_count < VIREO_INIT_MAX_MODULES; i++) {
        const struct vireo_module *m = &boot->modules[i];
        if (strcmp(m->name, VIREO_MODULE_KERNEL) == 0)
            continue;
        u64 pages = (m->size + PAGE_SIZE - 1) / PAGE_SIZE;
        if (m->phys + m->size < m->phys || m->phys + m->size > boot->phys_limit ||
            pages > (VIREO_INIT_DTB_ADDR - virt) / PAGE_SIZE - 1)
            bad_boot("a boot module lies outside physical memory or is too large");
        map_module(pml4, virt, m->phys, m->size);
        struct vireo_init_module *out = &info->modules[info->module_count++];
        out->addr = virt;
        out->size = m->size;
        _Static_assert(sizeof(out->name) == sizeof(m->name), "module names fit");
        memcpy(out->name, m->name, sizeof(out->name));
        out->name[sizeof(out->name) - 1] = '\0';
        virt += (pages + 1) * PAGE_SIZE;
    }
}

static bool in_physmap(const struct vireo_boot_info *boot, u64 phys, u64 size)
{
    return phys + size >= phys && phys + size <= boot->phys_limit;
}

void init_task_start(const struct vireo_boot_info *boot, enum vireo_virt_kind virt)
{
    const struct vireo_module *mod = find_module(boot, VIREO_MODULE_INIT);
    if (!mod)
        bad_boot("no \"init\" boot module");
    if (!boot->dtb_phys || !boot->dtb_size)
        bad_boot("no \"system.dtb\" boot module");
    if (boot->dtb_size > VIREO_INIT_INFO_ADDR - VIREO_INIT_DTB_ADDR)
        bad_boot("system.dtb is too large");
    if (!in_physmap(boot, mod->phys, mod->size) ||
        !in_physmap(boot, boot->dtb_phys, boot->dtb_size))
        bad_boot("a boot module lies outside physical memory");

    const u8 *image = phys_to_virt(mod->phys);
    char why[200];
    if (!elf64_parse(image, mod->size, &init_rules, &elf, why, sizeof(why))) {
        log_error("kernel: init: bad ELF: %s\n", why);
        system_stop(VIREO_STOP_BAD_BOOT, "bad init ELF");
    }

    u64 pml4 = kobj.init_pd->arch_space;
    load_segments(pml4, image);

    for (u64 va = VIREO_INIT_STACK_TOP - VIREO_INIT_STACK_SIZE; va < VIREO_INIT_STACK_TOP;
         va += PAGE_SIZE)
        map_new_page(pml4, va, USER_RW);

    struct vireo_utcb *utcb = map_new_page(pml4, VIREO_INIT_UTCB_ADDR, USER_RW);
    utcb->head.self = VIREO_INIT_UTCB_ADDR;
    utcb->head.stack_guard = random_u64() & ~0xffull;

    struct vireo_init_info *info = map_new_page(pml4, VIREO_INIT_INFO_ADDR, USER_RO);
    info->magic = VIREO_INIT_MAGIC;
    info->dtb_addr = VIREO_INIT_DTB_ADDR;
    info->dtb_size = boot->dtb_size;
    info->utcb_addr = VIREO_INIT_UTCB_ADDR;
    info->cpu_count = 1;
    info->virt = virt;
    info->tsc_khz = (u32)tsc_khz();
    info->epoch_s = rtc_epoch_s();
    info->epoch_tsc = rtc_epoch_tsc();
    map_module(pml4, VIREO_INIT_DTB_ADDR, boot->dtb_phys, boot->dtb_size);
    map_modules(pml4, boot, info);

    /* init's thread and its time, in its own space like any other. */
    const u64 ec_args[6] = {
        VIREO_INIT_SEL_EC, VIREO_INIT_SEL_PD,        VIREO_INIT_UTCB_ADDR / PAGE_SIZE,
        elf.entry,         VIREO_INIT_STACK_TOP - 8, 0};
    const u64 sc_args[6] = {VIREO_INIT_SEL_SC, VIREO_INIT_SEL_PD,    VIREO_INIT_SEL_EC,
                            VIREO_INIT_PRIO,   VIREO_INIT_BUDGET_US, 0};
    struct obj_ec *ec = (struct obj_ec *)syscall_boot_create(VIREO_SYS_CREATE_EC, ec_args);
    if (!ec)
        system_stop(VIREO_STOP_NO_MEMORY, "cannot create init's EC");
    ec_frame(ec)->rdi = VIREO_INIT_INFO_ADDR;
    if (!syscall_boot_create(VIREO_SYS_CREATE_SC, sc_args))
        system_stop(VIREO_STOP_NO_MEMORY, "cannot create init's SC");
    const u64 sm_args[6] = {VIREO_INIT_SEL_CONSOLE, VIREO_INIT_SEL_PD, 0, 0, 0, 0};
    struct obj_sm *console = (struct obj_sm *)syscall_boot_create(VIREO_SYS_CREATE_SM, sm_args);
    if (!console)
        system_stop(VIREO_STOP_NO_MEMORY, "cannot create the console input semaphore");
    console_input_init(console);
    log_info("kernel: starting init (%llu KiB, %u modules)\n",
             (unsigned long long)((mod->size + 1023) / 1024), info->module_count);
    rt_exit();
}
