/*
 * CPUID feature flags a Vireo guest can be offered: one table for the
 * VMM's CPUID policy (servers/vmm/cpuid.c, docs/VMM.md "CPUID") and the
 * names a VM's `cpuid-disable` property uses (abi/bindings.md, /vms).
 * Every flag bit not listed here reads 0 in a guest.
 *
 * X(ID, "name", leaf, subleaf, register, bit, requires, source, kind):
 *   name     as Linux prints it in /proc/cpuinfo (but "sse3", not "pni");
 *   requires another ID (NONE: nothing): offered only when that one is;
 *   source   HOST: offered when the host CPU has it (the guest executes it,
 *            or the VMM relies on the host for it); VMM: the VMM emulates
 *            it, so it is offered whatever the host has;
 *   kind     OPT: `cpuid-disable` may remove it; FIXED: Vireo's guests
 *            and the VMM's own emulation rely on it (long mode, x87/SSE,
 *            MSRs, the TSC): it cannot be removed.
 */
#ifndef VIREO_ABI_X86_CPUID_H
#define VIREO_ABI_X86_CPUID_H

#include <vireo/types.h>

enum vireo_cpuid_reg { VIREO_CPUID_EAX, VIREO_CPUID_EBX, VIREO_CPUID_ECX, VIREO_CPUID_EDX };

#define VIREO_CPUID_FEATURE_TABLE(X)                                                               \
    /* leaf 1 ECX */                                                                               \
    X(SSE3, "sse3", 1, 0, ECX, 0, NONE, HOST, OPT)                                                 \
    X(PCLMULQDQ, "pclmulqdq", 1, 0, ECX, 1, NONE, HOST, OPT)                                       \
    X(SSSE3, "ssse3", 1, 0, ECX, 9, NONE, HOST, OPT)                                               \
    X(FMA, "fma", 1, 0, ECX, 12, AVX, HOST, OPT)                                                   \
    X(CX16, "cx16", 1, 0, ECX, 13, NONE, HOST, OPT)                                                \
    X(PCID, "pcid", 1, 0, ECX, 17, NONE, HOST, OPT)                                                \
    X(SSE4_1, "sse4_1", 1, 0, ECX, 19, NONE, HOST, OPT)                                            \
    X(SSE4_2, "sse4_2", 1, 0, ECX, 20, NONE, HOST, OPT)                                            \
    X(X2APIC, "x2apic", 1, 0, ECX, 21, APIC, VMM, OPT)                                             \
    X(MOVBE, "movbe", 1, 0, ECX, 22, NONE, HOST, OPT)                                              \
    X(POPCNT, "popcnt", 1, 0, ECX, 23, NONE, HOST, OPT)                                            \
    X(TSC_DEADLINE, "tsc_deadline_timer", 1, 0, ECX, 24, APIC, VMM, OPT)                           \
    X(AES, "aes", 1, 0, ECX, 25, NONE, HOST, OPT)                                                  \
    X(XSAVE, "xsave", 1, 0, ECX, 26, NONE, HOST, OPT)                                              \
    X(AVX, "avx", 1, 0, ECX, 28, XSAVE, HOST, OPT)                                                 \
    X(F16C, "f16c", 1, 0, ECX, 29, AVX, HOST, OPT)                                                 \
    X(RDRAND, "rdrand", 1, 0, ECX, 30, NONE, HOST, OPT)                                            \
    /* leaf 1 EDX */                                                                               \
    X(FPU, "fpu", 1, 0, EDX, 0, NONE, HOST, FIXED)                                                 \
    X(VME, "vme", 1, 0, EDX, 1, NONE, HOST, OPT)                                                   \
    X(DE, "de", 1, 0, EDX, 2, NONE, HOST, OPT)                                                     \
    X(PSE, "pse", 1, 0, EDX, 3, NONE, HOST, OPT)                                                   \
    X(TSC, "tsc", 1, 0, EDX, 4, NONE, HOST, FIXED)                                                 \
    X(MSR, "msr", 1, 0, EDX, 5, NONE, HOST, FIXED)                                                 \
    X(PAE, "pae", 1, 0, EDX, 6, NONE, HOST, FIXED)                                                 \
    X(MCE, "mce", 1, 0, EDX, 7, NONE, HOST, OPT)                                                   \
    X(CX8, "cx8", 1, 0, EDX, 8, NONE, HOST, FIXED)                                                 \
    X(APIC, "apic", 1, 0, EDX, 9, NONE, VMM, OPT)                                                  \
    X(SEP, "sep", 1, 0, EDX, 11, NONE, HOST, OPT)                                                  \
    X(MTRR, "mtrr", 1, 0, EDX, 12, NONE, VMM, OPT)                                                 \
    X(PGE, "pge", 1, 0, EDX, 13, NONE, HOST, OPT)                                                  \
    X(MCA, "mca", 1, 0, EDX, 14, NONE, HOST, OPT)                                                  \
    X(CMOV, "cmov", 1, 0, EDX, 15, NONE, HOST, FIXED)                                              \
    X(PAT, "pat", 1, 0, EDX, 16, NONE, HOST, OPT)                                                  \
    X(PSE36, "pse36", 1, 0, EDX, 17, NONE, HOST, OPT)                                              \
    X(CLFLUSH, "clflush", 1, 0, EDX, 19, NONE, HOST, OPT)                                          \
    X(MMX, "mmx", 1, 0, EDX, 23, NONE, HOST, FIXED)                                                \
    X(FXSR, "fxsr", 1, 0, EDX, 24, NONE, HOST, FIXED)                                              \
    X(SSE, "sse", 1, 0, EDX, 25, NONE, HOST, FIXED)                                                \
    X(SSE2, "sse2", 1, 0, EDX, 26, NONE, HOST, FIXED)                                              \
    X(SS, "ss", 1, 0, EDX, 27, NONE, HOST, OPT)                                                    \
    /* leaf 6 EAX */                                                                               \
    X(ARAT, "arat", 6, 0, EAX, 2, APIC, VMM, OPT)                                                  \
    /* leaf 7.0 EBX */                                                                             \
    X(FSGSBASE, "fsgsbase", 7, 0, EBX, 0, NONE, HOST, OPT)                                         \
    X(TSC_ADJUST, "tsc_adjust", 7, 0, EBX, 1, NONE, VMM, OPT)                                      \
    X(BMI1, "bmi1", 7, 0, EBX, 3, NONE, HOST, OPT)                                                 \
    X(AVX2, "avx2", 7, 0, EBX, 5, AVX, HOST, OPT)                                                  \
    X(SMEP, "smep", 7, 0, EBX, 7, NONE, HOST, OPT)                                                 \
    X(BMI2, "bmi2", 7, 0, EBX, 8, NONE, HOST, OPT)                                                 \
    X(ERMS, "erms", 7, 0, EBX, 9, NONE, HOST, OPT)                                                 \
    X(INVPCID, "invpcid", 7, 0, EBX, 10, NONE, HOST, OPT)                                          \
    X(RDSEED, "rdseed", 7, 0, EBX, 18, NONE, HOST, OPT)                                            \
    X(ADX, "adx", 7, 0, EBX, 19, NONE, HOST, OPT)                                                  \
    X(SMAP, "smap", 7, 0, EBX, 20, NONE, HOST, OPT)                                                \
    X(CLFLUSHOPT, "clflushopt", 7, 0, EBX, 23, NONE, HOST, OPT)                                    \
    X(CLWB, "clwb", 7, 0, EBX, 24, NONE, HOST, OPT)                                                \
    X(SHA_NI, "sha_ni", 7, 0, EBX, 29, NONE, HOST, OPT)                                            \
    /* leaf 7.0 ECX */                                                                             \
    X(UMIP, "umip", 7, 0, ECX, 2, NONE, HOST, OPT)                                                 \
    X(GFNI, "gfni", 7, 0, ECX, 8, NONE, HOST, OPT)                                                 \
    X(VAES, "vaes", 7, 0, ECX, 9, AVX, HOST, OPT)                                                  \
    X(VPCLMULQDQ, "vpclmulqdq", 7, 0, ECX, 10, AVX, HOST, OPT)                                     \
    X(RDPID, "rdpid", 7, 0, ECX, 22, NONE, HOST, OPT)                                              \
    X(MOVDIRI, "movdiri", 7, 0, ECX, 27, NONE, HOST, OPT)                                          \
    X(MOVDIR64B, "movdir64b", 7, 0, ECX, 28, NONE, HOST, OPT)                                      \
    /* leaf 7.0 EDX */                                                                             \
    X(FSRM, "fsrm", 7, 0, EDX, 4, NONE, HOST, OPT)                                                 \
    X(MD_CLEAR, "md_clear", 7, 0, EDX, 10, NONE, HOST, OPT)                                        \
    X(SERIALIZE, "serialize", 7, 0, EDX, 14, NONE, HOST, OPT)                                      \
    /* leaf 0xd.1 EAX */                                                                           \
    X(XSAVEOPT, "xsaveopt", 0xd, 1, EAX, 0, XSAVE, HOST, OPT)                                      \
    X(XSAVEC, "xsavec", 0xd, 1, EAX, 1, XSAVE, HOST, OPT)                                          \
    X(XGETBV1, "xgetbv1", 0xd, 1, EAX, 2, XSAVE, HOST, OPT)                                        \
    /* leaf 0x80000001 ECX */                                                                      \
    X(LAHF_LM, "lahf_lm", 0x80000001, 0, ECX, 0, NONE, HOST, OPT)                                  \
    X(ABM, "abm", 0x80000001, 0, ECX, 5, NONE, HOST, OPT)                                          \
    X(SSE4A, "sse4a", 0x80000001, 0, ECX, 6, NONE, HOST, OPT)                                      \
    X(MISALIGNSSE, "misalignsse", 0x80000001, 0, ECX, 7, NONE, HOST, OPT)                          \
    X(PREFETCHW, "3dnowprefetch", 0x80000001, 0, ECX, 8, NONE, HOST, OPT)                          \
    X(XOP, "xop", 0x80000001, 0, ECX, 11, AVX, HOST, OPT)                                          \
    X(FMA4, "fma4", 0x80000001, 0, ECX, 16, AVX, HOST, OPT)                                        \
    X(TBM, "tbm", 0x80000001, 0, ECX, 21, NONE, HOST, OPT)                                         \
    X(TOPOEXT, "topoext", 0x80000001, 0, ECX, 22, NONE, HOST, OPT)                                 \
    /* leaf 0x80000001 EDX (on AMD bits 0-9, 12-17, 23 and 24 repeat leaf 1 EDX) */                \
    X(SYSCALL, "syscall", 0x80000001, 0, EDX, 11, NONE, HOST, FIXED)                               \
    X(NX, "nx", 0x80000001, 0, EDX, 20, NONE, HOST, OPT)                                           \
    X(MMXEXT, "mmxext", 0x80000001, 0, EDX, 22, NONE, HOST, OPT)                                   \
    X(PDPE1GB, "pdpe1gb", 0x80000001, 0, EDX, 26, NONE, HOST, OPT)                                 \
    X(RDTSCP, "rdtscp", 0x80000001, 0, EDX, 27, NONE, HOST, OPT)                                   \
    X(LM, "lm", 0x80000001, 0, EDX, 29, NONE, HOST, FIXED)                                         \
    X(AMD3DNOWEXT, "3dnowext", 0x80000001, 0, EDX, 30, NONE, HOST, OPT)                            \
    X(AMD3DNOW, "3dnow", 0x80000001, 0, EDX, 31, NONE, HOST, OPT)                                  \
    /* leaf 0x80000007 EDX, 0x80000008 EBX */                                                      \
    X(INVTSC, "invtsc", 0x80000007, 0, EDX, 8, NONE, HOST, OPT)                                    \
    X(CLZERO, "clzero", 0x80000008, 0, EBX, 0, NONE, HOST, OPT)                                    \
    X(XSAVEERPTR, "xsaveerptr", 0x80000008, 0, EBX, 2, NONE, HOST, OPT)                            \
    X(WBNOINVD, "wbnoinvd", 0x80000008, 0, EBX, 9, NONE, HOST, OPT)

enum vireo_cpuid_feature {
#define VIREO_CPUID_FEATURE_ENUM_(id, name, leaf, sub, reg, bit, req, src, kind) VIREO_CPUID_F_##id,
    VIREO_CPUID_FEATURE_TABLE(VIREO_CPUID_FEATURE_ENUM_)
#undef VIREO_CPUID_FEATURE_ENUM_
        VIREO_CPUID_FEATURE_COUNT,
    VIREO_CPUID_F_NONE = VIREO_CPUID_FEATURE_COUNT /* "requires nothing" */
};

/* A set of features: bit f of word f / 64 (struct vireo_vm_info's
 * cpuid_disable). */
#define VIREO_CPUID_SET_WORDS 2u
_Static_assert(VIREO_CPUID_FEATURE_COUNT <= 64 * VIREO_CPUID_SET_WORDS, "the feature set fits");

static inline bool vireo_cpuid_set_has(const u64 *set, u32 f)
{
    return f < VIREO_CPUID_FEATURE_COUNT && (set[f / 64] >> (f % 64)) & 1;
}

/* One feature's entry (vireo_cpuid_feature(id)). */
enum vireo_cpuid_source { VIREO_CPUID_SRC_HOST, VIREO_CPUID_SRC_VMM };
enum vireo_cpuid_kind { VIREO_CPUID_KIND_OPT, VIREO_CPUID_KIND_FIXED };
struct vireo_cpuid_feature_info {
    const char *name;
    u32 leaf;
    u8 subleaf, reg, bit, requires;
    u8 source, kind;
};

/* The entry of feature f (f < VIREO_CPUID_FEATURE_COUNT). */
static inline const struct vireo_cpuid_feature_info *vireo_cpuid_feature(u32 f)
{
    static const struct vireo_cpuid_feature_info table[VIREO_CPUID_FEATURE_COUNT] = {
#define VIREO_CPUID_FEATURE_INFO_(id, nm, lf, sub, rg, bt, req, src, knd)                          \
    {.name = nm,                                                                                   \
     .leaf = lf,                                                                                   \
     .subleaf = sub,                                                                               \
     .reg = VIREO_CPUID_##rg,                                                                      \
     .bit = bt,                                                                                    \
     .requires = VIREO_CPUID_F_##req,                                                              \
     .source = VIREO_CPUID_SRC_##src,                                                              \
     .kind = VIREO_CPUID_KIND_##knd},
        VIREO_CPUID_FEATURE_TABLE(VIREO_CPUID_FEATURE_INFO_)
#undef VIREO_CPUID_FEATURE_INFO_
    };
    return &table[f];
}

#endif
