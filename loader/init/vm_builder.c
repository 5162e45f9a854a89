/* Builds the VM a VMM server runs (vm_builder.h): its PD, RAM and guest
 * files, and the capabilities and mappings its VMM gets. */
#include "vm_builder.h"
#include "layout.h"
#include "modules.h"
#include <vireo/cap.h>
#include <vireo/format.h>
#include <vireo/sys.h>
#include <vireo/syscall.h>
#include <string.h>

#define PAGE VIREO_PAGE_SIZE

/* The VGA window below 1 MiB is not RAM on a PC: left unmapped in the
 * guest, so accesses there exit as MMIO. The option-ROM and BIOS area
 * above it (0xc0000-0xfffff) is RAM, zero-filled: the shadow RAM a BIOS
 * leaves there, so an OS scanning it 16 bytes at a time for ROM, MP,
 * $PIR and SMBIOS signatures (Linux does, a few thousand reads) finds
 * none without an exit per read. */
#define HOLE_START 0xa0000ull
#define HOLE_END   0xc0000ull

static u64 pages_of(u64 bytes)
{
    return (bytes + PAGE - 1) / PAGE;
}

static const struct vm_desc *vm_of(const struct init_ctx *c, const struct server_rt *r)
{
    return r->desc->vm ? &c->sys->vms[r->desc->vm - 1] : NULL;
}

u64 vm_ram_pages(const struct vm_desc *vm)
{
    return (u64)vm->memory_mib * (1024 * 1024 / PAGE);
}

u64 vm_vmm_extra_quota(const struct init_ctx *c, const struct server_rt *r)
{
    const struct vm_desc *vm = vm_of(c, r);
    if (!vm)
        return 0;
    /* The VMM's page tables for its view of the RAM and the files. */
    u64 pages = vm_ram_pages(vm) + r->vm_file_pages;
    return 4 * (pages / 512 + pages / (512 * 512) + 6);
}

bool vm_prepare(struct init_ctx *c, struct server_rt *r, char *why, size_t why_size)
{
    const struct vm_desc *vm = vm_of(c, r);
    if (!vm)
        return true;
    r->vm_file_pages = 0;
    for (u32 k = 0; k <= vm->module_count; k++) {
        const char *name = k == 0 ? vm->kernel : vm->modules[k - 1];
        u64 size;
        const void *data = module_find(c->info, name, &size);
        if (!data || size == 0) {
            snformat(why, why_size, "/vms/%s: property '%s': no boot module \"%s\"%s", vm->name,
                     k == 0 ? "kernel" : "modules", name, data ? " (it is empty)" : "");
            return false;
        }
        if (strlen(name) >= VIREO_VM_NAME_LEN) {
            snformat(why, why_size, "/vms/%s: module name \"%s\" is longer than %u characters",
                     vm->name, name, VIREO_VM_NAME_LEN - 1);
            return false;
        }
        r->vm_file_pages += pages_of(size);
    }
    return true;
}

void vm_fill_info(const struct init_ctx *c, const struct server_rt *r, struct vireo_vm_info *in)
{
    const struct vm_desc *vm = vm_of(c, r);
    memset(in, 0, sizeof(*in));
    memcpy(in->name, vm->name, sizeof(in->name));
    in->vm_pd_sel = VIREO_SERVER_SEL_VM_PD;
    in->ram_addr = VIREO_SERVER_GUEST_RAM_ADDR;
    in->ram_size = vm_ram_pages(vm) * PAGE;
    in->hole_start = HOLE_START;
    in->hole_end = HOLE_END;
    in->vcpu_priority = vm->vcpu_priority;
    in->vcpu_budget_us = vm->vcpu_budget_us;
    in->module_count = vm->module_count;
    in->paravirt = vm->paravirt;
    memcpy(in->cpuid_disable, vm->cpuid_disable, sizeof(in->cpuid_disable));
    if (vm->cmdline)
        memcpy(in->cmdline, vm->cmdline, strlen(vm->cmdline) + 1);
    u64 addr = VIREO_SERVER_GUEST_FILES_ADDR;
    for (u32 k = 0; k <= vm->module_count; k++) {
        struct vireo_vm_file *f = k == 0 ? &in->kernel : &in->modules[k - 1];
        const char *name = k == 0 ? vm->kernel : vm->modules[k - 1];
        module_find(c->info, name, &f->size);
        f->addr = addr;
        memcpy(f->name, name, strlen(name) + 1);
        addr += pages_of(f->size) * PAGE;
    }
}

static bool step(enum vireo_status s, const char *what, char *why, size_t why_size)
{
    if (s == VIREO_OK)
        return true;
    snformat(why, why_size, "%s failed: %s", what, vireo_status_name(s));
    return false;
}

/* The files, one after another from page boundaries, through init's window. */
static void copy_files(const struct init_ctx *c, const struct vm_desc *vm, u8 *win)
{
    for (u32 k = 0; k <= vm->module_count; k++) {
        u64 size;
        const void *data = module_find(c->info, k == 0 ? vm->kernel : vm->modules[k - 1], &size);
        memcpy(win, data, size);
        win += pages_of(size) * PAGE;
    }
}

bool vm_build(struct init_ctx *c, struct server_rt *r, char *why, size_t why_size)
{
    const struct vm_desc *vm = vm_of(c, r);
    if (!vm)
        return true;
    u64 ram = vm_ram_pages(vm);
    if (!builder_carve(c, ram, INIT_VM_WINDOW(r->id), &r->vm_ram, &r->vm_ram_root,
                       &r->vm_ram_offset, why, why_size) ||
        !builder_carve(c, r->vm_file_pages, INIT_VM_FILES_WINDOW(r->id), &r->vm_files,
                       &r->vm_files_root, &r->vm_files_offset, why, why_size))
        return false;
    copy_files(c, vm, (u8 *)INIT_VM_FILES_WINDOW(r->id));

    char console_name[VIREO_PD_NAME_MAX + 1];
    snformat(console_name, sizeof(console_name), "%s", vm->name);
    r->vm_pd = sel_alloc(&c->sels);
    if (!step(sys_create_pd(r->vm_pd, VIREO_INIT_SEL_PD, vm->quota, VIREO_PD_VM, console_name),
              "creating the VM's PD", why, why_size))
        return false;
    /* The VMM's view: the same frames, and the files read-only. */
    if (!step(sys_delegate(r->pd, vireo_crd(VIREO_CRD_MEM, VIREO_MEM_R | VIREO_MEM_W, r->vm_ram), 0,
                           ram, VIREO_SERVER_GUEST_RAM_ADDR / PAGE),
              "mapping the VM's RAM into its VMM", why, why_size) ||
        !step(sys_delegate(r->pd, vireo_crd(VIREO_CRD_MEM, VIREO_MEM_R, r->vm_files), 0,
                           r->vm_file_pages, VIREO_SERVER_GUEST_FILES_ADDR / PAGE),
              "mapping the guest's files into its VMM", why, why_size) ||
        !step(sys_delegate(
                  r->pd,
                  vireo_crd(VIREO_CRD_OBJ, VIREO_PD_CREATE | VIREO_PD_DELEGATE_INTO, r->vm_pd), 0,
                  0, VIREO_SERVER_SEL_VM_PD),
              "delegating the VM's PD", why, why_size) ||
        /* Guest-physical RAM: the VMM maps it into the VM (servers/vmm/ram_map.h). */
        !step(sys_delegate(
                  r->pd, vireo_crd(VIREO_CRD_OBJ, VIREO_RIGHT_DELEGATE | VIREO_MEM_RWX, r->vm_ram),
                  0, ram, VIREO_SERVER_SEL_VM_RAM),
              "delegating the VM's RAM", why, why_size))
        return false;
    return true;
}

void vm_teardown(struct init_ctx *c, struct server_rt *r)
{
    builder_drop(c, &r->vm_pd);
    if (r->vm_files != SEL_NONE) {
        builder_drop(c, &r->vm_files);
        frames_free(&c->frames, r->vm_files_root, r->vm_files_offset, r->vm_file_pages);
    }
    if (r->vm_ram != SEL_NONE) {
        builder_drop(c, &r->vm_ram);
        frames_free(&c->frames, r->vm_ram_root, r->vm_ram_offset, vm_ram_pages(vm_of(c, r)));
    }
}
