/* The AMD-V back end's own state (svm.c, svm_state.c). */
#ifndef KERNEL_X86_SVM_H
#define KERNEL_X86_SVM_H

#include "vcpu.h"
#include <vireo/x86/vmcb.h>

/* CPUID 0x8000000A EDX. */
#define SVM_FEATURE_NPT            (1u << 0)
#define SVM_FEATURE_NRIPS          (1u << 3)
#define SVM_FEATURE_FLUSH_BY_ASID  (1u << 6)
#define SVM_FEATURE_DECODE_ASSISTS (1u << 7)

#define SVM_MAX_ASIDS 256u /* ASIDs used (of CPUID 0x8000000A EBX) */

/* What svm_cpu_init set up, shared by every vCPU (one CPU). */
struct svm_cpu {
    u32 features;  /* CPUID 0x8000000A EDX */
    u32 asids;     /* CPUID 0x8000000A EBX */
    u64 hsave_pa;  /* VM_HSAVE_PA */
    u64 host_pa;   /* VMSAVE/VMLOAD page of the host's state */
    u64 iopm_pa;   /* every port intercepted */
    u64 msrpm_pa;  /* every MSR intercepted but the VMLOAD/VMSAVE ones */
    u64 flush_gen; /* bumped when guest-physical mappings go */
    /* The vCPU whose translations an ASID may hold: ASIDs are fewer than
     * vCPU tags (QEMU TCG has 16), so vCPUs may share one, and a switch
     * between them flushes it. */
    const struct vcpu *asid_owner[SVM_MAX_ASIDS];
};
extern struct svm_cpu svm_cpu;

static inline bool svm_has(u32 feature)
{
    return (svm_cpu.features & feature) != 0;
}

/* Per vCPU, in struct vcpu's back-end bytes. */
struct svm_vcpu {
    struct vireo_vcpu_ctrl ctrl; /* as the VMM last set it */
    u64 flush_gen;               /* svm_cpu.flush_gen at the last flush */
    u8 nmi_blocked;              /* an NMI was injected and its IRET not seen */
    u8 iret_seen;                /* an IRET ended NMI blocking: the window opens at the next exit */
    u8 nmi_logged;
    u8 reserved[5];
};
_Static_assert(sizeof(struct svm_vcpu) <= VCPU_BACKEND_BYTES, "SVM state fits struct vcpu");

static inline struct svm_vcpu *svm_vcpu(struct vcpu *v)
{
    return (struct svm_vcpu *)v->backend;
}

/* Recomputes the VMCB's intercepts from the VMM's controls. */
void svm_apply_intercepts(struct vcpu *v);

/* struct vcpu_backend's read, check and write (svm_state.c). */
void svm_read(struct vcpu *v, u64 mtd, struct vireo_vcpu_state *s);
u32 svm_check(struct vcpu *v, const struct vireo_vcpu_state *next, u64 mtd, u64 *detail, u32 *item);
void svm_write(struct vcpu *v, u64 mtd, const struct vireo_vcpu_state *s);

#endif
