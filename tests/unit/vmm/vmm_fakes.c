/* Fakes for the VMM's exit handlers on the host (vmm_fakes.h). */
#include "vmm_fakes.h"
#include "guest_mem.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct vm fake_vm;
unsigned fake_stops;
char fake_stop_line[256];
unsigned fake_decodes;
bool fake_decode_ok;
struct insn fake_insn;

void fake_reset(u64 ram_size)
{
    free(fake_vm.ram);
    memset(&fake_vm, 0, sizeof(fake_vm));
    fake_vm.ram = calloc(1, ram_size);
    fake_vm.ram_size = ram_size;
    fake_vm.devices = VIREO_SERVER_SEL_NONE;
    fake_stops = 0;
    fake_stop_line[0] = 0;
    fake_decodes = 0;
    fake_decode_ok = false;
    memset(&fake_insn, 0, sizeof(fake_insn));
}

void fake_put32(u64 gpa, u32 v)
{
    memcpy(fake_vm.ram + gpa, &v, 4);
}
void fake_put64(u64 gpa, u64 v)
{
    memcpy(fake_vm.ram + gpa, &v, 8);
}
u64 fake_get64(u64 gpa)
{
    u64 v;
    memcpy(&v, fake_vm.ram + gpa, 8);
    return v;
}

void fake_set_insn(ZydisMnemonic m, u8 length, u8 address_width, u8 operand_count)
{
    memset(&fake_insn, 0, sizeof(fake_insn));
    fake_insn.zi.mnemonic = m;
    fake_insn.zi.length = length;
    fake_insn.zi.address_width = address_width;
    fake_insn.zi.operand_count = operand_count;
    fake_insn.zi.operand_count_visible = operand_count;
    fake_decode_ok = true;
}

void fake_state(struct vireo_vcpu_state *s, enum fake_mode mode)
{
    memset(s, 0, sizeof(*s));
    s->mtd = VIREO_MTD_ALL;
    s->rflags = RFLAGS_FIXED1;
    /* Flat present segments: code execute/read accessed, data read/write
     * accessed; DB set for 32-bit code, L for 64-bit code. */
    u16 code = 0xb | 1u << 4 | 1u << 7, data = 0x3 | 1u << 4 | 1u << 7;
    u16 db = 1u << 10, l = 1u << 9, g = 1u << 11;
    struct vireo_seg flat = {.limit = 0xffffffffu};
    s->es = s->ds = s->fs = s->gs = s->ss = flat;
    s->cs = flat;
    s->cs.ar = code;
    s->es.ar = s->ds.ar = s->fs.ar = s->gs.ar = s->ss.ar = data;
    switch (mode) {
    case MODE_REAL:
        s->cr0 = CR0_ET;
        s->cs.limit = s->ss.limit = s->ds.limit = s->es.limit = s->fs.limit = s->gs.limit = 0xffff;
        break;
    case MODE_PROT32:
        s->cr0 = CR0_PE | CR0_ET | CR0_NE;
        s->cs.ar |= db | g;
        s->ss.ar |= db | g;
        break;
    case MODE_COMPAT:
    case MODE_LONG64:
        s->cr0 = CR0_PE | CR0_ET | CR0_NE | CR0_PG;
        s->cr4 = CR4_PAE;
        s->efer = EFER_LME | EFER_LMA;
        s->cs.ar |= (mode == MODE_LONG64 ? l : db) | g;
        s->ss.ar |= db | g;
        break;
    }
    s->ctrl.cr0_mask = s->ctrl.cr4_mask = ~0ull;
    s->ctrl.cr0_shadow = s->cr0;
    s->ctrl.cr4_shadow = s->cr4;
}

/* ---- vm.h ---- */

void vm_stop(struct vm *vm, enum vm_end end, u64 status, const char *fmt, ...)
{
    fake_stops++;
    if (vm->end == VM_RUNNING) {
        vm->end = end;
        vm->status = status;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(fake_stop_line, sizeof(fake_stop_line), fmt, ap);
    va_end(ap);
}

void *vm_ram(struct vm *vm, u64 gpa, u64 len)
{
    if (!guest_range_ok(vm->ram_size, gpa, len))
        return NULL;
    return vm->ram + gpa;
}

/* ---- insn.h ---- */

/* Weak: the emulator's tests link the real decoder (insn.c). */
__attribute__((weak)) bool insn_decode(struct exit_ctx *x, struct insn *out)
{
    fake_decodes++;
    if (!fake_decode_ok) {
        exit_ud(x);
        return false;
    }
    *out = fake_insn;
    return true;
}
