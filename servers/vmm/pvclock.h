/*
 * kvmclock's arithmetic and structures (docs/VMM.md, "Paravirtual clock";
 * the layouts: abi/vireo/x86/kvm_para.h): pure, host-tested
 * (tests/unit/vmm/test_pvclock.c). msr.c decides when and where they are
 * written.
 */
#ifndef VIREO_VMM_PVCLOCK_H
#define VIREO_VMM_PVCLOCK_H

#include <vireo/types.h>
#include <vireo/x86/kvm_para.h>

/* The rate taken when the kernel measured none (server_info.tsc_khz 0),
 * as the rest of the VMM takes it: 1 GHz. */
#define PVCLOCK_DEFAULT_KHZ 1000000u

/* The scale of a TSC running at tsc_khz (1 .. 2^32 - 1; 0 is taken as
 * PVCLOCK_DEFAULT_KHZ): nanoseconds = pvclock_ns(ticks, mul, shift).
 * mul has its top bit set (32 significant bits), so the conversion is
 * within 2^-31 (0.0005 ppm) of ticks * 10^6 / tsc_khz; mul is rounded
 * down, so a guest deriving the rate back, (10^6 << 32) / mul shifted by
 * -shift, gets tsc_khz to 2^-shift kHz. */
void pvclock_scale(u64 tsc_khz, u32 *mul, s8 *shift);

/* ticks scaled as the guest scales them: ((ticks << shift, or >> -shift)
 * * mul) >> 32, with the product's full 96 bits. */
u64 pvclock_ns(u64 ticks, u32 mul, s8 shift);

/* The time info for a vCPU whose TSC reads tsc now, system_ns nanoseconds
 * into its system time, the TSC at tsc_khz and stable; version 0 (the write sets it). */
void pvclock_time_info(struct vireo_pvclock_vcpu_time_info *t, u64 tsc, u64 system_ns, u64 tsc_khz);

/* The wall clock at the guest's system time 0 (MSR_KVM_WALL_CLOCK):
 * epoch_s (seconds since 1970 UTC) at host TSC epoch_tsc, moved on to
 * host TSC start_tsc (the VM's start) at tsc_khz (0: PVCLOCK_DEFAULT_KHZ);
 * a start before epoch_tsc counts as epoch_tsc. epoch_s 0 (the host's
 * date unknown): the fixed fallback, fallback_s and 0 ns. Seconds past
 * 2^32 - 1 (2106) stay there. */
void pvclock_wall_at_start(u64 epoch_s, u64 epoch_tsc, u64 start_tsc, u64 tsc_khz, u64 fallback_s,
                           u32 *sec, u32 *nsec);

/* Writes a structure into guest memory p (any alignment; the vCPU is
 * stopped or may read it concurrently) the way a guest expects: version
 * made odd, the fields, version made even, each the next number after
 * what p held (the guest sees a new version for every write). */
void pvclock_write_time(void *p, const struct vireo_pvclock_vcpu_time_info *t);
void pvclock_write_wall(void *p, u32 sec, u32 nsec);

#endif
