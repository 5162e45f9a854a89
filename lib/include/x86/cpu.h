/* Thin wrappers for privileged x86 instructions (ring 0: loader, kernel and
 * the test guests). */
#ifndef VIREO_X86_CPU_H
#define VIREO_X86_CPU_H

#include <vireo/types.h>
#include <vireo/x86/msr.h>
#include <vireo/x86/cr.h>

struct cpuid_regs {
    u32 eax, ebx, ecx, edx;
};

static inline struct cpuid_regs cpuid(u32 leaf, u32 subleaf)
{
    struct cpuid_regs r;
    __asm__ volatile("cpuid"
                     : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
                     : "a"(leaf), "c"(subleaf));
    return r;
}

static inline u64 rdmsr(u32 msr)
{
    u32 lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((u64)hi << 32) | lo;
}

static inline void wrmsr(u32 msr, u64 value)
{
    __asm__ volatile("wrmsr" ::"c"(msr), "a"((u32)value), "d"((u32)(value >> 32)) : "memory");
}

static inline u64 rdtsc(void)
{
    u32 lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((u64)hi << 32) | lo;
}

#define DEFINE_CR_ACCESS(n)                                                                        \
    static inline u64 read_cr##n(void)                                                             \
    {                                                                                              \
        u64 v;                                                                                     \
        __asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));                                          \
        return v;                                                                                  \
    }                                                                                              \
    static inline void write_cr##n(u64 v)                                                          \
    {                                                                                              \
        __asm__ volatile("mov %0, %%cr" #n ::"r"(v) : "memory");                                   \
    }
DEFINE_CR_ACCESS(0)
DEFINE_CR_ACCESS(2)
DEFINE_CR_ACCESS(3)
DEFINE_CR_ACCESS(4)
#undef DEFINE_CR_ACCESS

#define DEFINE_DR_ACCESS(n)                                                                        \
    static inline u64 read_dr##n(void)                                                             \
    {                                                                                              \
        u64 v;                                                                                     \
        __asm__ volatile("mov %%db" #n ", %0" : "=r"(v));                                          \
        return v;                                                                                  \
    }                                                                                              \
    static inline void write_dr##n(u64 v)                                                          \
    {                                                                                              \
        __asm__ volatile("mov %0, %%db" #n ::"r"(v));                                              \
    }
DEFINE_DR_ACCESS(0)
DEFINE_DR_ACCESS(1)
DEFINE_DR_ACCESS(2)
DEFINE_DR_ACCESS(3)
DEFINE_DR_ACCESS(6)
DEFINE_DR_ACCESS(7)
#undef DEFINE_DR_ACCESS

static inline u64 read_rflags(void)
{
    u64 v;
    __asm__ volatile("pushfq; popq %0" : "=r"(v));
    return v;
}

static inline void cpu_relax(void)
{
    __asm__ volatile("pause");
}
static inline void irq_enable(void)
{
    __asm__ volatile("sti" ::: "memory");
}
static inline void irq_disable(void)
{
    __asm__ volatile("cli" ::: "memory");
}
static inline void cpu_halt(void)
{
    __asm__ volatile("hlt" ::: "memory");
}
static inline void invlpg(u64 addr)
{
    __asm__ volatile("invlpg (%0)" ::"r"(addr) : "memory");
}

/* CPUID feature bits (leaf, register, bit) used by more than one file. */
#define CPUID_1_ECX_VMX                   (1u << 5)
#define CPUID_1_ECX_SMX                   (1u << 6)
#define CPUID_1_ECX_X2APIC                (1u << 21)
#define CPUID_1_ECX_XSAVE                 (1u << 26)
#define CPUID_1_ECX_OSXSAVE               (1u << 27) /* CR4.OSXSAVE, as the OS set it */
#define CPUID_1_ECX_AVX                   (1u << 28)
#define CPUID_1_ECX_RDRAND                (1u << 30)
#define CPUID_1_EDX_APIC                  (1u << 9)
#define CPUID_7_EBX_SMEP                  (1u << 7)
#define CPUID_7_EBX_SMAP                  (1u << 20)
#define CPUID_80000001_ECX_SVM            (1u << 2)
#define CPUID_80000001_EDX_NX             (1u << 20)
#define CPUID_80000001_EDX_PAGE1GB        (1u << 26)
#define CPUID_8000000A_EDX_NPT            (1u << 0)
#define CPUID_8000000A_EDX_NRIPS          (1u << 3)
#define CPUID_8000000A_EDX_FLUSH_BY_ASID  (1u << 6)
#define CPUID_8000000A_EDX_DECODE_ASSISTS (1u << 7)

/* The extended control registers (#UD unless CR4.OSXSAVE): XCR0 is number 0. */
static inline u64 xgetbv(u32 xcr)
{
    u32 lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(xcr));
    return ((u64)hi << 32) | lo;
}
static inline void xsetbv(u32 xcr, u64 value)
{
    __asm__ volatile("xsetbv" ::"c"(xcr), "a"((u32)value), "d"((u32)(value >> 32)) : "memory");
}

/* Returns false when the hardware had no random number ready. */
static inline bool rdrand64(u64 *out)
{
    u8 ok;
    __asm__ volatile("rdrand %0; setc %1" : "=r"(*out), "=qm"(ok)::"cc");
    return ok != 0;
}

/* SMAP: let ring 0 touch user pages (stac) and forbid it again (clac). */
static inline void smap_allow_user(void)
{
    __asm__ volatile("stac" ::: "memory", "cc");
}
static inline void smap_forbid_user(void)
{
    __asm__ volatile("clac" ::: "memory", "cc");
}

struct descriptor_pointer {
    u16 limit;
    u64 base;
} __attribute__((packed));

static inline void lgdt(const struct descriptor_pointer *p)
{
    __asm__ volatile("lgdt %0" ::"m"(*p) : "memory");
}
static inline void lidt(const struct descriptor_pointer *p)
{
    __asm__ volatile("lidt %0" ::"m"(*p) : "memory");
}
static inline void ltr(u16 selector)
{
    __asm__ volatile("ltr %0" ::"r"(selector) : "memory");
}

#endif
