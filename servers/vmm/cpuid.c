/*
 * The guest's CPUID (docs/VMM.md, "CPUID"). Basic leaves 0-0xd and the
 * extended ones up to 0x80000008 (Intel) or 0x8000001e (AMD) exist; every
 * flag bit is the feature table's (abi/vireo/x86/cpuid.h) when the policy
 * offers it, and 0 otherwise; topology, XSAVE, address sizes and the
 * hypervisor leaves are Vireo's own; leaves out of range answer as the
 * host's vendor does.
 */
#include "cpuid.h"
#include "insn.h"
#include "lapic.h"
#include "xstate.h"
#include <string.h>
#include <vireo/x86/cr.h>
#include <vireo/x86/kvm_para.h>
#include <vireo/x86/msr.h>

#define HV_LEAF       0x40000000u
#define HV_LAST       0x400000ffu /* the range a provider owns */
#define MAX_BASIC     0xdu
#define EXT_LEAF      0x80000000u
#define MAX_EXT_INTEL 0x80000008u
#define MAX_EXT_AMD   0x8000001eu
#define ADDR_LEAF     0x80000008u
/* EPT's 4-level walk maps 48 bits of guest-physical space (NPT 52): the
 * guest is told no more. No 5-level paging: 48 linear bits. */
#define MAX_PHYS_BITS 48u
#define LINEAR_BITS   48u

#define L1_ECX_OSXSAVE    (1u << 27)
#define L1_ECX_HYPERVISOR (1u << 31)
#define L1_EDX_APIC       (1u << 9)
/* AMD's leaf 0x80000001 EDX repeats these bits of leaf 1 EDX. */
#define AMD_EDX_ALIASES 0x0183f3ffu

/* Cache descriptors (leaves 4, 0x8000001d): EAX[4:0] the type (0: no
 * more caches), [25:14] the logical processors sharing it less 1, and
 * (leaf 4) [31:26] the cores in the package less 1. */
#define CACHE_TYPE_MASK    0x1fu
#define CACHE_SHARING_MASK (0xfffu << 14)
#define CACHE_CORES_MASK   (0x3fu << 26)

/* Topology leaf 0xb: level types in ECX[15:8]. */
#define TOPO_SMT  1u
#define TOPO_CORE 2u

static struct cpuid_result native(u32 leaf, u32 subleaf)
{
    struct cpuid_result r;
    __asm__ volatile("cpuid"
                     : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
                     : "a"(leaf), "c"(subleaf));
    return r;
}

static struct {
    struct cpuid_policy p;
    cpuid_host_fn host;
    bool configured;
    bool amd;
    u32 host_max_basic, host_max_ext; /* host_max_ext 0: no extended leaves */
    u32 max_ext;
    u64 offered[VIREO_CPUID_SET_WORDS];
    u64 xcr0_mask;
    u64 noted_cr4, noted_xcr0;
} st;

/* The host's leaf, or zeros where the host has none (so that an Intel
 * host's answer for a leaf beyond its range never leaks through). */
static struct cpuid_result host_leaf(u32 leaf, u32 subleaf)
{
    static const struct cpuid_result zero;
    bool ext = leaf >= EXT_LEAF;
    if ((!ext && leaf > st.host_max_basic) || (ext && leaf > st.host_max_ext))
        return zero;
    return st.host(leaf, subleaf);
}

static u32 reg_of(const struct cpuid_result *r, u32 reg)
{
    return reg == VIREO_CPUID_EAX   ? r->eax
           : reg == VIREO_CPUID_EBX ? r->ebx
           : reg == VIREO_CPUID_ECX ? r->ecx
                                    : r->edx;
}

static void set_add(u64 *set, u32 f)
{
    set[f / 64] |= 1ull << (f % 64);
}

/* Whether feature f is offered: not removed, its requirement offered, the
 * host has it (where it is the host's), and what Vireo needs for it. */
static bool resolve(u32 f, u64 raw_xcr0)
{
    if (f >= VIREO_CPUID_FEATURE_COUNT)
        return false;
    const struct vireo_cpuid_feature_info *i = vireo_cpuid_feature(f);
    if (i->kind == VIREO_CPUID_KIND_OPT && vireo_cpuid_set_has(st.p.disable, f))
        return false;
    if (i->requires != VIREO_CPUID_F_NONE && !resolve(i->requires, raw_xcr0))
        return false;
    if (f == VIREO_CPUID_F_XSAVE && !(raw_xcr0 & XCR0_SSE))
        return false; /* the kernel switches no XSAVE state for the guest */
    if (f == VIREO_CPUID_F_AVX && !(raw_xcr0 & XCR0_AVX))
        return false;
    if (f == VIREO_CPUID_F_TOPOEXT && (!st.amd || st.max_ext < MAX_EXT_AMD))
        return false; /* it promises leaves 0x8000001d/e */
    /* They read IA32_TSC_AUX in the CPU, which the VMX back end switches
     * for the guest and the SVM one (AMD hosts) does not yet. */
    if ((f == VIREO_CPUID_F_RDTSCP || f == VIREO_CPUID_F_RDPID) && st.amd)
        return false;
    if (i->source == VIREO_CPUID_SRC_VMM)
        return true;
    struct cpuid_result h = host_leaf(i->leaf, i->subleaf);
    return (reg_of(&h, i->reg) >> i->bit) & 1;
}

void cpuid_configure(const struct cpuid_policy *p, cpuid_host_fn host)
{
    memset(&st, 0, sizeof(st));
    st.p = *p;
    st.host = host ? host : native;
    st.configured = true;
    struct cpuid_result h0 = st.host(0, 0);
    st.host_max_basic = h0.eax;
    /* "AuthenticAMD" and "HygonGenuine" follow AMD's rules. */
    st.amd = h0.ebx == 0x68747541u || h0.ebx == 0x6f677948u;
    struct cpuid_result e0 = st.host(EXT_LEAF, 0);
    st.host_max_ext = e0.eax >= EXT_LEAF && e0.eax <= EXT_LEAF + 0xffff ? e0.eax : 0;
    u32 limit = st.amd ? MAX_EXT_AMD : MAX_EXT_INTEL;
    st.max_ext = !st.host_max_ext ? EXT_LEAF : st.host_max_ext < limit ? st.host_max_ext : limit;
    u64 raw_xcr0 = xstate_guest_xcr0_mask();
    for (u32 f = 0; f < VIREO_CPUID_FEATURE_COUNT; f++) {
        if (resolve(f, raw_xcr0))
            set_add(st.offered, f);
    }
    if (cpuid_has(VIREO_CPUID_F_XSAVE))
        st.xcr0_mask =
            raw_xcr0 & (XCR0_X87 | XCR0_SSE | (cpuid_has(VIREO_CPUID_F_AVX) ? XCR0_AVX : 0));
    st.noted_xcr0 = XCR0_X87;
}

void cpuid_init_vm(const struct vireo_vm_info *cfg)
{
    struct cpuid_policy p = {.paravirt = cfg->paravirt};
    memcpy(p.disable, cfg->cpuid_disable, sizeof(p.disable));
    cpuid_configure(&p, NULL);
}

void cpuid_init(u32 paravirt)
{
    cpuid_configure(&(struct cpuid_policy){.paravirt = paravirt}, NULL);
}

static void ensure_configured(void)
{
    if (!st.configured)
        cpuid_init(VIREO_PARAVIRT_MINIMAL);
}

bool cpuid_has(enum vireo_cpuid_feature f)
{
    ensure_configured();
    return vireo_cpuid_set_has(st.offered, f);
}

u64 cpuid_xcr0_mask(void)
{
    ensure_configured();
    return st.xcr0_mask;
}

u32 cpuid_kvm_features(void)
{
    ensure_configured();
    return st.p.paravirt == VIREO_PARAVIRT_KVM ? VIREO_KVM_FEATURES_ALL : 0;
}

bool cpuid_vendor_amd(void)
{
    ensure_configured();
    return st.amd;
}

void cpuid_note_cr4(u64 cr4)
{
    st.noted_cr4 = cr4;
}

void cpuid_note_xcr0(u64 xcr0)
{
    st.noted_xcr0 = xcr0;
}

/* The table's offered flags of (leaf, subleaf), register by register. */
static struct cpuid_result flags(u32 leaf, u32 subleaf)
{
    u32 r[4] = {0, 0, 0, 0};
    for (u32 f = 0; f < VIREO_CPUID_FEATURE_COUNT; f++) {
        const struct vireo_cpuid_feature_info *i = vireo_cpuid_feature(f);
        if (i->leaf == leaf && i->subleaf == subleaf && vireo_cpuid_set_has(st.offered, f))
            r[i->reg] |= 1u << i->bit;
    }
    return (struct cpuid_result){r[0], r[1], r[2], r[3]};
}

/* The provider's leaves 0x40000000-0x400000ff: EAX of the first is the
 * last leaf it has, EBX:ECX:EDX its signature; what it lacks reads 0. */
static struct cpuid_result hypervisor_leaf(u32 leaf)
{
    static const struct cpuid_result zero;
    switch (st.p.paravirt) {
    case VIREO_PARAVIRT_MINIMAL:
        if (leaf == HV_LEAF)
            return (struct cpuid_result){HV_LEAF, 0x65726956u /* "Vire" */,
                                         0x4d56206fu /* "o VM" */, 0x0000004du /* "M" */};
        return zero;
    case VIREO_PARAVIRT_KVM:
        /* 0x40000001: KVM's feature bits (EAX: kvmclock, kvm_para.h) and
         * hints (EDX: none). */
        if (leaf == KVM_CPUID_SIGNATURE)
            return (struct cpuid_result){KVM_CPUID_FEATURES, 0x4b4d564bu /* "KVMK" */,
                                         0x564b4d56u /* "VMKV" */, 0x0000004du /* "M" */};
        if (leaf == KVM_CPUID_FEATURES)
            return (struct cpuid_result){.eax = cpuid_kvm_features()};
        return zero;
    default:
        return zero;
    }
}

/* One thread in one core in one package (leaf 0xb). */
static struct cpuid_result topology(u32 subleaf)
{
    struct cpuid_result r = {.ecx = subleaf & 0xff, .edx = st.p.apic_id};
    if (subleaf <= 1) {
        r.ebx = 1; /* logical processors at this level; EAX: 0 bits of ID shift */
        r.ecx |= (subleaf == 0 ? TOPO_SMT : TOPO_CORE) << 8;
    }
    return r;
}

/* XSAVE (leaf 0xd): the components of cpuid_xcr0_mask(); sizes for the
 * guest's XCR0 and for all of them; the host's layout of each one. */
static struct cpuid_result xsave_leaf(u32 subleaf, u64 xcr0)
{
    struct cpuid_result r = {0, 0, 0, 0};
    u64 mask = st.xcr0_mask;
    if (!mask)
        return r;
    if (subleaf == 0) {
        r.eax = (u32)mask;
        r.edx = (u32)(mask >> 32);
        r.ebx = xstate_size((xcr0 & mask) | XCR0_X87);
        r.ecx = xstate_size(mask);
    } else if (subleaf == 1) {
        /* EBX: the compacted size for XCR0 | IA32_XSS, what XSAVEC writes
         * (Linux sizes its buffers by it when XSAVEC is offered); XSAVES
         * and IA32_XSS are not offered: XSS is 0, ECX and EDX 0. */
        r.eax = flags(0xd, 1).eax;
        r.ebx = xstate_compacted_size((xcr0 & mask) | XCR0_X87);
    } else if (subleaf < 63 && ((mask >> subleaf) & 1)) {
        r = host_leaf(0xd, subleaf);
    }
    return r;
}

static struct cpuid_result address_sizes(void)
{
    struct cpuid_result h = host_leaf(ADDR_LEAF, 0);
    u32 phys = h.eax & 0xff;
    if (!phys)
        phys = 36;
    if (phys > MAX_PHYS_BITS)
        phys = MAX_PHYS_BITS;
    /* EBX: the table's flags; ECX: one core (AMD NC = 0, APIC ID size 0:
     * the legacy rule); EAX[23:16] 0: guest-physical = physical. */
    return (struct cpuid_result){.eax = phys | LINEAR_BITS << 8, .ebx = flags(ADDR_LEAF, 0).ebx};
}

/* Leaves that hold only the table's flags. */
static bool flags_only(u32 leaf)
{
    return leaf == 6 || leaf == 0x80000007u;
}

static struct cpuid_result in_range(u32 leaf, u32 subleaf, const struct cpuid_dynamic *d)
{
    struct cpuid_result r = {0, 0, 0, 0}, h;
    if (flags_only(leaf))
        return flags(leaf, 0);
    switch (leaf) {
    case 0:
        r = host_leaf(0, 0);
        r.eax = MAX_BASIC;
        return r;
    case 1:
        h = host_leaf(1, 0);
        r = flags(1, 0);
        r.eax = h.eax;
        /* Brand index and CLFLUSH size; one logical processor (HTT clear);
         * the initial APIC ID. */
        r.ebx = (h.ebx & 0xffffu) | 1u << 16 | st.p.apic_id << 24;
        if (cpuid_has(VIREO_CPUID_F_XSAVE) && (d->cr4 & CR4_OSXSAVE))
            r.ecx |= L1_ECX_OSXSAVE;
        if (st.p.paravirt != VIREO_PARAVIRT_NONE)
            r.ecx |= L1_ECX_HYPERVISOR;
        if (!d->apic_enabled)
            r.edx &= ~L1_EDX_APIC; /* as the CPU shows a globally disabled APIC */
        return r;
    case 2: /* cache and TLB descriptors (Intel) */
    case 0x80000002u:
    case 0x80000003u:
    case 0x80000004u: /* the brand string */
    case 0x80000005u:
    case 0x80000006u:              /* caches and TLBs */
    case 0x80000019u:              /* 1 GiB TLBs (AMD) */
        return host_leaf(leaf, 0); /* no subleaves: ECX does not count */
    case 4:
        h = host_leaf(4, subleaf);
        if (h.eax & CACHE_TYPE_MASK)
            h.eax &= ~(CACHE_SHARING_MASK | CACHE_CORES_MASK);
        else
            h = r;
        return h;
    case 7:
        return subleaf == 0 ? flags(7, 0) : r; /* EAX 0: subleaf 0 is the last */
    case 0xb:
        return topology(subleaf);
    case 0xd:
        return xsave_leaf(subleaf, d->xcr0);
    case EXT_LEAF:
        r = host_leaf(EXT_LEAF, 0);
        r.eax = st.max_ext;
        return r;
    case 0x80000001u:
        h = host_leaf(leaf, 0);
        r = flags(leaf, 0);
        r.eax = h.eax; /* AMD: family/model/stepping; Intel 0 */
        r.ebx = h.ebx; /* AMD: brand ID and package type */
        if (st.amd)
            r.edx |= in_range(1, 0, d).edx & AMD_EDX_ALIASES;
        return r;
    case ADDR_LEAF:
        return address_sizes();
    case 0x8000001du:
        if (!cpuid_has(VIREO_CPUID_F_TOPOEXT))
            return r;
        h = host_leaf(leaf, subleaf);
        if (h.eax & CACHE_TYPE_MASK)
            h.eax &= ~CACHE_SHARING_MASK;
        else
            h = r;
        return h;
    case 0x8000001eu:
        /* Extended APIC ID; core 0 with one thread; node 0 of one. */
        if (cpuid_has(VIREO_CPUID_F_TOPOEXT))
            r.eax = st.p.apic_id;
        return r;
    default:
        return r; /* reserved or not emulated: 0 */
    }
}

struct cpuid_result cpuid_answer(u32 leaf, u32 subleaf, const struct cpuid_dynamic *d)
{
    static const struct cpuid_result zero;
    ensure_configured();
    if (leaf >= HV_LEAF && leaf <= HV_LAST && st.p.paravirt != VIREO_PARAVIRT_NONE)
        return hypervisor_leaf(leaf);
    if (leaf <= MAX_BASIC || (leaf >= EXT_LEAF && leaf <= st.max_ext))
        return in_range(leaf, subleaf, d);
    /* Out of range (0x40000000.. without a provider too): AMD answers 0,
     * Intel with the highest basic leaf (SDM vol. 2, CPUID). */
    if (st.amd)
        return zero;
    return in_range(MAX_BASIC, subleaf, d);
}

struct cpuid_result cpuid_guest(u32 leaf, u32 subleaf)
{
    static const struct cpuid_dynamic reset = {.cr4 = 0, .xcr0 = XCR0_X87, .apic_enabled = true};
    return cpuid_answer(leaf, subleaf, &reset);
}

u32 cpuid_phys_bits(void)
{
    ensure_configured();
    if (st.max_ext < ADDR_LEAF)
        return 36;
    return cpuid_guest(ADDR_LEAF, 0).eax & 0xff;
}

void cpuid_exit(struct exit_ctx *x)
{
    struct vireo_vcpu_state *s = x->s;
    u64 len = insn_length(x);
    if (!len)
        return;
    /* The VMM owns all of CR4, so the message's CR4 is the guest's. */
    struct cpuid_dynamic d = {
        .cr4 = (s->mtd & VIREO_MTD(CR0_CR4)) ? s->cr4 : st.noted_cr4,
        .xcr0 = (s->mtd & VIREO_MTD(XCR0)) ? s->xcr0 : st.noted_xcr0,
        .apic_enabled = !x->lapic || (lapic_base_msr(x->lapic) & APIC_BASE_ENABLE),
    };
    struct cpuid_result r = cpuid_answer((u32)s->rax, (u32)s->rcx, &d);
    s->rax = r.eax;
    s->rbx = r.ebx;
    s->rcx = r.ecx;
    s->rdx = r.edx;
    x->changed |= VIREO_MTD(GPR_ACDB);
    exit_finish_insn(x, len);
}
