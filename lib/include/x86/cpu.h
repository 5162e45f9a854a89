/* Thin wrappers for privileged x86 instructions (ring 0: loader and kernel). */
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

#endif
