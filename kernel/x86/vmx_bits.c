/* The pure arithmetic of the VT-x back end (vmx_bits.h). */
#include "vmx_bits.h"
#include <vireo/vmexit.h>
#include <vireo/x86/cr.h>
#include <vireo/x86/vmx_exit.h>

bool vmx_ctl_value(u64 cap, u32 required, u32 optional, u32 *value, u32 *missing)
{
    u32 must1 = vmx_ctl_must1(cap), may1 = vmx_ctl_may1(cap);
    u32 bad = (required & ~may1) | (must1 & ~may1);
    *missing = bad;
    *value = (required | (optional & may1) | must1) & may1;
    return bad == 0;
}

u64 vmx_cr0_forced(u64 fixed0)
{
    return fixed0 & ~(CR0_PE | CR0_PG); /* unrestricted guest frees them */
}

u64 vmx_cr4_forced(u64 fixed0)
{
    return fixed0;
}

/* MOV to CR0's own rules: NW needs CD, PG needs PE. */
static bool cr0_consistent(u64 cr0)
{
    return ((cr0 & CR0_NW) == 0 || (cr0 & CR0_CD) != 0) &&
           ((cr0 & CR0_PG) == 0 || (cr0 & CR0_PE) != 0);
}

bool vmx_cr0_valid(u64 cr0, u64 forced, u64 fixed1)
{
    u64 real = vmx_cr_real(cr0, forced);
    return (real & ~fixed1) == 0 && cr0_consistent(cr0) && cr0_consistent(real);
}

bool vmx_cr4_valid(u64 cr4, u64 forced, u64 fixed1)
{
    return (vmx_cr_real(cr4, forced) & ~fixed1) == 0;
}

/* CTRL flag -> control bit, one row each (TPR_THRESHOLD has none). */
#define VMX_CTRL_PROC_MAP(X)                                                                       \
    X(INTR_WINDOW, INTR_WINDOW_EXITING)                                                            \
    X(NMI_WINDOW, NMI_WINDOW_EXITING)                                                              \
    X(SINGLE_STEP, MONITOR_TRAP_FLAG)                                                              \
    X(RDTSC_EXIT, RDTSC_EXITING)                                                                   \
    X(RDPMC_EXIT, RDPMC_EXITING)                                                                   \
    X(INVLPG_EXIT, INVLPG_EXITING)                                                                 \
    X(MOV_DR_EXIT, MOV_DR_EXITING)                                                                 \
    X(PAUSE_EXIT, PAUSE_EXITING)
#define VMX_CTRL_PROC2_MAP(X) X(DESC_TABLE_EXIT, DESC_TABLE_EXITING)

u32 vmx_proc_dynamic(void)
{
#define OR_(flag, ctl) | (u32)VIREO_BIT(VMX_PROC, ctl)
    /* RDPMC exiting stays on whatever the flag says (vmx.c's base value) */
    return (0 VMX_CTRL_PROC_MAP(OR_)) & ~(u32)VIREO_BIT(VMX_PROC, RDPMC_EXITING);
#undef OR_
}

u32 vmx_proc_from_ctrl(u64 flags)
{
    u32 v = 0;
#define MAP_(flag, ctl)                                                                            \
    if (flags & VIREO_BIT(VIREO_CTRL, flag))                                                       \
        v |= (u32)VIREO_BIT(VMX_PROC, ctl);
    VMX_CTRL_PROC_MAP(MAP_)
#undef MAP_
    return v;
}

u32 vmx_proc2_dynamic(void)
{
#define OR_(flag, ctl) | (u32)VIREO_BIT(VMX_PROC2, ctl)
    return 0 VMX_CTRL_PROC2_MAP(OR_);
#undef OR_
}

u32 vmx_proc2_from_ctrl(u64 flags)
{
    u32 v = 0;
#define MAP_(flag, ctl)                                                                            \
    if (flags & VIREO_BIT(VIREO_CTRL, flag))                                                       \
        v |= (u32)VIREO_BIT(VMX_PROC2, ctl);
    VMX_CTRL_PROC2_MAP(MAP_)
#undef MAP_
    return v;
}

u64 vmx_ctrl_supported(u64 pin_cap, u64 proc_cap, u64 proc2_cap)
{
    u64 s = 0;
    u32 may1 = vmx_ctl_may1(proc_cap);
    u32 may1_2 = (may1 & VIREO_BIT(VMX_PROC, SECONDARY_CTLS)) ? vmx_ctl_may1(proc2_cap) : 0;
#define PROC_(flag, ctl)                                                                           \
    if (may1 & VIREO_BIT(VMX_PROC, ctl))                                                           \
        s |= VIREO_BIT(VIREO_CTRL, flag);
    VMX_CTRL_PROC_MAP(PROC_)
#undef PROC_
#define PROC2_(flag, ctl)                                                                          \
    if (may1_2 & VIREO_BIT(VMX_PROC2, ctl))                                                        \
        s |= VIREO_BIT(VIREO_CTRL, flag);
    VMX_CTRL_PROC2_MAP(PROC2_)
#undef PROC2_
    /* NMI-window exiting is only defined with virtual NMIs */
    if (!(vmx_ctl_may1(pin_cap) & VIREO_BIT(VMX_PIN, VIRTUAL_NMIS)))
        s &= ~VIREO_BIT(VIREO_CTRL, NMI_WINDOW);
    return s;
}

/* Basic reasons whose exits report the instruction length (SDM vol. 3,
 * 28.2.5 "Information for VM Exits Due to Instruction Execution"). Task
 * switches and exceptions depend on the exit: the caller decides. */
bool vmx_exit_has_insn_len(u32 basic)
{
    switch (basic) {
    case VMX_EXIT_CPUID:
    case VMX_EXIT_GETSEC:
    case VMX_EXIT_HLT:
    case VMX_EXIT_INVD:
    case VMX_EXIT_INVLPG:
    case VMX_EXIT_RDPMC:
    case VMX_EXIT_RDTSC:
    case VMX_EXIT_RSM:
    case VMX_EXIT_VMCALL:
    case VMX_EXIT_VMCLEAR:
    case VMX_EXIT_VMLAUNCH:
    case VMX_EXIT_VMPTRLD:
    case VMX_EXIT_VMPTRST:
    case VMX_EXIT_VMREAD:
    case VMX_EXIT_VMRESUME:
    case VMX_EXIT_VMWRITE:
    case VMX_EXIT_VMXOFF:
    case VMX_EXIT_VMXON:
    case VMX_EXIT_CR_ACCESS:
    case VMX_EXIT_DR_ACCESS:
    case VMX_EXIT_IO:
    case VMX_EXIT_RDMSR:
    case VMX_EXIT_WRMSR:
    case VMX_EXIT_MWAIT:
    case VMX_EXIT_MONITOR:
    case VMX_EXIT_PAUSE:
    case VMX_EXIT_GDTR_IDTR:
    case VMX_EXIT_LDTR_TR:
    case VMX_EXIT_INVEPT:
    case VMX_EXIT_RDTSCP:
    case VMX_EXIT_INVVPID:
    case VMX_EXIT_WBINVD:
    case VMX_EXIT_XSETBV:
    case VMX_EXIT_RDRAND:
    case VMX_EXIT_INVPCID:
    case VMX_EXIT_VMFUNC:
    case VMX_EXIT_ENCLS:
    case VMX_EXIT_RDSEED:
    case VMX_EXIT_XSAVES:
    case VMX_EXIT_XRSTORS:
    case VMX_EXIT_PCONFIG:
    case VMX_EXIT_UMWAIT:
    case VMX_EXIT_TPAUSE:
    case VMX_EXIT_LOADIWKEY:
    case VMX_EXIT_ENCLV:
    case VMX_EXIT_SEAMCALL:
    case VMX_EXIT_TDCALL:
        return true;
    default:
        return false;
    }
}

u64 vmx_dtq(u32 basic, u32 insn_info)
{
    /* IDENTITY: 46: SGDT, SIDT, LGDT, LIDT; 47: SLDT, STR, LLDT, LTR */
    u64 id = VIREO_GET(VMX_INSN_MEM, IDENTITY, insn_info);
    u64 table = (basic == VMX_EXIT_LDTR_TR ? 2 : 0) + (id & 1);
    return VIREO_PUT(VIREO_DTQ, TABLE, table) | VIREO_PUT(VIREO_DTQ, WRITE, id >= 2);
}

u64 vmx_drq(u64 qual)
{
    return VIREO_PUT(VIREO_DRQ, DR, VIREO_GET(VMX_QUAL_DR, DR, qual)) |
           VIREO_PUT(VIREO_DRQ, READ, VIREO_GET(VMX_QUAL_DR, DIR, qual)) |
           VIREO_PUT(VIREO_DRQ, GPR, VIREO_GET(VMX_QUAL_DR, GPR, qual)) |
           VIREO_PUT(VIREO_DRQ, DECODED, 1);
}

u64 vmx_tsq(u64 qual, u32 vect_info)
{
    u64 q = VIREO_PUT(VIREO_TSQ, SELECTOR, VIREO_GET(VMX_QUAL_TASK, SELECTOR, qual)) |
            VIREO_PUT(VIREO_TSQ, SOURCE, VIREO_GET(VMX_QUAL_TASK, SOURCE, qual));
    if (VIREO_GET(VMX_INTR_INFO, VALID, vect_info) &&
        VIREO_GET(VMX_INTR_INFO, HAS_ERROR, vect_info))
        q |= VIREO_PUT(VIREO_TSQ, HAS_ERROR, 1);
    return q;
}

int vmx_pdpte_invalid(const u64 pdpte[4], u32 phys_bits)
{
    u64 reserved = 0x6ull | 0x1e0ull;
    if (phys_bits < 64)
        reserved |= ~0ull << phys_bits;
    for (int i = 0; i < 4; i++) {
        if ((pdpte[i] & 1) && (pdpte[i] & reserved))
            return i;
    }
    return -1;
}
