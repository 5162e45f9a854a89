/* Guest general registers by Zydis register id (regs.h). */
#include "regs.h"
#include <Zydis/Zydis.h>

u64 *regs_gpr(struct vireo_vcpu_state *s, int zydis_reg, u32 *bytes, u32 *shift, u64 *mtd)
{
    ZydisRegister r = (ZydisRegister)zydis_reg;
    ZydisRegister big = ZydisRegisterGetLargestEnclosing(ZYDIS_MACHINE_MODE_LONG_64, r);
    if (big < ZYDIS_REGISTER_RAX || big > ZYDIS_REGISTER_R15)
        return NULL;
    u64 *const regs[16] = {&s->rax, &s->rcx, &s->rdx, &s->rbx, &s->rsp, &s->rbp, &s->rsi, &s->rdi,
                           &s->r8,  &s->r9,  &s->r10, &s->r11, &s->r12, &s->r13, &s->r14, &s->r15};
    u32 n = (u32)(big - ZYDIS_REGISTER_RAX);
    *bytes = ZydisRegisterGetWidth(ZYDIS_MACHINE_MODE_LONG_64, r) / 8;
    *shift = (r >= ZYDIS_REGISTER_AH && r <= ZYDIS_REGISTER_BH) ? 8 : 0;
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

/* Writes value (already extended to the register's width) to a register
 * as the CPU would: 32-bit writes zero the upper half, 8/16-bit merge. */
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
