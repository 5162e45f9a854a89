/* Fakes for the VMM's exit handlers on the host (vmm_fakes.h). */
#include "vmm_fakes.h"
#include "guest_mem.h"
#include "regs.h"
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

bool insn_decode(struct exit_ctx *x, struct insn *out)
{
    fake_decodes++;
    if (!fake_decode_ok) {
        exit_ud(x);
        return false;
    }
    *out = fake_insn;
    return true;
}

u64 insn_length(struct exit_ctx *x)
{
    if (x->s->insn_len)
        return x->s->insn_len;
    struct insn in;
    return insn_decode(x, &in) ? in.zi.length : 0;
}

/* ---- regs.h: the general registers by Zydis name ---- */

u64 *regs_gpr(struct vireo_vcpu_state *s, int zydis_reg, u32 *bytes, u32 *shift, u64 *mtd)
{
    u64 *const regs[16] = {&s->rax, &s->rcx, &s->rdx, &s->rbx, &s->rsp, &s->rbp, &s->rsi, &s->rdi,
                           &s->r8,  &s->r9,  &s->r10, &s->r11, &s->r12, &s->r13, &s->r14, &s->r15};
    int r = zydis_reg;
    u32 n;
    *shift = 0;
    if (r >= ZYDIS_REGISTER_RAX && r <= ZYDIS_REGISTER_R15) {
        n = (u32)(r - ZYDIS_REGISTER_RAX), *bytes = 8;
    } else if (r >= ZYDIS_REGISTER_EAX && r <= ZYDIS_REGISTER_R15D) {
        n = (u32)(r - ZYDIS_REGISTER_EAX), *bytes = 4;
    } else if (r >= ZYDIS_REGISTER_AX && r <= ZYDIS_REGISTER_R15W) {
        n = (u32)(r - ZYDIS_REGISTER_AX), *bytes = 2;
    } else if (r >= ZYDIS_REGISTER_AL && r <= ZYDIS_REGISTER_BL) {
        n = (u32)(r - ZYDIS_REGISTER_AL), *bytes = 1;
    } else if (r >= ZYDIS_REGISTER_AH && r <= ZYDIS_REGISTER_BH) {
        n = (u32)(r - ZYDIS_REGISTER_AH), *bytes = 1, *shift = 8;
    } else if (r >= ZYDIS_REGISTER_SPL && r <= ZYDIS_REGISTER_R15B) {
        n = (u32)(r - ZYDIS_REGISTER_SPL) + 4, *bytes = 1;
    } else {
        return NULL;
    }
    *mtd = n < 4    ? VIREO_MTD(GPR_ACDB)
           : n == 4 ? VIREO_MTD(RSP)
           : n < 8  ? VIREO_MTD(GPR_BSD)
                    : VIREO_MTD(GPR_R8_R15);
    return regs[n];
}

static u64 mask_of(u32 bytes)
{
    return bytes >= 8 ? ~0ull : (1ull << (bytes * 8)) - 1;
}

bool regs_set(struct exit_ctx *x, int zr, u64 value)
{
    u32 bytes, shift;
    u64 mtd;
    u64 *reg = regs_gpr(x->s, zr, &bytes, &shift, &mtd);
    if (!reg)
        return false;
    if (bytes == 4)
        *reg = value & 0xffffffffull;
    else if (bytes == 8)
        *reg = value;
    else
        *reg = (*reg & ~(mask_of(bytes) << shift)) | ((value & mask_of(bytes)) << shift);
    x->changed |= mtd;
    return true;
}

bool regs_get(struct exit_ctx *x, int zr, u64 *value)
{
    u32 bytes, shift;
    u64 mtd;
    u64 *reg = regs_gpr(x->s, zr, &bytes, &shift, &mtd);
    if (!reg)
        return false;
    *value = (*reg >> shift) & mask_of(bytes);
    return true;
}
