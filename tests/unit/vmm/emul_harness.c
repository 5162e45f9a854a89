/* The emulator's test guest (emul_harness.h). */
#include "emul_harness.h"
#include "mmio_route.h"
#include <string.h>

u8 eh_mmio[EH_PAGES][4096];
struct eh_access eh_log[EH_LOG];
unsigned eh_accesses, eh_bad, eh_outside, eh_stop_at = ~0u;
static u64 next_table;

void eh_reset(void)
{
    /* A fresh VM is 4 MiB of calloc: reuse the RAM, clearing what the
     * tests write (tables, code page, RAM pages of the window). */
    if (fake_vm.ram_size != EH_RAM) {
        fake_reset(EH_RAM);
    } else {
        u8 *ram = fake_vm.ram;
        memset(&fake_vm, 0, sizeof(fake_vm));
        fake_vm.ram = ram;
        fake_vm.ram_size = EH_RAM;
        fake_vm.devices = VIREO_SERVER_SEL_NONE;
        memset(ram + EH_TABLES, 0, 0x10000);
        memset(ram + EH_CODE_GPA, 0, 0x1000);
        memset(ram + EH_RAM_DATA, 0, EH_PAGES * 0x1000);
        fake_stops = 0;
        fake_stop_line[0] = 0;
    }
    next_table = EH_TABLES + 0x1000;
    eh_accesses = eh_bad = eh_outside = 0;
    eh_stop_at = ~0u;
}

void eh_map(u64 la, u64 gpa, u64 flags)
{
    u64 table = EH_TABLES;
    for (int level = 4; level > 1; level--) {
        u64 slot = table + PT_INDEX(la, level) * 8;
        u64 e = fake_get64(slot);
        if (!(e & PTE_P)) {
            if (next_table >= EH_TABLES + 0x10000) {
                eh_bad++; /* more tables than the region holds: a test bug */
                return;
            }
            e = next_table | PTE_P | PTE_W | PTE_U;
            next_table += 0x1000;
            fake_put64(slot, e);
        }
        table = e & PTE_ADDR_MASK;
    }
    fake_put64(table + PT_INDEX(la, 1) * 8, gpa | flags);
}

void eh_map_window(u64 la, const bool ram[EH_PAGES], u64 flags)
{
    for (unsigned i = 0; i < EH_PAGES; i++)
        eh_map(la + i * 4096ull, ram[i] ? EH_RAM_DATA + i * 4096ull : EH_MMIO_GPA + i * 4096ull,
               flags);
}

u8 *eh_page(unsigned i, const bool ram[EH_PAGES])
{
    return ram[i] ? fake_vm.ram + EH_RAM_DATA + i * 4096ull : eh_mmio[i];
}

void eh_state64(struct vireo_vcpu_state *s, u64 rip)
{
    fake_state(s, MODE_LONG64);
    s->cr3 = EH_TABLES;
    s->rip = rip;
}

enum emul_status eh_run(struct exit_ctx *x)
{
    struct insn in;
    if (!insn_decode(x, &in))
        return EMUL_EXCEPTION;
    return emul_insn(x, &in);
}

/* ---- mmio_route.h, on eh_mmio ---- */

static u8 *window(u64 gpa, u32 size)
{
    bool sized = size == 1 || size == 2 || size == 4 || size == 8;
    if (!sized || (gpa & 0xfff) + size > 4096) {
        eh_bad++;
        return NULL;
    }
    if (gpa < EH_MMIO_GPA || gpa + size > EH_MMIO_GPA + EH_PAGES * 4096ull) {
        eh_outside++;
        return NULL;
    }
    u64 off = gpa - EH_MMIO_GPA;
    return &eh_mmio[off / 4096][off % 4096];
}

static bool logged(u64 gpa, u32 size, bool write, u64 value)
{
    if (eh_accesses < EH_LOG)
        eh_log[eh_accesses] =
            (struct eh_access){.gpa = gpa, .value = value, .size = size, .write = write};
    if (eh_accesses++ == eh_stop_at) {
        vm_stop(&fake_vm, VM_END_DEBUG_EXIT, 1, "debug-exit");
        return false;
    }
    return true;
}

bool mmio_route_read(struct exit_ctx *x, u64 gpa, u32 size, u64 *value)
{
    eh_bad += x->vm != &fake_vm;
    u8 *p = window(gpa, size);
    *value = 0;
    if (p)
        memcpy(value, p, size);
    else
        *value = ~0ull >> (64 - 8 * (size && size <= 8 ? size : 8));
    if (!logged(gpa, size, false, *value)) {
        *value = 0;
        return false;
    }
    return true;
}

bool mmio_route_write(struct exit_ctx *x, u64 gpa, u32 size, u64 value)
{
    eh_bad += x->vm != &fake_vm;
    if (!logged(gpa, size, true, value))
        return false;
    u8 *p = window(gpa, size);
    if (p)
        memcpy(p, &value, size);
    return true;
}
