#include <vireo/vcpu_state.h>
#include <stddef.h>
#include <string.h>

#define R(field)                                                                                   \
    {                                                                                              \
        offsetof(struct vireo_vcpu_state, field), sizeof(((struct vireo_vcpu_state *)0)->field)    \
    }
/* A run of consecutive fields, first to last inclusive. */
#define RUN(first, last)                                                                           \
    {                                                                                              \
        offsetof(struct vireo_vcpu_state, first),                                                  \
            offsetof(struct vireo_vcpu_state, last) +                                              \
                sizeof(((struct vireo_vcpu_state *)0)->last) -                                     \
                offsetof(struct vireo_vcpu_state, first)                                           \
    }

static const struct vireo_state_range items[32][3] = {
    [VIREO_MTD_GPR_ACDB_BIT] = {RUN(rax, rbx)},
    [VIREO_MTD_GPR_BSD_BIT] = {RUN(rbp, rdi)},
    [VIREO_MTD_GPR_R8_R15_BIT] = {RUN(r8, r15)},
    [VIREO_MTD_RSP_BIT] = {R(rsp)},
    [VIREO_MTD_RIP_LEN_BIT] = {RUN(rip, insn_len)},
    [VIREO_MTD_RFLAGS_BIT] = {R(rflags)},
    [VIREO_MTD_DS_ES_BIT] = {R(ds), R(es)},
    [VIREO_MTD_FS_GS_BIT] = {RUN(fs, gs)},
    [VIREO_MTD_CS_SS_BIT] = {RUN(cs, ss)},
    [VIREO_MTD_TR_BIT] = {R(tr)},
    [VIREO_MTD_LDTR_BIT] = {R(ldtr)},
    [VIREO_MTD_GDTR_BIT] = {R(gdtr)},
    [VIREO_MTD_IDTR_BIT] = {R(idtr)},
    [VIREO_MTD_CR0_CR4_BIT] = {RUN(cr0, cr4)},
    [VIREO_MTD_CR2_BIT] = {R(cr2)},
    [VIREO_MTD_CR3_BIT] = {R(cr3), R(pdpte)},
    [VIREO_MTD_CR8_BIT] = {R(cr8)},
    [VIREO_MTD_EFER_BIT] = {R(efer)},
    [VIREO_MTD_XCR0_BIT] = {R(xcr0)},
    [VIREO_MTD_DR7_BIT] = {RUN(dr7, dr6)},
    [VIREO_MTD_DR0_3_BIT] = {R(dr)},
    [VIREO_MTD_SYSENTER_BIT] = {RUN(sysenter_cs, sysenter_eip)},
    [VIREO_MTD_SYSCALL_BIT] = {RUN(star, kernel_gs_base)},
    [VIREO_MTD_PAT_DEBUGCTL_BIT] = {RUN(pat, debugctl)},
    [VIREO_MTD_INTR_STATE_BIT] = {RUN(intr_state, actv_state)},
    [VIREO_MTD_PENDING_DBG_BIT] = {R(pending_dbg)},
    [VIREO_MTD_INJECT_BIT] = {RUN(inj_info, inj_len)},
    [VIREO_MTD_TSC_BIT] = {R(tsc_offset)},
    [VIREO_MTD_CTRL_BIT] = {R(ctrl)},
    [VIREO_MTD_IDT_VECT_BIT] = {RUN(vect_info, vect_error)},
    [VIREO_MTD_QUAL_BIT] = {RUN(raw_qual, info)},
    [VIREO_MTD_ADDR_BIT] = {RUN(gpa, gla)},
};

const struct vireo_state_range *vireo_state_item_ranges(u32 bit)
{
    return bit < 32 ? items[bit] : items[0] + 2; /* an empty list */
}

void vireo_state_copy_items(struct vireo_vcpu_state *dst, const struct vireo_vcpu_state *src,
                            u64 mtd)
{
    for (u32 bit = 0; bit < 32; bit++) {
        if (!(mtd & (1ull << bit)))
            continue;
        for (const struct vireo_state_range *r = items[bit]; r->bytes; r++)
            memcpy((u8 *)dst + r->offset, (const u8 *)src + r->offset, r->bytes);
    }
}
