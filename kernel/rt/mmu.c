/* The object layer's platform hooks (kernel/obj/mmu_hooks.h) on x86 page
 * tables. A PD's address space is a PML4 whose kernel half is the
 * kernel's; a VM PD's is a guest-physical root of the same shape, the
 * EPT or NPT tables its vCPUs run on (leaf flags from the back end). One CPU:
 * a shootdown reloads CR3 when the PD is the loaded one (without PCIDs no
 * other space keeps user translations); SMP sends IPIs here. */
#include "runtime.h"
#include "vcpu_rt.h"
#include "../memory.h"
#include "../page_table.h"
#include "../sched/ipc.h"
#include "../x86/ec_context.h"
#include "../x86/kernel_map.h"
#include <x86/cpu.h>

static u32 next_pd_id;

static enum vireo_status space_create(void *ctx, struct obj_pd *pd)
{
    (void)ctx;
    u64 root = (pd->flags & VIREO_PD_VM) ? frame_alloc() : pt_new_address_space(kernel_pml4());
    if (!root)
        return VIREO_E_NO_MEMORY;
    pd->arch_space = root;
    pd->id = next_pd_id++;
    return VIREO_OK;
}

/* Frees the user-half tables below `table` (level 4: a PML4), never the
 * frames they map: those belong to MEM capabilities or to init's boot
 * mappings. */
static void free_tables(u64 table, int level)
{
    u64 *entry = phys_to_virt(table);
    int count = level == 4 ? PML4_KERNEL_FIRST : PT_ENTRIES;
    for (int i = 0; level > 1 && i < count; i++) {
        if ((entry[i] & PTE_P) && !(entry[i] & PTE_PS))
            free_tables(entry[i] & PTE_ADDR_MASK, level - 1);
    }
    frame_free(table);
}

static void space_destroy(void *ctx, struct obj_pd *pd)
{
    (void)ctx;
    if (!pd->arch_space)
        return;
    if (read_cr3() == pd->arch_space)
        write_cr3(kernel_pml4());
    free_tables(pd->arch_space, 4);
    pd->arch_space = 0;
    quota_release(pd, pd->table_blocks);
    pd->table_blocks = 0;
}

/* Page-table pages are kernel memory like any object: a PD pays for the
 * tables of its own address space from its quota, a page's worth of
 * blocks each, so no mapping pattern can drain the kernel's reserve. The
 * tables stay (and stay charged) until the address space goes. */
#define TABLE_BLOCKS (PAGE_SIZE / OBJ_BLOCK_SIZE)

static enum vireo_status map_page(void *ctx, struct obj_pd *pd, u64 vpage, u64 frame, u32 rights)
{
    (void)ctx;
    u64 virt = vpage << VIREO_PAGE_SHIFT;
    /* A VM PD's space is guest-physical: EPT or NPT entries. */
    u64 flags = (pd->flags & VIREO_PD_VM) ? vcpu_gpa_leaf_flags(rights)
                                          : PTE_U | ((rights & VIREO_MEM_W) ? PTE_W : 0) |
                                                ((rights & VIREO_MEM_X) ? 0 : PTE_NX);
    u64 missing = pt_tables_missing(pd->arch_space, virt);
    if (!quota_fits(pd, missing * TABLE_BLOCKS))
        return VIREO_E_NO_MEMORY;
    enum vireo_status status = pt_map(pd->arch_space, virt, frame << VIREO_PAGE_SHIFT, flags);
    /* Charge what was built, even by a map that failed part-way. */
    u64 built = (missing - pt_tables_missing(pd->arch_space, virt)) * TABLE_BLOCKS;
    quota_charge(pd, built);
    pd->table_blocks += built;
    return status;
}

static void unmap_page(void *ctx, struct obj_pd *pd, u64 vpage)
{
    (void)ctx;
    pt_unmap(pd->arch_space, vpage << VIREO_PAGE_SHIFT, NULL);
}

static void tlb_shootdown(void *ctx, struct obj_pd *pd)
{
    (void)ctx;
    if (pd->flags & VIREO_PD_VM) {
        vcpu_gpa_flush(pd);
        return;
    }
    u64 cr3 = read_cr3();
    if (pd->arch_space == cr3)
        write_cr3(cr3);
}

static void object_dying(void *ctx, struct obj_header *obj)
{
    (void)ctx;
    if (obj->type == VIREO_CAP_EC) {
        ec_context_forget((struct obj_ec *)obj);
        rt_forget_current((struct obj_ec *)obj);
    }
    ipc_object_dying(obj);
}

const struct obj_mmu_ops rt_mmu_ops = {
    .space_create = space_create,
    .space_destroy = space_destroy,
    .map_page = map_page,
    .unmap_page = unmap_page,
    .tlb_shootdown = tlb_shootdown,
    .object_dying = object_dying,
    .vcpu_create = vcpu_create,
    .vcpu_destroy = vcpu_destroy,
};
