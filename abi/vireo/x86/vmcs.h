/*
 * Intel VMX: VMCS field encodings, VM-execution/exit/entry control bits,
 * VM-instruction error numbers and the guest-state formats the kernel reads
 * and writes (Intel SDM vol. 3, appendix B, chapters 25-27 and 31.4).
 * Everything comes from one X-macro table per list; exit reasons and exit
 * qualifications are in vmx_exit.h.
 */
#ifndef VIREO_ABI_X86_VMCS_H
#define VIREO_ABI_X86_VMCS_H

#include <vireo/bitfield.h>

/*
 * ---- VMCS field encodings ----
 *
 * An encoding is   bit 0      access type (1 = high 32 bits of a 64-bit field)
 *                  bits 9:1   index
 *                  bits 11:10 type (enum vmcs_type)
 *                  bits 14:13 width (enum vmcs_width)
 * so the width and type of every row below are derived, never listed.
 * 64-bit fields are listed by their full encoding; VMCS_HIGH() names the
 * high half for 32-bit accesses.
 */
#define VMCS_FIELD_TABLE(X)                                                                        \
    /* 16-bit control */                                                                           \
    X(VPID, 0x0000)                                                                                \
    X(POSTED_INTR_NV, 0x0002)                                                                      \
    X(EPTP_INDEX, 0x0004)                                                                          \
    X(HLAT_PREFIX_SIZE, 0x0006)                                                                    \
    X(LAST_PID_POINTER_INDEX, 0x0008)                                                              \
    /* 16-bit guest state */                                                                       \
    X(GUEST_ES_SEL, 0x0800)                                                                        \
    X(GUEST_CS_SEL, 0x0802)                                                                        \
    X(GUEST_SS_SEL, 0x0804)                                                                        \
    X(GUEST_DS_SEL, 0x0806)                                                                        \
    X(GUEST_FS_SEL, 0x0808)                                                                        \
    X(GUEST_GS_SEL, 0x080a)                                                                        \
    X(GUEST_LDTR_SEL, 0x080c)                                                                      \
    X(GUEST_TR_SEL, 0x080e)                                                                        \
    X(GUEST_INTR_STATUS, 0x0810)                                                                   \
    X(GUEST_PML_INDEX, 0x0812)                                                                     \
    X(GUEST_UINV, 0x0814)                                                                          \
    /* 16-bit host state */                                                                        \
    X(HOST_ES_SEL, 0x0c00)                                                                         \
    X(HOST_CS_SEL, 0x0c02)                                                                         \
    X(HOST_SS_SEL, 0x0c04)                                                                         \
    X(HOST_DS_SEL, 0x0c06)                                                                         \
    X(HOST_FS_SEL, 0x0c08)                                                                         \
    X(HOST_GS_SEL, 0x0c0a)                                                                         \
    X(HOST_TR_SEL, 0x0c0c)                                                                         \
    /* 64-bit control */                                                                           \
    X(IO_BITMAP_A, 0x2000)                                                                         \
    X(IO_BITMAP_B, 0x2002)                                                                         \
    X(MSR_BITMAP, 0x2004)                                                                          \
    X(EXIT_MSR_STORE_ADDR, 0x2006)                                                                 \
    X(EXIT_MSR_LOAD_ADDR, 0x2008)                                                                  \
    X(ENTRY_MSR_LOAD_ADDR, 0x200a)                                                                 \
    X(EXECUTIVE_VMCS_PTR, 0x200c)                                                                  \
    X(PML_ADDR, 0x200e)                                                                            \
    X(TSC_OFFSET, 0x2010)                                                                          \
    X(VIRTUAL_APIC_ADDR, 0x2012)                                                                   \
    X(APIC_ACCESS_ADDR, 0x2014)                                                                    \
    X(POSTED_INTR_DESC_ADDR, 0x2016)                                                               \
    X(VMFUNC_CTLS, 0x2018)                                                                         \
    X(EPTP, 0x201a)                                                                                \
    X(EOI_EXIT_BITMAP0, 0x201c)                                                                    \
    X(EOI_EXIT_BITMAP1, 0x201e)                                                                    \
    X(EOI_EXIT_BITMAP2, 0x2020)                                                                    \
    X(EOI_EXIT_BITMAP3, 0x2022)                                                                    \
    X(EPTP_LIST_ADDR, 0x2024)                                                                      \
    X(VMREAD_BITMAP, 0x2026)                                                                       \
    X(VMWRITE_BITMAP, 0x2028)                                                                      \
    X(VE_INFO_ADDR, 0x202a)                                                                        \
    X(XSS_EXIT_BITMAP, 0x202c)                                                                     \
    X(ENCLS_EXIT_BITMAP, 0x202e)                                                                   \
    X(SPPTP, 0x2030)                                                                               \
    X(TSC_MULTIPLIER, 0x2032)                                                                      \
    X(PROC_CTLS3, 0x2034)                                                                          \
    X(ENCLV_EXIT_BITMAP, 0x2036)                                                                   \
    X(LOW_PASID_DIR_ADDR, 0x2038)                                                                  \
    X(HIGH_PASID_DIR_ADDR, 0x203a)                                                                 \
    X(SHARED_EPTP, 0x203c)                                                                         \
    X(PCONFIG_EXIT_BITMAP, 0x203e)                                                                 \
    X(HLATP, 0x2040)                                                                               \
    X(PID_POINTER_TABLE_ADDR, 0x2042)                                                              \
    X(EXIT_CTLS2, 0x2044)                                                                          \
    X(SPEC_CTRL_MASK, 0x204a)                                                                      \
    X(SPEC_CTRL_SHADOW, 0x204c)                                                                    \
    /* 64-bit read-only data */                                                                    \
    X(GUEST_PHYS_ADDR, 0x2400)                                                                     \
    X(MSR_DATA, 0x2402)                                                                            \
    /* 64-bit guest state */                                                                       \
    X(VMCS_LINK_PTR, 0x2800)                                                                       \
    X(GUEST_DEBUGCTL, 0x2802)                                                                      \
    X(GUEST_PAT, 0x2804)                                                                           \
    X(GUEST_EFER, 0x2806)                                                                          \
    X(GUEST_PERF_GLOBAL_CTRL, 0x2808)                                                              \
    X(GUEST_PDPTE0, 0x280a)                                                                        \
    X(GUEST_PDPTE1, 0x280c)                                                                        \
    X(GUEST_PDPTE2, 0x280e)                                                                        \
    X(GUEST_PDPTE3, 0x2810)                                                                        \
    X(GUEST_BNDCFGS, 0x2812)                                                                       \
    X(GUEST_RTIT_CTL, 0x2814)                                                                      \
    X(GUEST_LBR_CTL, 0x2816)                                                                       \
    X(GUEST_PKRS, 0x2818)                                                                          \
    /* 64-bit host state */                                                                        \
    X(HOST_PAT, 0x2c00)                                                                            \
    X(HOST_EFER, 0x2c02)                                                                           \
    X(HOST_PERF_GLOBAL_CTRL, 0x2c04)                                                               \
    X(HOST_PKRS, 0x2c06)                                                                           \
    /* 32-bit control */                                                                           \
    X(PIN_CTLS, 0x4000)                                                                            \
    X(PROC_CTLS, 0x4002)                                                                           \
    X(EXCEPTION_BITMAP, 0x4004)                                                                    \
    X(PF_ERROR_MASK, 0x4006)                                                                       \
    X(PF_ERROR_MATCH, 0x4008)                                                                      \
    X(CR3_TARGET_COUNT, 0x400a)                                                                    \
    X(EXIT_CTLS, 0x400c)                                                                           \
    X(EXIT_MSR_STORE_COUNT, 0x400e)                                                                \
    X(EXIT_MSR_LOAD_COUNT, 0x4010)                                                                 \
    X(ENTRY_CTLS, 0x4012)                                                                          \
    X(ENTRY_MSR_LOAD_COUNT, 0x4014)                                                                \
    X(ENTRY_INTR_INFO, 0x4016)                                                                     \
    X(ENTRY_EXCEPTION_ERROR, 0x4018)                                                               \
    X(ENTRY_INSN_LEN, 0x401a)                                                                      \
    X(TPR_THRESHOLD, 0x401c)                                                                       \
    X(PROC_CTLS2, 0x401e)                                                                          \
    X(PLE_GAP, 0x4020)                                                                             \
    X(PLE_WINDOW, 0x4022)                                                                          \
    X(INSN_TIMEOUT_CTL, 0x4024)                                                                    \
    /* 32-bit read-only data */                                                                    \
    X(VM_INSN_ERROR, 0x4400)                                                                       \
    X(EXIT_REASON, 0x4402)                                                                         \
    X(EXIT_INTR_INFO, 0x4404)                                                                      \
    X(EXIT_INTR_ERROR, 0x4406)                                                                     \
    X(IDT_VECTORING_INFO, 0x4408)                                                                  \
    X(IDT_VECTORING_ERROR, 0x440a)                                                                 \
    X(EXIT_INSN_LEN, 0x440c)                                                                       \
    X(EXIT_INSN_INFO, 0x440e)                                                                      \
    /* 32-bit guest state */                                                                       \
    X(GUEST_ES_LIMIT, 0x4800)                                                                      \
    X(GUEST_CS_LIMIT, 0x4802)                                                                      \
    X(GUEST_SS_LIMIT, 0x4804)                                                                      \
    X(GUEST_DS_LIMIT, 0x4806)                                                                      \
    X(GUEST_FS_LIMIT, 0x4808)                                                                      \
    X(GUEST_GS_LIMIT, 0x480a)                                                                      \
    X(GUEST_LDTR_LIMIT, 0x480c)                                                                    \
    X(GUEST_TR_LIMIT, 0x480e)                                                                      \
    X(GUEST_GDTR_LIMIT, 0x4810)                                                                    \
    X(GUEST_IDTR_LIMIT, 0x4812)                                                                    \
    X(GUEST_ES_AR, 0x4814)                                                                         \
    X(GUEST_CS_AR, 0x4816)                                                                         \
    X(GUEST_SS_AR, 0x4818)                                                                         \
    X(GUEST_DS_AR, 0x481a)                                                                         \
    X(GUEST_FS_AR, 0x481c)                                                                         \
    X(GUEST_GS_AR, 0x481e)                                                                         \
    X(GUEST_LDTR_AR, 0x4820)                                                                       \
    X(GUEST_TR_AR, 0x4822)                                                                         \
    X(GUEST_INTERRUPTIBILITY, 0x4824)                                                              \
    X(GUEST_ACTIVITY, 0x4826)                                                                      \
    X(GUEST_SMBASE, 0x4828)                                                                        \
    X(GUEST_SYSENTER_CS, 0x482a)                                                                   \
    X(PREEMPTION_TIMER, 0x482e)                                                                    \
    /* 32-bit host state */                                                                        \
    X(HOST_SYSENTER_CS, 0x4c00)                                                                    \
    /* natural-width control */                                                                    \
    X(CR0_MASK, 0x6000)                                                                            \
    X(CR4_MASK, 0x6002)                                                                            \
    X(CR0_SHADOW, 0x6004)                                                                          \
    X(CR4_SHADOW, 0x6006)                                                                          \
    X(CR3_TARGET0, 0x6008)                                                                         \
    X(CR3_TARGET1, 0x600a)                                                                         \
    X(CR3_TARGET2, 0x600c)                                                                         \
    X(CR3_TARGET3, 0x600e)                                                                         \
    /* natural-width read-only data */                                                             \
    X(EXIT_QUALIFICATION, 0x6400)                                                                  \
    X(IO_RCX, 0x6402)                                                                              \
    X(IO_RSI, 0x6404)                                                                              \
    X(IO_RDI, 0x6406)                                                                              \
    X(IO_RIP, 0x6408)                                                                              \
    X(GUEST_LINEAR_ADDR, 0x640a)                                                                   \
    /* natural-width guest state */                                                                \
    X(GUEST_CR0, 0x6800)                                                                           \
    X(GUEST_CR3, 0x6802)                                                                           \
    X(GUEST_CR4, 0x6804)                                                                           \
    X(GUEST_ES_BASE, 0x6806)                                                                       \
    X(GUEST_CS_BASE, 0x6808)                                                                       \
    X(GUEST_SS_BASE, 0x680a)                                                                       \
    X(GUEST_DS_BASE, 0x680c)                                                                       \
    X(GUEST_FS_BASE, 0x680e)                                                                       \
    X(GUEST_GS_BASE, 0x6810)                                                                       \
    X(GUEST_LDTR_BASE, 0x6812)                                                                     \
    X(GUEST_TR_BASE, 0x6814)                                                                       \
    X(GUEST_GDTR_BASE, 0x6816)                                                                     \
    X(GUEST_IDTR_BASE, 0x6818)                                                                     \
    X(GUEST_DR7, 0x681a)                                                                           \
    X(GUEST_RSP, 0x681c)                                                                           \
    X(GUEST_RIP, 0x681e)                                                                           \
    X(GUEST_RFLAGS, 0x6820)                                                                        \
    X(GUEST_PENDING_DBG, 0x6822)                                                                   \
    X(GUEST_SYSENTER_ESP, 0x6824)                                                                  \
    X(GUEST_SYSENTER_EIP, 0x6826)                                                                  \
    X(GUEST_S_CET, 0x6828)                                                                         \
    X(GUEST_SSP, 0x682a)                                                                           \
    X(GUEST_ISST_ADDR, 0x682c)                                                                     \
    /* natural-width host state */                                                                 \
    X(HOST_CR0, 0x6c00)                                                                            \
    X(HOST_CR3, 0x6c02)                                                                            \
    X(HOST_CR4, 0x6c04)                                                                            \
    X(HOST_FS_BASE, 0x6c06)                                                                        \
    X(HOST_GS_BASE, 0x6c08)                                                                        \
    X(HOST_TR_BASE, 0x6c0a)                                                                        \
    X(HOST_GDTR_BASE, 0x6c0c)                                                                      \
    X(HOST_IDTR_BASE, 0x6c0e)                                                                      \
    X(HOST_SYSENTER_ESP, 0x6c10)                                                                   \
    X(HOST_SYSENTER_EIP, 0x6c12)                                                                   \
    X(HOST_RSP, 0x6c14)                                                                            \
    X(HOST_RIP, 0x6c16)                                                                            \
    X(HOST_S_CET, 0x6c18)                                                                          \
    X(HOST_SSP, 0x6c1a)                                                                            \
    X(HOST_ISST_ADDR, 0x6c1c)

enum vmcs_field {
#define VMCS_FIELD_ENUM_(name, enc) VMCS_##name = (enc),
    VMCS_FIELD_TABLE(VMCS_FIELD_ENUM_)
#undef VMCS_FIELD_ENUM_
};

#define VMCS_FIELD_COUNT_(name, enc) +1
enum { VMCS_FIELD_COUNT = 0 VMCS_FIELD_TABLE(VMCS_FIELD_COUNT_) };
#undef VMCS_FIELD_COUNT_

enum vmcs_width { VMCS_WIDTH_16 = 0, VMCS_WIDTH_64 = 1, VMCS_WIDTH_32 = 2, VMCS_WIDTH_NATURAL = 3 };
enum vmcs_type {
    VMCS_TYPE_CONTROL = 0,
    VMCS_TYPE_EXIT_INFO = 1,
    VMCS_TYPE_GUEST = 2,
    VMCS_TYPE_HOST = 3
};

#define VMCS_ENC_LAYOUT(X, p)                                                                      \
    X(p, HIGH, 0, 1)                                                                               \
    X(p, INDEX, 1, 9)                                                                              \
    X(p, TYPE, 10, 2)                                                                              \
    X(p, WIDTH, 13, 2)
VIREO_LAYOUT(VMCS_ENC, VMCS_ENC_LAYOUT);

static inline enum vmcs_width vmcs_field_width(u32 enc)
{
    return (enum vmcs_width)VIREO_GET(VMCS_ENC, WIDTH, enc);
}
static inline enum vmcs_type vmcs_field_type(u32 enc)
{
    return (enum vmcs_type)VIREO_GET(VMCS_ENC, TYPE, enc);
}
/* Size in bytes on a 64-bit host (natural width is 64 bits there). */
static inline unsigned vmcs_field_bytes(u32 enc)
{
    static const u8 bytes[4] = {2, 8, 4, 8};
    return bytes[vmcs_field_width(enc)];
}
/* Read-only fields (exit information) cannot be written by VMWRITE unless
 * IA32_VMX_MISC bit 29 says so; the kernel never relies on that. */
static inline bool vmcs_field_read_only(u32 enc)
{
    return vmcs_field_type(enc) == VMCS_TYPE_EXIT_INFO;
}
#define VMCS_HIGH(enc) ((enc) | 1u)

/* The field's name without the VMCS_ prefix, or 0 if not in the table. */
static inline const char *vmcs_field_name(u32 enc)
{
    switch (enc) {
#define VMCS_FIELD_NAME_(name, e)                                                                  \
    case e:                                                                                        \
        return #name;
        VMCS_FIELD_TABLE(VMCS_FIELD_NAME_)
#undef VMCS_FIELD_NAME_
    default:
        return 0;
    }
}

/*
 * ---- VM-execution, VM-exit and VM-entry controls ----
 * Flag tables (bit positions); VIREO_BIT(VMX_PIN, NMI_EXITING) is the mask.
 * The capability MSRs (msr.h: MSR_VMX_*) say which may be 0 and 1.
 */
#define VMX_PIN_FLAGS(X, p)                                                                        \
    X(p, EXTINT_EXITING, 0)                                                                        \
    X(p, NMI_EXITING, 3)                                                                           \
    X(p, VIRTUAL_NMIS, 5)                                                                          \
    X(p, PREEMPTION_TIMER, 6)                                                                      \
    X(p, POSTED_INTR, 7)
VIREO_FLAGS(VMX_PIN, VMX_PIN_FLAGS);

#define VMX_PROC_FLAGS(X, p)                                                                       \
    X(p, INTR_WINDOW_EXITING, 2)                                                                   \
    X(p, TSC_OFFSETTING, 3)                                                                        \
    X(p, HLT_EXITING, 7)                                                                           \
    X(p, INVLPG_EXITING, 9)                                                                        \
    X(p, MWAIT_EXITING, 10)                                                                        \
    X(p, RDPMC_EXITING, 11)                                                                        \
    X(p, RDTSC_EXITING, 12)                                                                        \
    X(p, CR3_LOAD_EXITING, 15)                                                                     \
    X(p, CR3_STORE_EXITING, 16)                                                                    \
    X(p, TERTIARY_CTLS, 17)                                                                        \
    X(p, CR8_LOAD_EXITING, 19)                                                                     \
    X(p, CR8_STORE_EXITING, 20)                                                                    \
    X(p, TPR_SHADOW, 21)                                                                           \
    X(p, NMI_WINDOW_EXITING, 22)                                                                   \
    X(p, MOV_DR_EXITING, 23)                                                                       \
    X(p, UNCOND_IO_EXITING, 24)                                                                    \
    X(p, IO_BITMAPS, 25)                                                                           \
    X(p, MONITOR_TRAP_FLAG, 27)                                                                    \
    X(p, MSR_BITMAPS, 28)                                                                          \
    X(p, MONITOR_EXITING, 29)                                                                      \
    X(p, PAUSE_EXITING, 30)                                                                        \
    X(p, SECONDARY_CTLS, 31)
VIREO_FLAGS(VMX_PROC, VMX_PROC_FLAGS);

#define VMX_PROC2_FLAGS(X, p)                                                                      \
    X(p, VIRT_APIC_ACCESS, 0)                                                                      \
    X(p, EPT, 1)                                                                                   \
    X(p, DESC_TABLE_EXITING, 2)                                                                    \
    X(p, RDTSCP, 3)                                                                                \
    X(p, VIRT_X2APIC, 4)                                                                           \
    X(p, VPID, 5)                                                                                  \
    X(p, WBINVD_EXITING, 6)                                                                        \
    X(p, UNRESTRICTED_GUEST, 7)                                                                    \
    X(p, APIC_REG_VIRT, 8)                                                                         \
    X(p, VIRT_INTR_DELIVERY, 9)                                                                    \
    X(p, PAUSE_LOOP_EXITING, 10)                                                                   \
    X(p, RDRAND_EXITING, 11)                                                                       \
    X(p, INVPCID, 12)                                                                              \
    X(p, VMFUNC, 13)                                                                               \
    X(p, VMCS_SHADOWING, 14)                                                                       \
    X(p, ENCLS_EXITING, 15)                                                                        \
    X(p, RDSEED_EXITING, 16)                                                                       \
    X(p, PML, 17)                                                                                  \
    X(p, EPT_VE, 18)                                                                               \
    X(p, CONCEAL_FROM_PT, 19)                                                                      \
    X(p, XSAVES, 20)                                                                               \
    X(p, PASID_TRANSLATION, 21)                                                                    \
    X(p, MODE_BASED_EPT_EXEC, 22)                                                                  \
    X(p, SUBPAGE_WRITE, 23)                                                                        \
    X(p, PT_GUEST_PHYS, 24)                                                                        \
    X(p, TSC_SCALING, 25)                                                                          \
    X(p, USER_WAIT_PAUSE, 26)                                                                      \
    X(p, PCONFIG, 27)                                                                              \
    X(p, ENCLV_EXITING, 28)                                                                        \
    X(p, BUS_LOCK_DETECT, 30)                                                                      \
    X(p, INSN_TIMEOUT, 31)
VIREO_FLAGS(VMX_PROC2, VMX_PROC2_FLAGS);

#define VMX_EXIT_CTL_FLAGS(X, p)                                                                   \
    X(p, SAVE_DEBUG_CTLS, 2)                                                                       \
    X(p, HOST_ADDR_SPACE_SIZE, 9)                                                                  \
    X(p, LOAD_PERF_GLOBAL_CTRL, 12)                                                                \
    X(p, ACK_INTR_ON_EXIT, 15)                                                                     \
    X(p, SAVE_PAT, 18)                                                                             \
    X(p, LOAD_PAT, 19)                                                                             \
    X(p, SAVE_EFER, 20)                                                                            \
    X(p, LOAD_EFER, 21)                                                                            \
    X(p, SAVE_PREEMPTION_TIMER, 22)                                                                \
    X(p, CLEAR_BNDCFGS, 23)                                                                        \
    X(p, CONCEAL_FROM_PT, 24)                                                                      \
    X(p, CLEAR_RTIT_CTL, 25)                                                                       \
    X(p, CLEAR_LBR_CTL, 26)                                                                        \
    X(p, CLEAR_UINV, 27)                                                                           \
    X(p, LOAD_CET, 28)                                                                             \
    X(p, LOAD_PKRS, 29)                                                                            \
    X(p, SAVE_PERF_GLOBAL_CTRL, 30)                                                                \
    X(p, SECONDARY_CTLS, 31)
VIREO_FLAGS(VMX_EXIT_CTL, VMX_EXIT_CTL_FLAGS);

#define VMX_ENTRY_CTL_FLAGS(X, p)                                                                  \
    X(p, LOAD_DEBUG_CTLS, 2)                                                                       \
    X(p, IA32E_GUEST, 9)                                                                           \
    X(p, ENTRY_TO_SMM, 10)                                                                         \
    X(p, DEACT_DUAL_MONITOR, 11)                                                                   \
    X(p, LOAD_PERF_GLOBAL_CTRL, 13)                                                                \
    X(p, LOAD_PAT, 14)                                                                             \
    X(p, LOAD_EFER, 15)                                                                            \
    X(p, LOAD_BNDCFGS, 16)                                                                         \
    X(p, CONCEAL_FROM_PT, 17)                                                                      \
    X(p, LOAD_RTIT_CTL, 18)                                                                        \
    X(p, LOAD_UINV, 19)                                                                            \
    X(p, LOAD_CET, 20)                                                                             \
    X(p, LOAD_LBR_CTL, 21)                                                                         \
    X(p, LOAD_PKRS, 22)
VIREO_FLAGS(VMX_ENTRY_CTL, VMX_ENTRY_CTL_FLAGS);

/* "Default1" bits (SDM appendix A.2-A.5): reserved bits that must be 1
 * unless the TRUE capability MSRs allow 0. */
#define VMX_PIN_DEFAULT1   0x00000016u
#define VMX_PROC_DEFAULT1  0x0401e172u
#define VMX_EXIT_DEFAULT1  0x00036dffu
#define VMX_ENTRY_DEFAULT1 0x000011ffu

/* EPT pointer (VMCS_EPTP). */
#define VMX_EPTP_LAYOUT(X, p)                                                                      \
    X(p, MEMTYPE, 0, 3)                                                                            \
    X(p, WALK_LEN_M1, 3, 3)                                                                        \
    X(p, AD, 6, 1)                                                                                 \
    X(p, SSS, 7, 1)
VIREO_LAYOUT(VMX_EPTP, VMX_EPTP_LAYOUT);
#define VMX_EPTP_MEMTYPE_UC 0u
#define VMX_EPTP_MEMTYPE_WB 6u

/* EPT paging-structure entry (SDM vol. 3, 29.3.2). MEMTYPE and IGNORE_PAT
 * only in leaves; LARGE in a PDE/PDPTE maps 2 MiB / 1 GiB. */
#define VMX_EPTE_LAYOUT(X, p)                                                                      \
    X(p, READ, 0, 1)                                                                               \
    X(p, WRITE, 1, 1)                                                                              \
    X(p, EXEC, 2, 1)                                                                               \
    X(p, MEMTYPE, 3, 3)                                                                            \
    X(p, IGNORE_PAT, 6, 1)                                                                         \
    X(p, LARGE, 7, 1)                                                                              \
    X(p, ACCESSED, 8, 1)                                                                           \
    X(p, DIRTY, 9, 1)                                                                              \
    X(p, USER_X, 10, 1)
VIREO_LAYOUT(VMX_EPTE, VMX_EPTE_LAYOUT);

/*
 * ---- VM-instruction error numbers (VMCS_VM_INSN_ERROR, SDM 31.4) ----
 */
#define VMX_INSN_ERROR_TABLE(X)                                                                    \
    X(VMCALL_IN_ROOT, 1, "VMCALL executed in VMX root operation")                                  \
    X(VMCLEAR_BAD_ADDR, 2, "VMCLEAR with invalid physical address")                                \
    X(VMCLEAR_VMXON_PTR, 3, "VMCLEAR with VMXON pointer")                                          \
    X(VMLAUNCH_NOT_CLEAR, 4, "VMLAUNCH with non-clear VMCS")                                       \
    X(VMRESUME_NOT_LAUNCHED, 5, "VMRESUME with non-launched VMCS")                                 \
    X(VMRESUME_AFTER_VMXOFF, 6, "VMRESUME after VMXOFF")                                           \
    X(ENTRY_BAD_CONTROLS, 7, "VM entry with invalid control field(s)")                             \
    X(ENTRY_BAD_HOST_STATE, 8, "VM entry with invalid host-state field(s)")                        \
    X(VMPTRLD_BAD_ADDR, 9, "VMPTRLD with invalid physical address")                                \
    X(VMPTRLD_VMXON_PTR, 10, "VMPTRLD with VMXON pointer")                                         \
    X(VMPTRLD_BAD_REVISION, 11, "VMPTRLD with incorrect VMCS revision identifier")                 \
    X(UNSUPPORTED_FIELD, 12, "VMREAD/VMWRITE from/to unsupported VMCS component")                  \
    X(WRITE_READ_ONLY, 13, "VMWRITE to read-only VMCS component")                                  \
    X(VMXON_IN_ROOT, 15, "VMXON executed in VMX root operation")                                   \
    X(ENTRY_BAD_EXEC_VMCS_PTR, 16, "VM entry with invalid executive-VMCS pointer")                 \
    X(ENTRY_EXEC_VMCS_NOT_LAUNCHED, 17, "VM entry with non-launched executive VMCS")               \
    X(ENTRY_EXEC_VMCS_NOT_VMXON, 18, "VM entry with executive-VMCS pointer not VMXON pointer")     \
    X(VMCALL_NOT_CLEAR, 19, "VMCALL with non-clear VMCS")                                          \
    X(VMCALL_BAD_EXIT_CONTROLS, 20, "VMCALL with invalid VM-exit control fields")                  \
    X(VMCALL_BAD_MSEG_REVISION, 22, "VMCALL with incorrect MSEG revision identifier")              \
    X(VMXOFF_DUAL_MONITOR, 23, "VMXOFF under dual-monitor treatment of SMIs and SMM")              \
    X(VMCALL_BAD_SMM_FEATURES, 24, "VMCALL with invalid SMM-monitor features")                     \
    X(ENTRY_BAD_EXEC_CONTROLS, 25,                                                                 \
      "VM entry with invalid VM-execution controls in executive VMCS")                             \
    X(ENTRY_MOV_SS_BLOCKING, 26, "VM entry with events blocked by MOV SS")                         \
    X(INVEPT_INVVPID_BAD_OPERAND, 28, "Invalid operand to INVEPT/INVVPID")

enum vmx_insn_error {
#define VMX_INSN_ERROR_ENUM_(name, num, text) VMX_INSN_ERR_##name = (num),
    VMX_INSN_ERROR_TABLE(VMX_INSN_ERROR_ENUM_)
#undef VMX_INSN_ERROR_ENUM_
};

static inline const char *vmx_insn_error_text(u32 err)
{
    switch (err) {
#define VMX_INSN_ERROR_TEXT_(name, num, text)                                                      \
    case num:                                                                                      \
        return text;
        VMX_INSN_ERROR_TABLE(VMX_INSN_ERROR_TEXT_)
#undef VMX_INSN_ERROR_TEXT_
    default:
        return "unknown VM-instruction error";
    }
}

/*
 * ---- guest-state formats ----
 */

/* Interruptibility state (VMCS_GUEST_INTERRUPTIBILITY). */
#define VMX_INTR_STATE_FLAGS(X, p)                                                                 \
    X(p, BLOCK_STI, 0)                                                                             \
    X(p, BLOCK_MOV_SS, 1)                                                                          \
    X(p, BLOCK_SMI, 2)                                                                             \
    X(p, BLOCK_NMI, 3)                                                                             \
    X(p, ENCLAVE, 4)
VIREO_FLAGS(VMX_INTR_STATE, VMX_INTR_STATE_FLAGS);

/* Activity state (VMCS_GUEST_ACTIVITY). */
#define VMX_ACTIVITY_TABLE(X) X(ACTIVE, 0) X(HLT, 1) X(SHUTDOWN, 2) X(WAIT_SIPI, 3)
enum vmx_activity {
#define VMX_ACTIVITY_ENUM_(name, n) VMX_ACTIVITY_##name = (n),
    VMX_ACTIVITY_TABLE(VMX_ACTIVITY_ENUM_)
#undef VMX_ACTIVITY_ENUM_
};

/* Pending debug exceptions (VMCS_GUEST_PENDING_DBG): what a #DB would put
 * in DR6. BS is the single-step trap the VMM must not lose (DESIGN 8). */
#define VMX_PENDING_DBG_FLAGS(X, p)                                                                \
    X(p, B0, 0)                                                                                    \
    X(p, B1, 1)                                                                                    \
    X(p, B2, 2)                                                                                    \
    X(p, B3, 3)                                                                                    \
    X(p, ENABLED_BP, 12)                                                                           \
    X(p, BS, 14)                                                                                   \
    X(p, RTM, 16)
VIREO_FLAGS(VMX_PENDING_DBG, VMX_PENDING_DBG_FLAGS);

/* VM-entry/VM-exit interruption information and IDT-vectoring information
 * (VMCS_ENTRY_INTR_INFO, VMCS_EXIT_INTR_INFO, VMCS_IDT_VECTORING_INFO).
 * NMI_UNBLOCKED exists only in the exit forms. */
#define VMX_INTR_INFO_LAYOUT(X, p)                                                                 \
    X(p, VECTOR, 0, 8)                                                                             \
    X(p, TYPE, 8, 3)                                                                               \
    X(p, HAS_ERROR, 11, 1)                                                                         \
    X(p, NMI_UNBLOCKED, 12, 1)                                                                     \
    X(p, VALID, 31, 1)
VIREO_LAYOUT(VMX_INTR_INFO, VMX_INTR_INFO_LAYOUT);

#define VMX_EVENT_TYPE_TABLE(X)                                                                    \
    X(EXT_INTR, 0)                                                                                 \
    X(NMI, 2)                                                                                      \
    X(HW_EXCEPTION, 3) X(SW_INTR, 4) X(PRIV_SW_EXCEPTION, 5) X(SW_EXCEPTION, 6) X(OTHER, 7)
enum vmx_event_type {
#define VMX_EVENT_TYPE_ENUM_(name, n) VMX_EVENT_##name = (n),
    VMX_EVENT_TYPE_TABLE(VMX_EVENT_TYPE_ENUM_)
#undef VMX_EVENT_TYPE_ENUM_
};

/* Segment access rights (VMCS_GUEST_*_AR). */
#define VMX_AR_LAYOUT(X, p)                                                                        \
    X(p, TYPE, 0, 4)                                                                               \
    X(p, S, 4, 1)                                                                                  \
    X(p, DPL, 5, 2)                                                                                \
    X(p, P, 7, 1)                                                                                  \
    X(p, AVL, 12, 1)                                                                               \
    X(p, L, 13, 1)                                                                                 \
    X(p, DB, 14, 1)                                                                                \
    X(p, G, 15, 1)                                                                                 \
    X(p, UNUSABLE, 16, 1)
VIREO_LAYOUT(VMX_AR, VMX_AR_LAYOUT);

#endif
