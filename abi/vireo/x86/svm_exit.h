/*
 * AMD SVM: #VMEXIT codes (EXITCODE, AMD APM vol. 2, appendix C) and the
 * EXITINFO1/EXITINFO2 formats the kernel decodes. abi/vireo/vmexit_map.h
 * maps them to Vireo's exit classes.
 */
#ifndef VIREO_ABI_X86_SVM_EXIT_H
#define VIREO_ABI_X86_SVM_EXIT_H

#include <vireo/bitfield.h>

/*
 * Ranges: one code per register or vector, base + n.
 */
#define SVM_EXIT_CR_READ_BASE  0x000u /* + CR number, 0..15 */
#define SVM_EXIT_CR_WRITE_BASE 0x010u
#define SVM_EXIT_DR_READ_BASE  0x020u
#define SVM_EXIT_DR_WRITE_BASE 0x030u
#define SVM_EXIT_EXCP_BASE     0x040u /* + vector, 0..31 */
#define SVM_EXIT_CR_WTRAP_BASE 0x090u /* + CR number: CRn write trap (SEV-ES) */
#define SVM_EXIT_RANGE_SIZE    16u
#define SVM_EXIT_EXCP_RANGE    32u

/*
 * Single codes: X(NAME, code, vireo exit class). The class column names the
 * enum vireo_exit_class member (abi/vireo/vmexit.h); MSR is refined by
 * EXITINFO1 (0 read, 1 write) in vmexit_map.h.
 */
#define SVM_EXIT_TABLE(X)                                                                          \
    X(INTR, 0x060, HOST)                                                                           \
    X(NMI, 0x061, HOST)                                                                            \
    X(SMI, 0x062, HOST)                                                                            \
    X(INIT, 0x063, INIT)                                                                           \
    X(VINTR, 0x064, INTR_WINDOW)                                                                   \
    X(CR0_SEL_WRITE, 0x065, CR_ACCESS)                                                             \
    X(IDTR_READ, 0x066, DESC_TABLE)                                                                \
    X(GDTR_READ, 0x067, DESC_TABLE)                                                                \
    X(LDTR_READ, 0x068, DESC_TABLE)                                                                \
    X(TR_READ, 0x069, DESC_TABLE)                                                                  \
    X(IDTR_WRITE, 0x06a, DESC_TABLE)                                                               \
    X(GDTR_WRITE, 0x06b, DESC_TABLE)                                                               \
    X(LDTR_WRITE, 0x06c, DESC_TABLE)                                                               \
    X(TR_WRITE, 0x06d, DESC_TABLE)                                                                 \
    X(RDTSC, 0x06e, RDTSC)                                                                         \
    X(RDPMC, 0x06f, RDPMC)                                                                         \
    X(PUSHF, 0x070, OTHER)                                                                         \
    X(POPF, 0x071, OTHER)                                                                          \
    X(CPUID, 0x072, CPUID)                                                                         \
    X(RSM, 0x073, RSM)                                                                             \
    X(IRET, 0x074, IRET)                                                                           \
    X(SWINT, 0x075, OTHER)                                                                         \
    X(INVD, 0x076, INVD)                                                                           \
    X(PAUSE, 0x077, PAUSE)                                                                         \
    X(HLT, 0x078, HLT)                                                                             \
    X(INVLPG, 0x079, INVLPG)                                                                       \
    X(INVLPGA, 0x07a, VIRT_INSN)                                                                   \
    X(IOIO, 0x07b, IO)                                                                             \
    X(MSR, 0x07c, MSR_READ)                                                                        \
    X(TASK_SWITCH, 0x07d, TASK_SWITCH)                                                             \
    X(FERR_FREEZE, 0x07e, OTHER)                                                                   \
    X(SHUTDOWN, 0x07f, TRIPLE_FAULT)                                                               \
    X(VMRUN, 0x080, VIRT_INSN)                                                                     \
    X(VMMCALL, 0x081, VMCALL)                                                                      \
    X(VMLOAD, 0x082, VIRT_INSN)                                                                    \
    X(VMSAVE, 0x083, VIRT_INSN)                                                                    \
    X(STGI, 0x084, VIRT_INSN)                                                                      \
    X(CLGI, 0x085, VIRT_INSN)                                                                      \
    X(SKINIT, 0x086, VIRT_INSN)                                                                    \
    X(RDTSCP, 0x087, RDTSCP)                                                                       \
    X(ICEBP, 0x088, OTHER)                                                                         \
    X(WBINVD, 0x089, WBINVD)                                                                       \
    X(MONITOR, 0x08a, MONITOR)                                                                     \
    X(MWAIT, 0x08b, MWAIT)                                                                         \
    X(MWAIT_ARMED, 0x08c, MWAIT)                                                                   \
    X(XSETBV, 0x08d, XSETBV)                                                                       \
    X(RDPRU, 0x08e, OTHER)                                                                         \
    X(EFER_WRITE_TRAP, 0x08f, OTHER)                                                               \
    X(INVLPGB, 0x0a0, OTHER)                                                                       \
    X(INVLPGB_ILLEGAL, 0x0a1, OTHER)                                                               \
    X(INVPCID, 0x0a2, INVPCID)                                                                     \
    X(MCOMMIT, 0x0a3, OTHER)                                                                       \
    X(TLBSYNC, 0x0a4, OTHER)                                                                       \
    X(BUS_LOCK, 0x0a5, OTHER)                                                                      \
    X(IDLE_HLT, 0x0a6, HLT)                                                                        \
    X(NPF, 0x400, MEM_FAULT)                                                                       \
    X(AVIC_INCOMPLETE_IPI, 0x401, APIC_ACCESS)                                                     \
    X(AVIC_NOACCEL, 0x402, APIC_ACCESS)                                                            \
    X(VMGEXIT, 0x403, OTHER)

enum svm_exit_code {
#define SVM_EXIT_ENUM_(name, code, cls) SVM_EXIT_##name = (code),
    SVM_EXIT_TABLE(SVM_EXIT_ENUM_)
#undef SVM_EXIT_ENUM_
};
/* VMRUN found invalid guest state (EXITCODE -1 as a 64-bit value). */
#define SVM_EXIT_INVALID (~0ull)

#define SVM_EXIT_COUNT_(name, code, cls) +1
enum { SVM_EXIT_TABLE_COUNT = 0 SVM_EXIT_TABLE(SVM_EXIT_COUNT_) };
#undef SVM_EXIT_COUNT_

/* Name of a single code, or 0 (ranges and INVALID are named by the caller). */
static inline const char *svm_exit_code_name(u64 code)
{
    switch (code) {
#define SVM_EXIT_NAME_(name, c, cls)                                                               \
    case c:                                                                                        \
        return #name;
        SVM_EXIT_TABLE(SVM_EXIT_NAME_)
#undef SVM_EXIT_NAME_
    default:
        return 0;
    }
}

/*
 * ---- EXITINFO formats ----
 */

/* IOIO: EXITINFO1. EXITINFO2 holds the RIP of the next instruction. SEG
 * (with decode assists) 0..5 = ES, CS, SS, DS, FS, GS. */
#define SVM_IOIO_LAYOUT(X, p)                                                                      \
    X(p, IN, 0, 1)                                                                                 \
    X(p, STR, 2, 1)                                                                                \
    X(p, REP, 3, 1)                                                                                \
    X(p, SZ8, 4, 1)                                                                                \
    X(p, SZ16, 5, 1)                                                                               \
    X(p, SZ32, 6, 1)                                                                               \
    X(p, A16, 7, 1)                                                                                \
    X(p, A32, 8, 1)                                                                                \
    X(p, A64, 9, 1)                                                                                \
    X(p, SEG, 10, 3)                                                                               \
    X(p, PORT, 16, 16)
VIREO_LAYOUT(SVM_IOIO, SVM_IOIO_LAYOUT);

/* MSR: EXITINFO1. */
enum svm_msr_access { SVM_MSR_READ = 0, SVM_MSR_WRITE = 1 };

/* NPF: EXITINFO1 is a #PF-style error code plus where the fault hit;
 * EXITINFO2 is the faulting guest-physical address. */
#define SVM_NPF_FLAGS(X, p)                                                                        \
    X(p, P, 0)                                                                                     \
    X(p, RW, 1)                                                                                    \
    X(p, US, 2)                                                                                    \
    X(p, RSV, 3)                                                                                   \
    X(p, ID, 4)                                                                                    \
    X(p, SS, 6)                                                                                    \
    X(p, FINAL, 32)                                                                                \
    X(p, PT_WALK, 33)
VIREO_FLAGS(SVM_NPF, SVM_NPF_FLAGS);

/* CR/DR access with decode assists: EXITINFO1. VALID (CR only): the access
 * was a MOV (not LMSW/CLTS/selective write), so GPR names the register. */
#define SVM_QUAL_CR_LAYOUT(X, p)                                                                   \
    X(p, GPR, 0, 4)                                                                                \
    X(p, VALID, 63, 1)
VIREO_LAYOUT(SVM_QUAL_CR, SVM_QUAL_CR_LAYOUT);
#define SVM_QUAL_DR_LAYOUT(X, p) X(p, GPR, 0, 4)
VIREO_LAYOUT(SVM_QUAL_DR, SVM_QUAL_DR_LAYOUT);

/* Task switch: EXITINFO1 bits 15:0 = target TSS selector; EXITINFO2: */
#define SVM_TASK_LAYOUT(X, p)                                                                      \
    X(p, ERROR, 0, 32)                                                                             \
    X(p, IRET, 36, 1)                                                                              \
    X(p, JMP, 38, 1)                                                                               \
    X(p, HAS_ERROR, 44, 1)                                                                         \
    X(p, RF, 48, 1)
VIREO_LAYOUT(SVM_TASK, SVM_TASK_LAYOUT);

/* Exceptions: EXITINFO1 = error code (vectors that push one); for #PF
 * EXITINFO2 = the faulting linear address. INVLPG with decode assists:
 * EXITINFO1 = the linear address. */

#endif
