#include "ram_map.h"
#include <vireo/cap.h>
#include <vireo/format.h>
#include <vireo/sys.h>

#define PAGE     4096ull
#define NO_FLUSH (~0ull)

static u64 chunk_base(const struct vm *vm, u32 i)
{
    return (u64)i * vm->chunk_size;
}
static u64 chunk_end(const struct vm *vm, u32 i)
{
    u64 end = chunk_base(vm, i) + vm->chunk_size;
    return end < vm->ram_size ? end : vm->ram_size;
}

/* Maps guest-physical [lo, hi) of chunk i from the chunk's capability. */
static enum vireo_status map_range(struct vm *vm, u32 i, u64 lo, u64 hi)
{
    if (lo >= hi)
        return VIREO_OK;
    return sys_delegate(vm->cfg->vm_pd_sel,
                        vireo_crd(VIREO_CRD_MEM, VIREO_MEM_RWX, VMM_SEL_RAM_CHUNK0 + i),
                        (lo - chunk_base(vm, i)) / PAGE, (hi - lo) / PAGE, lo / PAGE);
}

/* Chunk i in the VM: everything but the legacy hole and its flushed page. */
static enum vireo_status map_chunk(struct vm *vm, u32 i)
{
    const struct vireo_vm_info *c = vm->cfg;
    u64 lo = chunk_base(vm, i), hi = chunk_end(vm, i), page = vm->chunk_flushed[i];
    u64 cuts[2][2] = {{c->hole_start, c->hole_end}, {page, page == NO_FLUSH ? page : page + PAGE}};
    if (cuts[1][0] < cuts[0][0]) {
        u64 t0 = cuts[0][0], t1 = cuts[0][1];
        cuts[0][0] = cuts[1][0], cuts[0][1] = cuts[1][1];
        cuts[1][0] = t0, cuts[1][1] = t1;
    }
    u64 at = lo;
    for (int k = 0; k < 2; k++) {
        u64 cut_lo = cuts[k][0] > lo ? cuts[k][0] : lo, cut_hi = cuts[k][1] < hi ? cuts[k][1] : hi;
        if (cut_lo >= cut_hi)
            continue;
        enum vireo_status s = map_range(vm, i, at, cut_lo);
        if (s != VIREO_OK)
            return s;
        if (cut_hi > at)
            at = cut_hi;
    }
    return map_range(vm, i, at, hi);
}

bool ram_map_all(struct vm *vm, char *why, u32 why_size)
{
    u64 min = (vm->ram_size + VMM_RAM_CHUNKS_MAX - 1) / VMM_RAM_CHUNKS_MAX;
    vm->chunk_size = (min + RAM_MAP_MIN_CHUNK - 1) / RAM_MAP_MIN_CHUNK * RAM_MAP_MIN_CHUNK;
    if (!vm->chunk_size)
        vm->chunk_size = RAM_MAP_MIN_CHUNK;
    vm->chunk_count = (u32)((vm->ram_size + vm->chunk_size - 1) / vm->chunk_size);
    for (u32 i = 0; i < vm->chunk_count; i++) {
        u64 base = chunk_base(vm, i);
        vm->chunk_flushed[i] = NO_FLUSH;
        enum vireo_status s = sys_delegate(
            vm->info->own_pd_sel,
            vireo_crd(VIREO_CRD_OBJ, VIREO_RIGHT_DELEGATE | VIREO_MEM_RWX, VIREO_SERVER_SEL_VM_RAM),
            base / PAGE, (chunk_end(vm, i) - base) / PAGE, VMM_SEL_RAM_CHUNK0 + i);
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
    const struct vireo_vm_info *c = vm->cfg;
    if (gpa >= vm->ram_size || !vm->chunk_size || (gpa >= c->hole_start && gpa < c->hole_end))
        return false;
    *i = (u32)(gpa / vm->chunk_size);
    return true;
}

/* Chunk i unmapped (its capability stays: no REVOKE_SELF) and mapped again. */
static bool remap(struct vm *vm, u32 i)
{
    enum vireo_status s = sys_revoke(vireo_crd(VIREO_CRD_OBJ, 0, VMM_SEL_RAM_CHUNK0 + i), 0);
    if (s == VIREO_OK)
        s = map_chunk(vm, i);
    if (s != VIREO_OK)
        vm_stop(vm, VM_END_ERROR, VM_STATUS_ERROR, "remapping guest RAM at %#llx failed: %s",
                (unsigned long long)chunk_base(vm, i), vireo_status_name(s));
    return s == VIREO_OK;
}

bool ram_flush(struct vm *vm, u64 gpa)
{
    u32 i;
    if (!chunk_of(vm, gpa, &i))
        return true;
    vm->chunk_flushed[i] = gpa & ~(PAGE - 1);
    return remap(vm, i);
}

bool ram_fault(struct vm *vm, u64 gpa)
{
    u32 i;
    if (!chunk_of(vm, gpa, &i) || vm->chunk_flushed[i] != (gpa & ~(PAGE - 1)))
        return false;
    vm->chunk_flushed[i] = NO_FLUSH;
    enum vireo_status s = map_range(vm, i, gpa & ~(PAGE - 1), (gpa & ~(PAGE - 1)) + PAGE);
    if (s != VIREO_OK)
        vm_stop(vm, VM_END_ERROR, VM_STATUS_ERROR, "mapping guest RAM at %#llx again failed: %s",
                (unsigned long long)gpa, vireo_status_name(s));
    return true;
}
