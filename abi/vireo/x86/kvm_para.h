/*
 * KVM's paravirtual interface as a guest sees it under the `kvm` provider
 * (docs/VMM.md, "Paravirtual clock"): the feature bits of CPUID leaf
 * 0x40000001 EAX, one table, and the two structures kvmclock's MSRs
 * (abi/vireo/x86/msr.h: KVM_WALL_CLOCK*, KVM_SYSTEM_TIME*) point at in
 * guest memory. Every feature bit not listed reads 0; so do the hints
 * (EDX).
 *
 * X(ID, bit, "what it promises")
 */
#ifndef VIREO_ABI_X86_KVM_PARA_H
#define VIREO_ABI_X86_KVM_PARA_H

#include <vireo/types.h>

#define KVM_CPUID_SIGNATURE 0x40000000u
#define KVM_CPUID_FEATURES  0x40000001u

#define VIREO_KVM_FEATURE_TABLE(X)                                                                 \
    X(CLOCKSOURCE, 0, "kvmclock at MSRs 0x11 (wall clock) and 0x12 (system time)")                 \
    X(CLOCKSOURCE2, 3, "kvmclock at MSRs 0x4b564d00 and 0x4b564d01")                               \
    X(CLOCKSOURCE_STABLE_BIT, 24, "PVCLOCK_TSC_STABLE_BIT in the time info's flags is meant")

enum vireo_kvm_feature {
#define VIREO_KVM_FEATURE_ENUM_(id, bit, what) KVM_FEATURE_##id = bit,
    VIREO_KVM_FEATURE_TABLE(VIREO_KVM_FEATURE_ENUM_)
#undef VIREO_KVM_FEATURE_ENUM_
};

/* Every feature of the table, as leaf 0x40000001 EAX bits. */
#define VIREO_KVM_FEATURE_BIT_(id, bit, what) | (1u << (bit))
#define VIREO_KVM_FEATURES_ALL                (0u VIREO_KVM_FEATURE_TABLE(VIREO_KVM_FEATURE_BIT_))

/* The system-time MSR: bit 0 enables, the rest is the structure's
 * guest-physical address. */
#define KVM_SYSTEM_TIME_ENABLE 1ull

/* The wall clock: the time of day at the guest's system time 0 (seconds
 * and nanoseconds since 1970-01-01 UTC). version is odd while the host
 * writes it. */
struct vireo_pvclock_wall_clock {
    u32 version;
    u32 sec;
    u32 nsec;
};
VIREO_ABI_SIZE(struct vireo_pvclock_wall_clock, 12);
VIREO_ABI_OFFSET(struct vireo_pvclock_wall_clock, sec, 4);
VIREO_ABI_OFFSET(struct vireo_pvclock_wall_clock, nsec, 8);

/* One vCPU's clock: at TSC t the system time in nanoseconds is
 *   system_time + (((t - tsc_timestamp) << tsc_shift) * tsc_to_system_mul) >> 32
 * (a right shift by -tsc_shift when it is negative; the product 96 bits
 * wide). version is odd while the host writes it. */
struct vireo_pvclock_vcpu_time_info {
    u32 version;
    u32 pad0;
    u64 tsc_timestamp;
    u64 system_time;
    u32 tsc_to_system_mul;
    s8 tsc_shift;
    u8 flags;
    u8 pad[2];
};
VIREO_ABI_SIZE(struct vireo_pvclock_vcpu_time_info, 32);
VIREO_ABI_OFFSET(struct vireo_pvclock_vcpu_time_info, tsc_timestamp, 8);
VIREO_ABI_OFFSET(struct vireo_pvclock_vcpu_time_info, system_time, 16);
VIREO_ABI_OFFSET(struct vireo_pvclock_vcpu_time_info, tsc_to_system_mul, 24);
VIREO_ABI_OFFSET(struct vireo_pvclock_vcpu_time_info, tsc_shift, 28);
VIREO_ABI_OFFSET(struct vireo_pvclock_vcpu_time_info, flags, 29);

/* flags: the TSC is synchronized and constant (with
 * KVM_FEATURE_CLOCKSOURCE_STABLE_BIT the guest may trust it). */
#define PVCLOCK_TSC_STABLE_BIT (1u << 0)

#endif
