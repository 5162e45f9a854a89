/*
 * Raw VMX exit reasons and SVM exit codes -> enum vireo_exit_class, from
 * the class column of VMX_EXIT_TABLE and SVM_EXIT_TABLE. Const data and
 * pure functions: the kernel's back ends classify with them, host tests
 * check them, and a VMM may use them to name raw reasons in logs.
 */
#ifndef VIREO_ABI_VMEXIT_MAP_H
#define VIREO_ABI_VMEXIT_MAP_H

#include <vireo/vmexit.h>
#include <vireo/x86/svm_exit.h>
#include <vireo/x86/vmcb.h>
#include <vireo/x86/vmx_exit.h>

/* Class of a basic VMX exit reason, from the table alone (no refinement);
 * unlisted reasons are OTHER. */
static inline u32 vireo_vmx_basic_class(u32 basic)
{
    /* class + 1, so that the zero of an unlisted slot means "not listed" */
    static const u8 table[VMX_EXIT_LIMIT] = {
#define VMX_CLASS_ROW_(name, n, cls) [n] = VIREO_EXIT_##cls + 1,
        VMX_EXIT_TABLE(VMX_CLASS_ROW_)
#undef VMX_CLASS_ROW_
    };
    if (basic >= VMX_EXIT_LIMIT || table[basic] == 0)
        return VIREO_EXIT_OTHER;
    return table[basic] - 1u;
}

/* Class of a VMX exit: reason = the exit-reason field; intr_info = the
 * VM-exit interruption information (an NMI that exits is the host's). */
static inline u32 vireo_vmx_exit_class(u32 reason, u32 intr_info)
{
    u32 basic = (u32)VIREO_GET(VMX_EXIT_REASON, BASIC, reason);
    if (VIREO_GET(VMX_EXIT_REASON, ENTRY_FAILURE, reason))
        return VIREO_EXIT_ENTRY_FAILURE;
    if (basic == VMX_EXIT_EXCEPTION_NMI && VIREO_GET(VMX_INTR_INFO, VALID, intr_info) &&
        VIREO_GET(VMX_INTR_INFO, TYPE, intr_info) == VMX_EVENT_NMI)
        return VIREO_EXIT_HOST;
    return vireo_vmx_basic_class(basic);
}

/* Class of a single SVM exit code from the table alone; ranges and
 * unlisted codes are resolved by vireo_svm_exit_class(). */
static inline u32 vireo_svm_code_class(u64 code)
{
    switch (code) {
#define SVM_CLASS_ROW_(name, c, cls)                                                               \
    case c:                                                                                        \
        return VIREO_EXIT_##cls;
        SVM_EXIT_TABLE(SVM_CLASS_ROW_)
#undef SVM_CLASS_ROW_
    default:
        return VIREO_EXIT_OTHER;
    }
}

/* Class of an SVM #VMEXIT: code = EXITCODE, info1 = EXITINFO1. */
static inline u32 vireo_svm_exit_class(u64 code, u64 info1)
{
    if (code == SVM_EXIT_INVALID)
        return VIREO_EXIT_ENTRY_FAILURE;
    if (code < SVM_EXIT_DR_READ_BASE)
        return VIREO_EXIT_CR_ACCESS;
    if (code < SVM_EXIT_EXCP_BASE)
        return VIREO_EXIT_DR_ACCESS;
    if (code < SVM_EXIT_EXCP_BASE + SVM_EXIT_EXCP_RANGE)
        return VIREO_EXIT_EXCEPTION;
    if (code >= SVM_EXIT_CR_WTRAP_BASE && code < SVM_EXIT_CR_WTRAP_BASE + SVM_EXIT_RANGE_SIZE)
        return VIREO_EXIT_CR_ACCESS;
    if (code == SVM_EXIT_MSR)
        return info1 == SVM_MSR_WRITE ? VIREO_EXIT_MSR_WRITE : VIREO_EXIT_MSR_READ;
    return vireo_svm_code_class(code);
}

/*
 * Normalized exit information from the raw formats (the back ends' job,
 * here so that both use the same code and host tests can check it).
 */

/* VMX I/O qualification + instruction information -> VIREO_IOQ. */
static inline u64 vireo_ioq_from_vmx(u64 qual, u32 insn_info)
{
    u64 q = VIREO_PUT(VIREO_IOQ, PORT, VIREO_GET(VMX_QUAL_IO, PORT, qual)) |
            VIREO_PUT(VIREO_IOQ, SIZE, VIREO_GET(VMX_QUAL_IO, SIZE, qual) + 1) |
            VIREO_PUT(VIREO_IOQ, IN, VIREO_GET(VMX_QUAL_IO, IN, qual)) |
            VIREO_PUT(VIREO_IOQ, STRING, VIREO_GET(VMX_QUAL_IO, STRING, qual)) |
            VIREO_PUT(VIREO_IOQ, REP, VIREO_GET(VMX_QUAL_IO, REP, qual));
    if (VIREO_GET(VMX_QUAL_IO, STRING, qual)) {
        q |= VIREO_PUT(VIREO_IOQ, ADDR_SIZE, VIREO_GET(VMX_INSN_IO, ADDR_SIZE, insn_info));
        /* INS always writes ES:rDI; OUTS reads seg:rSI */
        u64 seg = VIREO_GET(VMX_QUAL_IO, IN, qual) ? VIREO_SEG_ES
                                                   : VIREO_GET(VMX_INSN_IO, SEG, insn_info);
        q |= VIREO_PUT(VIREO_IOQ, SEG, seg) | VIREO_PUT(VIREO_IOQ, SEG_VALID, 1);
    }
    return q;
}

/* SVM IOIO EXITINFO1 -> VIREO_IOQ. decode_assists: SEG is meaningful. */
static inline u64 vireo_ioq_from_svm(u64 info1, bool decode_assists)
{
    u64 size = VIREO_GET(SVM_IOIO, SZ32, info1) ? 4 : VIREO_GET(SVM_IOIO, SZ16, info1) ? 2 : 1;
    u64 q = VIREO_PUT(VIREO_IOQ, PORT, VIREO_GET(SVM_IOIO, PORT, info1)) |
            VIREO_PUT(VIREO_IOQ, SIZE, size) |
            VIREO_PUT(VIREO_IOQ, IN, VIREO_GET(SVM_IOIO, IN, info1)) |
            VIREO_PUT(VIREO_IOQ, STRING, VIREO_GET(SVM_IOIO, STR, info1)) |
            VIREO_PUT(VIREO_IOQ, REP, VIREO_GET(SVM_IOIO, REP, info1));
    if (VIREO_GET(SVM_IOIO, STR, info1)) {
        u64 asz = VIREO_GET(SVM_IOIO, A64, info1) ? 2 : VIREO_GET(SVM_IOIO, A32, info1) ? 1 : 0;
        q |= VIREO_PUT(VIREO_IOQ, ADDR_SIZE, asz);
        if (VIREO_GET(SVM_IOIO, IN, info1))
            q |= VIREO_PUT(VIREO_IOQ, SEG, VIREO_SEG_ES) | VIREO_PUT(VIREO_IOQ, SEG_VALID, 1);
        else if (decode_assists)
            q |= VIREO_PUT(VIREO_IOQ, SEG, VIREO_GET(SVM_IOIO, SEG, info1)) |
                 VIREO_PUT(VIREO_IOQ, SEG_VALID, 1);
    }
    return q;
}

/* VMX CR-access qualification -> VIREO_CRQ (always decoded). */
static inline u64 vireo_crq_from_vmx(u64 qual)
{
    return (qual & VIREO_LAYOUT_ALL(VMX_QUAL_CR, VMX_QUAL_CR_LAYOUT)) |
           VIREO_PUT(VIREO_CRQ, DECODED, 1);
}

/* SVM CR exit (code 0x00..0x1f, 0x65 or 0x90..0x9f) -> VIREO_CRQ. */
static inline u64 vireo_crq_from_svm(u64 code, u64 info1)
{
    u64 cr, access;
    bool decoded = false;
    if (code == SVM_EXIT_CR0_SEL_WRITE) {
        cr = 0, access = VMX_CR_MOV_TO; /* MOV, LMSW or CLTS: decode */
    } else if (code >= SVM_EXIT_CR_WTRAP_BASE) {
        cr = code - SVM_EXIT_CR_WTRAP_BASE, access = VMX_CR_MOV_TO;
    } else {
        cr = code & 0xf;
        access = code >= SVM_EXIT_CR_WRITE_BASE ? VMX_CR_MOV_TO : VMX_CR_MOV_FROM;
        decoded = VIREO_GET(SVM_QUAL_CR, VALID, info1) != 0;
    }
    return VIREO_PUT(VIREO_CRQ, CR, cr) | VIREO_PUT(VIREO_CRQ, ACCESS, access) |
           (decoded ? VIREO_PUT(VIREO_CRQ, GPR, VIREO_GET(SVM_QUAL_CR, GPR, info1)) |
                          VIREO_PUT(VIREO_CRQ, DECODED, 1)
                    : 0);
}

/* VMX EPT-violation qualification -> VIREO_MEMF. */
static inline u64 vireo_memf_from_vmx_ept(u64 qual)
{
#define VIREO_EPT_BIT_(name) VIREO_FLAG(VMX_QUAL_EPT, name, qual)
    u64 f = 0;
    if (qual & VIREO_BIT(VMX_QUAL_EPT, READ))
        f |= VIREO_BIT(VIREO_MEMF, READ);
    if (qual & VIREO_BIT(VMX_QUAL_EPT, WRITE))
        f |= VIREO_BIT(VIREO_MEMF, WRITE);
    if (qual & VIREO_BIT(VMX_QUAL_EPT, EXEC))
        f |= VIREO_BIT(VIREO_MEMF, EXEC);
    if (qual & (VIREO_BIT(VMX_QUAL_EPT, READABLE) | VIREO_BIT(VMX_QUAL_EPT, WRITABLE) |
                VIREO_BIT(VMX_QUAL_EPT, EXECUTABLE)))
        f |= VIREO_BIT(VIREO_MEMF, PRESENT);
    if (qual & VIREO_BIT(VMX_QUAL_EPT, GLA_VALID)) {
        f |= VIREO_BIT(VIREO_MEMF, GLA_VALID);
        if (qual & VIREO_BIT(VMX_QUAL_EPT, TRANSLATED))
            f |= VIREO_BIT(VIREO_MEMF, FINAL);
    }
    if (qual & VIREO_BIT(VMX_QUAL_EPT, USER))
        f |= VIREO_BIT(VIREO_MEMF, USER);
    if (qual & VIREO_BIT(VMX_QUAL_EPT, NMI_UNBLOCKED))
        f |= VIREO_BIT(VIREO_MEMF, NMI_UNBLOCKED);
    f |= VIREO_BIT(VIREO_MEMF, PERM_KNOWN);
    f |= VIREO_EPT_BIT_(READABLE) << VIREO_MEMF_PERM_R_BIT;
    f |= VIREO_EPT_BIT_(WRITABLE) << VIREO_MEMF_PERM_W_BIT;
    f |= VIREO_EPT_BIT_(EXECUTABLE) << VIREO_MEMF_PERM_X_BIT;
#undef VIREO_EPT_BIT_
    return f;
}

/* SVM NPF EXITINFO1 -> VIREO_MEMF. The permissions are not reported. */
static inline u64 vireo_memf_from_svm_npf(u64 info1)
{
    u64 f = 0;
    if (info1 & VIREO_BIT(SVM_NPF, ID))
        f |= VIREO_BIT(VIREO_MEMF, EXEC);
    else if (info1 & VIREO_BIT(SVM_NPF, RW))
        f |= VIREO_BIT(VIREO_MEMF, WRITE);
    else
        f |= VIREO_BIT(VIREO_MEMF, READ);
    if (info1 & VIREO_BIT(SVM_NPF, P))
        f |= VIREO_BIT(VIREO_MEMF, PRESENT);
    if (info1 & VIREO_BIT(SVM_NPF, US))
        f |= VIREO_BIT(VIREO_MEMF, USER);
    if (info1 & VIREO_BIT(SVM_NPF, FINAL))
        f |= VIREO_BIT(VIREO_MEMF, GLA_VALID) | VIREO_BIT(VIREO_MEMF, FINAL);
    else if (info1 & VIREO_BIT(SVM_NPF, PT_WALK))
        f |= VIREO_BIT(VIREO_MEMF, GLA_VALID);
    if (info1 & VIREO_BIT(SVM_NPF, RSV))
        f |= VIREO_BIT(VIREO_MEMF, MISCONFIG);
    return f;
}

/* Event formats: SVM EVENTINJ/EXITINTINFO <-> the ABI's VMX_INTR_INFO. */
static inline u32 vireo_event_from_svm(u64 ev, u32 *error)
{
    u32 type;
    switch (VIREO_GET(SVM_EVENT, TYPE, ev)) {
    case SVM_EVENT_INTR:
        type = VMX_EVENT_EXT_INTR;
        break;
    case SVM_EVENT_NMI:
        type = VMX_EVENT_NMI;
        break;
    case SVM_EVENT_SOFT_INT:
        type = VMX_EVENT_SW_INTR;
        break;
    default: /* #BP and #OF arrive as exceptions too; the VMM re-injects them as such */
        type = VMX_EVENT_HW_EXCEPTION;
        break;
    }
    *error = (u32)VIREO_GET(SVM_EVENT, ERROR, ev);
    return (u32)(VIREO_PUT(VMX_INTR_INFO, VECTOR, VIREO_GET(SVM_EVENT, VECTOR, ev)) |
                 VIREO_PUT(VMX_INTR_INFO, TYPE, type) |
                 VIREO_PUT(VMX_INTR_INFO, HAS_ERROR, VIREO_GET(SVM_EVENT, EV, ev)) |
                 VIREO_PUT(VMX_INTR_INFO, VALID, VIREO_GET(SVM_EVENT, VALID, ev)));
}

/* Returns 0 for VMX_EVENT_OTHER (MTF), which SVM cannot inject. */
static inline u64 vireo_event_to_svm(u32 info, u32 error)
{
    u64 type;
    switch (VIREO_GET(VMX_INTR_INFO, TYPE, info)) {
    case VMX_EVENT_EXT_INTR:
        type = SVM_EVENT_INTR;
        break;
    case VMX_EVENT_NMI:
        type = SVM_EVENT_NMI;
        break;
    case VMX_EVENT_SW_INTR:
        type = SVM_EVENT_SOFT_INT;
        break;
    case VMX_EVENT_HW_EXCEPTION:
    case VMX_EVENT_PRIV_SW_EXCEPTION:
    case VMX_EVENT_SW_EXCEPTION:
        type = SVM_EVENT_EXCEPTION;
        break;
    default:
        return 0;
    }
    return VIREO_PUT(SVM_EVENT, VECTOR, VIREO_GET(VMX_INTR_INFO, VECTOR, info)) |
           VIREO_PUT(SVM_EVENT, TYPE, type) |
           VIREO_PUT(SVM_EVENT, EV, VIREO_GET(VMX_INTR_INFO, HAS_ERROR, info)) |
           VIREO_PUT(SVM_EVENT, VALID, VIREO_GET(VMX_INTR_INFO, VALID, info)) |
           VIREO_PUT(SVM_EVENT, ERROR, error);
}

#endif
