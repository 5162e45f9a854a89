/*
 * Intel VMX: basic exit reasons and the exit-qualification and
 * instruction-information layouts (Intel SDM vol. 3, chapter 28 and
 * appendix C). abi/vireo/vmexit_map.h maps them to Vireo's exit classes.
 */
#ifndef VIREO_ABI_X86_VMX_EXIT_H
#define VIREO_ABI_X86_VMX_EXIT_H

#include <vireo/bitfield.h>

/* The exit-reason field (VMCS_EXIT_REASON). */
#define VMX_EXIT_REASON_LAYOUT(X, p)                                                               \
    X(p, BASIC, 0, 16)                                                                             \
    X(p, ENCLAVE, 27, 1)                                                                           \
    X(p, PENDING_MTF, 28, 1)                                                                       \
    X(p, FROM_ROOT, 29, 1)                                                                         \
    X(p, ENTRY_FAILURE, 31, 1)
VIREO_LAYOUT(VMX_EXIT_REASON, VMX_EXIT_REASON_LAYOUT);

/*
 * Basic exit reasons: X(NAME, number, vireo exit class). The third column
 * names the enum vireo_exit_class member (abi/vireo/vmexit.h) the reason
 * becomes; it is only pasted there, so this header needs no other.
 */
#define VMX_EXIT_TABLE(X)                                                                          \
    X(EXCEPTION_NMI, 0, EXCEPTION)                                                                 \
    X(EXTINT, 1, HOST)                                                                             \
    X(TRIPLE_FAULT, 2, TRIPLE_FAULT)                                                               \
    X(INIT, 3, INIT)                                                                               \
    X(SIPI, 4, SIPI)                                                                               \
    X(IO_SMI, 5, HOST)                                                                             \
    X(OTHER_SMI, 6, HOST)                                                                          \
    X(INTR_WINDOW, 7, INTR_WINDOW)                                                                 \
    X(NMI_WINDOW, 8, NMI_WINDOW)                                                                   \
    X(TASK_SWITCH, 9, TASK_SWITCH)                                                                 \
    X(CPUID, 10, CPUID)                                                                            \
    X(GETSEC, 11, OTHER)                                                                           \
    X(HLT, 12, HLT)                                                                                \
    X(INVD, 13, INVD)                                                                              \
    X(INVLPG, 14, INVLPG)                                                                          \
    X(RDPMC, 15, RDPMC)                                                                            \
    X(RDTSC, 16, RDTSC)                                                                            \
    X(RSM, 17, RSM)                                                                                \
    X(VMCALL, 18, VMCALL)                                                                          \
    X(VMCLEAR, 19, VIRT_INSN)                                                                      \
    X(VMLAUNCH, 20, VIRT_INSN)                                                                     \
    X(VMPTRLD, 21, VIRT_INSN)                                                                      \
    X(VMPTRST, 22, VIRT_INSN)                                                                      \
    X(VMREAD, 23, VIRT_INSN)                                                                       \
    X(VMRESUME, 24, VIRT_INSN)                                                                     \
    X(VMWRITE, 25, VIRT_INSN)                                                                      \
    X(VMXOFF, 26, VIRT_INSN)                                                                       \
    X(VMXON, 27, VIRT_INSN)                                                                        \
    X(CR_ACCESS, 28, CR_ACCESS)                                                                    \
    X(DR_ACCESS, 29, DR_ACCESS)                                                                    \
    X(IO, 30, IO)                                                                                  \
    X(RDMSR, 31, MSR_READ)                                                                         \
    X(WRMSR, 32, MSR_WRITE)                                                                        \
    X(ENTRY_FAIL_GUEST_STATE, 33, ENTRY_FAILURE)                                                   \
    X(ENTRY_FAIL_MSR_LOAD, 34, ENTRY_FAILURE)                                                      \
    X(MWAIT, 36, MWAIT)                                                                            \
    X(MTF, 37, MTF)                                                                                \
    X(MONITOR, 39, MONITOR)                                                                        \
    X(PAUSE, 40, PAUSE)                                                                            \
    X(ENTRY_FAIL_MCE, 41, ENTRY_FAILURE)                                                           \
    X(TPR_BELOW_THRESHOLD, 43, TPR_BELOW_THRESHOLD)                                                \
    X(APIC_ACCESS, 44, APIC_ACCESS)                                                                \
    X(VIRTUALIZED_EOI, 45, APIC_ACCESS)                                                            \
    X(GDTR_IDTR, 46, DESC_TABLE)                                                                   \
    X(LDTR_TR, 47, DESC_TABLE)                                                                     \
    X(EPT_VIOLATION, 48, MEM_FAULT)                                                                \
    X(EPT_MISCONFIG, 49, MEM_FAULT)                                                                \
    X(INVEPT, 50, VIRT_INSN)                                                                       \
    X(RDTSCP, 51, RDTSCP)                                                                          \
    X(PREEMPTION_TIMER, 52, PREEMPT)                                                               \
    X(INVVPID, 53, VIRT_INSN)                                                                      \
    X(WBINVD, 54, WBINVD)                                                                          \
    X(XSETBV, 55, XSETBV)                                                                          \
    X(APIC_WRITE, 56, APIC_ACCESS)                                                                 \
    X(RDRAND, 57, RDRAND)                                                                          \
    X(INVPCID, 58, INVPCID)                                                                        \
    X(VMFUNC, 59, VIRT_INSN)                                                                       \
    X(ENCLS, 60, OTHER)                                                                            \
    X(RDSEED, 61, RDSEED)                                                                          \
    X(PML_FULL, 62, HOST)                                                                          \
    X(XSAVES, 63, XSAVES)                                                                          \
    X(XRSTORS, 64, XSAVES)                                                                         \
    X(PCONFIG, 65, OTHER)                                                                          \
    X(SPP, 66, OTHER)                                                                              \
    X(UMWAIT, 67, OTHER)                                                                           \
    X(TPAUSE, 68, OTHER)                                                                           \
    X(LOADIWKEY, 69, OTHER)                                                                        \
    X(ENCLV, 70, OTHER)                                                                            \
    X(ENQCMD_PASID, 72, OTHER)                                                                     \
    X(ENQCMDS_PASID, 73, OTHER)                                                                    \
    X(BUS_LOCK, 74, OTHER)                                                                         \
    X(INSN_TIMEOUT, 75, OTHER)                                                                     \
    X(SEAMCALL, 76, OTHER)                                                                         \
    X(TDCALL, 77, OTHER)

enum vmx_exit_reason {
#define VMX_EXIT_ENUM_(name, n, cls) VMX_EXIT_##name = (n),
    VMX_EXIT_TABLE(VMX_EXIT_ENUM_)
#undef VMX_EXIT_ENUM_
        VMX_EXIT_LIMIT = 78 /* one past the highest listed reason */
};

#define VMX_EXIT_COUNT_(name, n, cls) +1
enum { VMX_EXIT_REASON_COUNT = 0 VMX_EXIT_TABLE(VMX_EXIT_COUNT_) };
#undef VMX_EXIT_COUNT_

static inline const char *vmx_exit_reason_name(u32 basic)
{
    switch (basic) {
#define VMX_EXIT_NAME_(name, n, cls)                                                               \
    case n:                                                                                        \
        return #name;
        VMX_EXIT_TABLE(VMX_EXIT_NAME_)
#undef VMX_EXIT_NAME_
    default:
        return 0;
    }
}

/*
 * ---- exit qualifications (VMCS_EXIT_QUALIFICATION) ----
 */

/* Control-register access (reason 28). */
#define VMX_QUAL_CR_LAYOUT(X, p)                                                                   \
    X(p, CR, 0, 4)                                                                                 \
    X(p, ACCESS, 4, 2)                                                                             \
    X(p, LMSW_MEM, 6, 1)                                                                           \
    X(p, GPR, 8, 4)                                                                                \
    X(p, LMSW_DATA, 16, 16)
VIREO_LAYOUT(VMX_QUAL_CR, VMX_QUAL_CR_LAYOUT);
enum vmx_cr_access {
    VMX_CR_MOV_TO = 0,
    VMX_CR_MOV_FROM = 1,
    VMX_CR_CLTS = 2,
    VMX_CR_LMSW = 3,
};

/* MOV DR (reason 29). DIR: 0 = MOV to DR, 1 = MOV from DR. */
#define VMX_QUAL_DR_LAYOUT(X, p)                                                                   \
    X(p, DR, 0, 3)                                                                                 \
    X(p, DIR, 4, 1)                                                                                \
    X(p, GPR, 8, 4)
VIREO_LAYOUT(VMX_QUAL_DR, VMX_QUAL_DR_LAYOUT);

/* I/O instruction (reason 30). SIZE is bytes - 1 (0, 1 or 3); IMM: the
 * port was an immediate operand (else DX). */
#define VMX_QUAL_IO_LAYOUT(X, p)                                                                   \
    X(p, SIZE, 0, 3)                                                                               \
    X(p, IN, 3, 1)                                                                                 \
    X(p, STRING, 4, 1)                                                                             \
    X(p, REP, 5, 1)                                                                                \
    X(p, IMM, 6, 1)                                                                                \
    X(p, PORT, 16, 16)
VIREO_LAYOUT(VMX_QUAL_IO, VMX_QUAL_IO_LAYOUT);

/* EPT violation (reason 48). READ/WRITE/EXEC: the access; READABLE..: what
 * the EPT entries allowed; TRANSLATED (valid with GLA_VALID): the access was
 * to the final translation, not to a guest paging structure. */
#define VMX_QUAL_EPT_FLAGS(X, p)                                                                   \
    X(p, READ, 0)                                                                                  \
    X(p, WRITE, 1)                                                                                 \
    X(p, EXEC, 2)                                                                                  \
    X(p, READABLE, 3)                                                                              \
    X(p, WRITABLE, 4)                                                                              \
    X(p, EXECUTABLE, 5)                                                                            \
    X(p, USER_EXECUTABLE, 6)                                                                       \
    X(p, GLA_VALID, 7)                                                                             \
    X(p, TRANSLATED, 8)                                                                            \
    X(p, USER, 9)                                                                                  \
    X(p, RW_PAGE, 10)                                                                              \
    X(p, NX_PAGE, 11)                                                                              \
    X(p, NMI_UNBLOCKED, 12)                                                                        \
    X(p, SHADOW_STACK, 13)                                                                         \
    X(p, SSS, 14)                                                                                  \
    X(p, GUEST_PAGING_VERIFY, 15)                                                                  \
    X(p, ASYNC, 16)
VIREO_FLAGS(VMX_QUAL_EPT, VMX_QUAL_EPT_FLAGS);

/* Task switch (reason 9). */
#define VMX_QUAL_TASK_LAYOUT(X, p)                                                                 \
    X(p, SELECTOR, 0, 16)                                                                          \
    X(p, SOURCE, 30, 2)
VIREO_LAYOUT(VMX_QUAL_TASK, VMX_QUAL_TASK_LAYOUT);
enum vmx_task_source {
    VMX_TASK_CALL = 0,
    VMX_TASK_IRET = 1,
    VMX_TASK_JMP = 2,
    VMX_TASK_IDT_GATE = 3,
};

/* APIC access (reason 44). */
#define VMX_QUAL_APIC_LAYOUT(X, p)                                                                 \
    X(p, OFFSET, 0, 12)                                                                            \
    X(p, TYPE, 12, 4)
VIREO_LAYOUT(VMX_QUAL_APIC, VMX_QUAL_APIC_LAYOUT);

/* Debug exception (reason 0 with vector 1): the DR6 bits it would set. */
#define VMX_QUAL_DB_FLAGS(X, p)                                                                    \
    X(p, B0, 0)                                                                                    \
    X(p, B1, 1)                                                                                    \
    X(p, B2, 2)                                                                                    \
    X(p, B3, 3)                                                                                    \
    X(p, BD, 13)                                                                                   \
    X(p, BS, 14)                                                                                   \
    X(p, RTM, 16)
VIREO_FLAGS(VMX_QUAL_DB, VMX_QUAL_DB_FLAGS);

/* VM-entry failure due to invalid guest state (reason 33). Reason 34 (MSR
 * loading) has the 1-based index of the failing MSR-load entry instead. */
#define VMX_ENTRY_QUAL_TABLE(X) X(DEFAULT, 0) X(PDPTE, 2) X(NMI_STI_BLOCKING, 3) X(LINK_PTR, 4)
enum vmx_entry_qual {
#define VMX_ENTRY_QUAL_ENUM_(name, n) VMX_ENTRY_QUAL_##name = (n),
    VMX_ENTRY_QUAL_TABLE(VMX_ENTRY_QUAL_ENUM_)
#undef VMX_ENTRY_QUAL_ENUM_
};

/*
 * ---- VM-exit instruction information (VMCS_EXIT_INSN_INFO) ----
 */

/* INS/OUTS: ADDR_SIZE 0 = 16-bit, 1 = 32-bit, 2 = 64-bit; SEG (OUTS only)
 * 0..5 = ES, CS, SS, DS, FS, GS. */
#define VMX_INSN_IO_LAYOUT(X, p)                                                                   \
    X(p, ADDR_SIZE, 7, 3)                                                                          \
    X(p, SEG, 15, 3)
VIREO_LAYOUT(VMX_INSN_IO, VMX_INSN_IO_LAYOUT);

/* Descriptor-table exits (reasons 46, 47) and the memory-operand form used
 * by most instruction exits. IDENTITY for 46: 0 SGDT, 1 SIDT, 2 LGDT,
 * 3 LIDT; for 47: 0 SLDT, 1 STR, 2 LLDT, 3 LTR. */
#define VMX_INSN_MEM_LAYOUT(X, p)                                                                  \
    X(p, SCALE, 0, 2)                                                                              \
    X(p, REG1, 3, 4)                                                                               \
    X(p, ADDR_SIZE, 7, 3)                                                                          \
    X(p, IS_REG, 10, 1)                                                                            \
    X(p, OP_SIZE, 11, 1)                                                                           \
    X(p, SEG, 15, 3)                                                                               \
    X(p, INDEX, 18, 4)                                                                             \
    X(p, INDEX_INVALID, 22, 1)                                                                     \
    X(p, BASE, 23, 4)                                                                              \
    X(p, BASE_INVALID, 27, 1)                                                                      \
    X(p, IDENTITY, 28, 2)
VIREO_LAYOUT(VMX_INSN_MEM, VMX_INSN_MEM_LAYOUT);

#endif
