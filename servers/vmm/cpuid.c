#include "cpuid.h"
#include "insn.h"

#define HV_LEAF 0x40000000u

static u32 provider = VIREO_PARAVIRT_MINIMAL;

void cpuid_init(u32 paravirt)
{
    provider = paravirt;
}

static struct cpuid_result host(u32 leaf, u32 subleaf)
{
    struct cpuid_result r;
    __asm__ volatile("cpuid"
                     : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
                     : "a"(leaf), "c"(subleaf));
    return r;
}

/* Bits of features the VMM does not virtualize (yet), per leaf register:
 * VMX/SMX and SVM (no nesting), MONITOR/MWAIT (they exit), XSAVE and what
 * needs it (XCR0 is not switched), APERF/MPERF (Linux would read them on
 * every tick), and the performance counters (RDPMC exits). */
#define L1_ECX_HIDE                                                                                \
    ((1u << 3) /* MONITOR */ | (1u << 5) /* VMX */ | (1u << 6) /* SMX */ | (1u << 12) /* FMA */ |  \
     (1u << 15) /* PDCM */ | (1u << 26) /* XSAVE */ | (1u << 27) /* OSXSAVE */ |                   \
     (1u << 28) /* AVX */ | (1u << 29) /* F16C */)
#define L1_ECX_HYPERVISOR (1u << 31)
#define L7_EBX_HIDE                                                                                \
    ((1u << 5) /* AVX2 */ | (1u << 16) | (1u << 17) | (1u << 21) | (1u << 26) | (1u << 27) |       \
     (1u << 28) | (1u << 30) | (1u << 31) /* AVX-512 */)
#define L7_ECX_HIDE   ((1u << 1) | (1u << 6) | (1u << 11) | (1u << 12) | (1u << 14) /* AVX-512 */)
#define L7_EDX_HIDE   ((1u << 2) | (1u << 3) | (1u << 8) | (1u << 23) /* AVX-512 */)
#define EXT1_ECX_HIDE (1u << 2) /* SVM */

struct cpuid_result cpuid_guest(u32 leaf, u32 subleaf)
{
    static const struct cpuid_result zero;
    if (leaf >= HV_LEAF && leaf <= HV_LEAF + 0xff) {
        /* The "minimal" paravirtualization provider: a signature only;
         * "none": nothing (never the host's: QEMU names itself there). */
        if (leaf != HV_LEAF || provider == VIREO_PARAVIRT_NONE)
            return zero;
        return (struct cpuid_result){.eax = HV_LEAF,
                                     .ebx = 0x65726956u,  /* "Vire" */
                                     .ecx = 0x4d56206fu,  /* "o VM" */
                                     .edx = 0x0000004du}; /* "M" */
    }
    struct cpuid_result r = host(leaf, subleaf);
    switch (leaf) {
    case 1:
        r.ecx &= ~(L1_ECX_HIDE | L1_ECX_HYPERVISOR);
        if (provider != VIREO_PARAVIRT_NONE)
            r.ecx |= L1_ECX_HYPERVISOR;
        r.ebx &= 0x00ffffffu; /* initial APIC ID 0: the one vCPU */
        break;
    case 5:   /* MONITOR/MWAIT */
    case 0xa: /* performance monitoring */
    case 0xd: /* XSAVE components */
        return zero;
    case 6:
        r.ecx &= ~1u; /* APERF/MPERF */
        break;
    case 7:
        if (subleaf == 0) {
            r.ebx &= ~L7_EBX_HIDE;
            r.ecx &= ~L7_ECX_HIDE;
            r.edx &= ~L7_EDX_HIDE;
        }
        break;
    case 0x80000001:
        r.ecx &= ~EXT1_ECX_HIDE;
        break;
    default:
        break;
    }
    return r;
}

u32 cpuid_phys_bits(void)
{
    if (cpuid_guest(0x80000000u, 0).eax < 0x80000008u)
        return 36;
    u32 bits = cpuid_guest(0x80000008u, 0).eax & 0xff;
    return bits < 52 ? bits : 52;
}

void cpuid_exit(struct exit_ctx *x)
{
    struct vireo_vcpu_state *s = x->s;
    u64 len = insn_length(x);
    if (!len)
        return;
    struct cpuid_result r = cpuid_guest((u32)s->rax, (u32)s->rcx);
    s->rax = r.eax;
    s->rbx = r.ebx;
    s->rcx = r.ecx;
    s->rdx = r.edx;
    x->changed |= VIREO_MTD(GPR_ACDB);
    exit_finish_insn(x, len);
}
