#include "ram_map.h"
#include <vireo/cap.h>
#include <vireo/format.h>
#include <vireo/sys.h>

#define PAGE 4096ull

/* Maps [first, end) of chunk i (pages of the chunk's own capability). */
static enum vireo_status map_part(struct vm *vm, u32 i, u64 first, u64 end)
{
    u64 base = (u64)i * vm->chunk_size;
    if (first >= end)
        return VIREO_OK;
    return sys_delegate(vm->cfg->vm_pd_sel,
                        vireo_crd(VIREO_CRD_MEM, VIREO_MEM_RWX, VMM_SEL_RAM_CHUNK0 + i),
                        (first - base) / PAGE, (end - first) / PAGE, first / PAGE);
}

/* Chunk i in the VM: everything but the legacy hole. */
static enum vireo_status map_chunk(struct vm *vm, u32 i)
{
    const struct vireo_vm_info *c = vm->cfg;
    u64 base = (u64)i * vm->chunk_size;
    u64 end = base + vm->chunk_size < vm->ram_size ? base + vm->chunk_size : vm->ram_size;
    u64 hole_lo = c->hole_start > base ? c->hole_start : base;
    u64 hole_hi = c->hole_end < end ? c->hole_end : end;
    enum vireo_status s;
    if (hole_lo < hole_hi) {
        s = map_part(vm, i, base, hole_lo);
        if (s == VIREO_OK)
            s = map_part(vm, i, hole_hi, end);
    } else {
        s = map_part(vm, i, base, end);
    }
    if (s == VIREO_OK)
        vm->chunk_mapped |= 1ull << i;
    return s;
}

bool ram_map_all(struct vm *vm, char *why, u32 why_size)
{
    u64 min = (vm->ram_size + RAM_MAP_MAX_CHUNKS - 1) / RAM_MAP_MAX_CHUNKS;
    vm->chunk_size = (min + RAM_MAP_MIN_CHUNK - 1) / RAM_MAP_MIN_CHUNK * RAM_MAP_MIN_CHUNK;
    if (!vm->chunk_size)
        vm->chunk_size = RAM_MAP_MIN_CHUNK;
    vm->chunk_count = (u32)((vm->ram_size + vm->chunk_size - 1) / vm->chunk_size);
    vm->chunk_mapped = 0;
    for (u32 i = 0; i < vm->chunk_count; i++) {
        u64 base = (u64)i * vm->chunk_size;
        u64 size = vm->ram_size - base < vm->chunk_size ? vm->ram_size - base : vm->chunk_size;
        enum vireo_status s = sys_delegate(
            vm->info->own_pd_sel,
            vireo_crd(VIREO_CRD_OBJ, VIREO_RIGHT_DELEGATE | VIREO_MEM_RWX, VIREO_SERVER_SEL_VM_RAM),
            base / PAGE, size / PAGE, VMM_SEL_RAM_CHUNK0 + i);
        const char *what = "taking a chunk of the RAM's capability";
        if (s == VIREO_OK) {
            what = "mapping a chunk of RAM into the VM";
            s = map_chunk(vm, i);
        }
        if (s != VIREO_OK) {
            snformat(why, why_size, "%s (chunk %u at %#llx): %s", what, i, (unsigned long long)base,
                     vireo_status_name(s));
            return false;
        }
    }
    return true;
}

static bool chunk_of(const struct vm *vm, u64 gpa, u32 *i)
{
    if (gpa >= vm->ram_size || !vm->chunk_size)
        return false;
    *i = (u32)(gpa / vm->chunk_size);
    return true;
}

void ram_unmap(struct vm *vm, u64 gpa)
{
    u32 i;
    if (!chunk_of(vm, gpa, &i) || !(vm->chunk_mapped & (1ull << i)))
        return;
    /* Without REVOKE_SELF: the chunk's mappings go, its capability stays. */
    if (sys_revoke(vireo_crd(VIREO_CRD_OBJ, 0, VMM_SEL_RAM_CHUNK0 + i), 0) == VIREO_OK)
        vm->chunk_mapped &= ~(1ull << i);
}

bool ram_fault(struct vm *vm, u64 gpa)
{
    u32 i;
    if (!chunk_of(vm, gpa, &i) || (vm->chunk_mapped & (1ull << i)))
        return false;
    const struct vireo_vm_info *c = vm->cfg;
    if (gpa >= c->hole_start && gpa < c->hole_end)
        return false; /* the hole stays unmapped */
    return map_chunk(vm, i) == VIREO_OK;
}
