/*
 * VM exits as IPC messages: the architecture-neutral ABI between the
 * kernel's two virtualization back ends (kernel/x86/vmx.c, svm.c) and the
 * ring-3 VMM. docs/VMEXIT.md explains it; this header fixes the numbers.
 *
 * On an exit the kernel normalizes the hardware reason to an exit class,
 * writes the message header and the guest-state items the portal's MTD asks
 * for into the handler's UTCB (struct vireo_vcpu_state, at fixed offsets),
 * and calls the vCPU's exit portal for that class. The handler replies
 * with msg[0] = an MTD naming the items it changed; the kernel validates
 * them against the VM-entry rules, loads them and resumes the guest. A
 * reply that fails a check changes nothing and comes back as a
 * VIREO_EXIT_ENTRY_FAILURE message naming the check (enum vireo_entry_check).
 *
 * Event, interruptibility and activity formats are the VMX ones
 * (abi/vireo/x86/vmcs.h); the SVM back end converts.
 */
#ifndef VIREO_ABI_VMEXIT_H
#define VIREO_ABI_VMEXIT_H

#include <vireo/bitfield.h>
#include <vireo/utcb.h>
#include <vireo/x86/vmcs.h>

/*
 * ---- message transfer descriptor ----
 * One bit per guest-state item of struct vireo_vcpu_state. VIREO_MTD(name)
 * is the mask.
 */
#define VIREO_MTD_FLAGS(X, p)                                                                      \
    X(p, GPR_ACDB, 0)      /* rax rcx rdx rbx */                                                   \
    X(p, GPR_BSD, 1)       /* rbp rsi rdi */                                                       \
    X(p, GPR_R8_R15, 2)    /* r8..r15 */                                                           \
    X(p, RSP, 3)           /* rsp */                                                               \
    X(p, RIP_LEN, 4)       /* rip, insn_len */                                                     \
    X(p, RFLAGS, 5)        /* rflags */                                                            \
    X(p, DS_ES, 6)         /* ds es */                                                             \
    X(p, FS_GS, 7)         /* fs gs */                                                             \
    X(p, CS_SS, 8)         /* cs ss */                                                             \
    X(p, TR, 9)            /* tr */                                                                \
    X(p, LDTR, 10)         /* ldtr */                                                              \
    X(p, GDTR, 11)         /* gdtr */                                                              \
    X(p, IDTR, 12)         /* idtr */                                                              \
    X(p, CR0_CR4, 13)      /* cr0 cr4 */                                                           \
    X(p, CR2, 14)          /* cr2 */                                                               \
    X(p, CR3, 15)          /* cr3 pdpte[] */                                                       \
    X(p, CR8, 16)          /* cr8 (TPR) */                                                         \
    X(p, EFER, 17)         /* efer */                                                              \
    X(p, XCR0, 18)         /* xcr0 */                                                              \
    X(p, DR7, 19)          /* dr7 dr6 */                                                           \
    X(p, DR0_3, 20)        /* dr[0..3] */                                                          \
    X(p, SYSENTER, 21)     /* sysenter_cs/esp/eip */                                               \
    X(p, SYSCALL, 22)      /* star lstar cstar sfmask kernel_gs_base */                            \
    X(p, PAT_DEBUGCTL, 23) /* pat debugctl */                                                      \
    X(p, INTR_STATE, 24)   /* intr_state actv_state */                                             \
    X(p, PENDING_DBG, 25)  /* pending_dbg */                                                       \
    X(p, INJECT, 26)       /* inj_info inj_error inj_len */                                        \
    X(p, TSC, 27)          /* tsc_offset */                                                        \
    X(p, CTRL, 28)         /* ctrl (struct vireo_vcpu_ctrl) */                                     \
    X(p, IDT_VECT, 29)     /* vect_info vect_error (exit only) */                                  \
    X(p, QUAL, 30)         /* raw_qual[] info[] (exit only) */                                     \
    X(p, ADDR, 31)         /* gpa gla (exit only) */
VIREO_FLAGS(VIREO_MTD, VIREO_MTD_FLAGS);
#define VIREO_MTD(name) VIREO_BIT(VIREO_MTD, name)

#define VIREO_MTD_ALL       VIREO_FLAGS_ALL(VIREO_MTD, VIREO_MTD_FLAGS)
#define VIREO_MTD_EXIT_ONLY (VIREO_MTD(IDT_VECT) | VIREO_MTD(QUAL) | VIREO_MTD(ADDR))
#define VIREO_MTD_WRITABLE  (VIREO_MTD_ALL & ~VIREO_MTD_EXIT_ONLY)

/* Groups used by the default portal MTDs below. */
#define VIREO_MTD_GPRS (VIREO_MTD(GPR_ACDB) | VIREO_MTD(GPR_BSD) | VIREO_MTD(GPR_R8_R15))
/* What finishing an emulated instruction needs: advance RIP, drop the
 * STI/MOV-SS shadow, deliver a pending single-step #DB (DEBUGCTL.BTF). */
#define VIREO_MTD_INSN                                                                             \
    (VIREO_MTD(RIP_LEN) | VIREO_MTD(RFLAGS) | VIREO_MTD(INTR_STATE) | VIREO_MTD(PENDING_DBG) |     \
     VIREO_MTD(PAT_DEBUGCTL) | VIREO_MTD(INJECT) | VIREO_MTD(IDT_VECT) | VIREO_MTD(QUAL))
/* What decoding and emulating an arbitrary instruction needs. */
#define VIREO_MTD_EMUL                                                                             \
    (VIREO_MTD_INSN | VIREO_MTD_GPRS | VIREO_MTD(RSP) | VIREO_MTD(CS_SS) | VIREO_MTD(DS_ES) |      \
     VIREO_MTD(FS_GS) | VIREO_MTD(CR0_CR4) | VIREO_MTD(CR3) | VIREO_MTD(EFER) | VIREO_MTD(ADDR) |  \
     VIREO_MTD(DR7))
/* Event windows: what injecting an event needs. */
#define VIREO_MTD_EVENT                                                                            \
    (VIREO_MTD(RIP_LEN) | VIREO_MTD(RFLAGS) | VIREO_MTD(INTR_STATE) | VIREO_MTD(INJECT) |          \
     VIREO_MTD(IDT_VECT) | VIREO_MTD(CTRL) | VIREO_MTD(CR8))

/*
 * ---- exit classes ----
 * X(NAME, number, default portal MTD, description). The number is also the
 * index into the vCPU's exit-portal table. Raw reasons map here through
 * abi/vireo/vmexit_map.h.
 */
#define VIREO_EXIT_CLASS_TABLE(X)                                                                  \
    X(STARTUP, 0, VIREO_MTD_WRITABLE, "vCPU about to run for the first time")                      \
    X(RECALL, 1, VIREO_MTD_EVENT, "EC_RECALL: the VMM asked the vCPU to stop")                     \
    X(EXCEPTION, 2, VIREO_MTD_ALL, "intercepted exception (vector in info[0])")                    \
    X(INTR_WINDOW, 3, VIREO_MTD_EVENT, "guest can take an interrupt")                              \
    X(NMI_WINDOW, 4, VIREO_MTD_EVENT, "guest can take an NMI")                                     \
    X(TRIPLE_FAULT, 5, VIREO_MTD_ALL, "triple fault / SVM shutdown")                               \
    X(INIT, 6, VIREO_MTD_ALL, "INIT signal")                                                       \
    X(SIPI, 7, VIREO_MTD_ALL, "startup IPI in wait-for-SIPI (vector in info[0])")                  \
    X(TASK_SWITCH, 8, VIREO_MTD_ALL, "hardware task switch")                                       \
    X(CPUID, 9, VIREO_MTD_INSN | VIREO_MTD(GPR_ACDB), "CPUID")                                     \
    X(HLT, 10, VIREO_MTD_INSN | VIREO_MTD_EVENT, "HLT")                                            \
    X(INVD, 11, VIREO_MTD_INSN, "INVD")                                                            \
    X(INVLPG, 12, VIREO_MTD_INSN | VIREO_MTD(ADDR), "INVLPG (address in gla)")                     \
    X(RDPMC, 13, VIREO_MTD_INSN | VIREO_MTD(GPR_ACDB), "RDPMC")                                    \
    X(RDTSC, 14, VIREO_MTD_INSN | VIREO_MTD(GPR_ACDB) | VIREO_MTD(TSC), "RDTSC")                   \
    X(RDTSCP, 15, VIREO_MTD_INSN | VIREO_MTD(GPR_ACDB) | VIREO_MTD(TSC), "RDTSCP")                 \
    X(RSM, 16, VIREO_MTD_INSN, "RSM")                                                              \
    X(VMCALL, 17, VIREO_MTD_INSN | VIREO_MTD_GPRS | VIREO_MTD(CS_SS), "VMCALL / VMMCALL")          \
    X(VIRT_INSN, 18, VIREO_MTD_INSN | VIREO_MTD(CS_SS), "guest used a VMX/SVM instruction")        \
    X(CR_ACCESS, 19, VIREO_MTD_EMUL | VIREO_MTD(CR2) | VIREO_MTD(CR8) | VIREO_MTD(CTRL),           \
      "CR access (info[0]: VIREO_CRQ)")                                                            \
    X(DR_ACCESS, 20, VIREO_MTD_EMUL | VIREO_MTD(DR0_3), "MOV DR (info[0]: VIREO_DRQ)")             \
    X(IO, 21, VIREO_MTD_EMUL, "port I/O (info[0]: VIREO_IOQ)")                                     \
    X(MSR_READ, 22,                                                                                \
      VIREO_MTD_INSN | VIREO_MTD(GPR_ACDB) | VIREO_MTD(EFER) | VIREO_MTD(SYSENTER) |               \
          VIREO_MTD(SYSCALL) | VIREO_MTD(TSC) | VIREO_MTD(CS_SS),                                  \
      "RDMSR (index in info[0])")                                                                  \
    X(MSR_WRITE, 23,                                                                               \
      VIREO_MTD_INSN | VIREO_MTD(GPR_ACDB) | VIREO_MTD(EFER) | VIREO_MTD(SYSENTER) |               \
          VIREO_MTD(SYSCALL) | VIREO_MTD(TSC) | VIREO_MTD(CS_SS) | VIREO_MTD(CR0_CR4),             \
      "WRMSR (index in info[0])")                                                                  \
    X(ENTRY_FAILURE, 24, VIREO_MTD_ALL, "VM entry failed (check in info[0])")                      \
    X(MWAIT, 25, VIREO_MTD_INSN, "MWAIT")                                                          \
    X(MONITOR, 26, VIREO_MTD_INSN, "MONITOR")                                                      \
    X(PAUSE, 27, VIREO_MTD_INSN, "PAUSE")                                                          \
    X(MTF, 28, VIREO_MTD_INSN | VIREO_MTD(CTRL), "single step completed (VMX MTF)")                \
    X(TPR_BELOW_THRESHOLD, 29, VIREO_MTD_EVENT, "TPR fell below the threshold")                    \
    X(APIC_ACCESS, 30, VIREO_MTD_EMUL, "APIC page access / virtualized EOI / APIC write")          \
    X(DESC_TABLE, 31,                                                                              \
      VIREO_MTD_EMUL | VIREO_MTD(GDTR) | VIREO_MTD(IDTR) | VIREO_MTD(LDTR) | VIREO_MTD(TR),        \
      "descriptor-table register access (info[0]: VIREO_DTQ)")                                     \
    X(MEM_FAULT, 32, VIREO_MTD_EMUL, "EPT/NPT fault: MMIO or protection (info[0]: VIREO_MEMF)")    \
    X(PREEMPT, 33, VIREO_MTD_EVENT, "preemption timer expired")                                    \
    X(WBINVD, 34, VIREO_MTD_INSN, "WBINVD / WBNOINVD")                                             \
    X(XSETBV, 35, VIREO_MTD_INSN | VIREO_MTD(GPR_ACDB) | VIREO_MTD(XCR0) | VIREO_MTD(CR0_CR4),     \
      "XSETBV")                                                                                    \
    X(RDRAND, 36, VIREO_MTD_EMUL, "RDRAND")                                                        \
    X(RDSEED, 37, VIREO_MTD_EMUL, "RDSEED")                                                        \
    X(INVPCID, 38, VIREO_MTD_EMUL, "INVPCID")                                                      \
    X(XSAVES, 39, VIREO_MTD_EMUL | VIREO_MTD(XCR0), "XSAVES / XRSTORS")                            \
    X(IRET, 40, VIREO_MTD_EVENT, "IRET (SVM: NMI window tracking)")                                \
    X(OTHER, 41, VIREO_MTD_ALL, "anything else: see raw_reason")                                   \
    X(HOST, 42, 0, "handled in the kernel, never delivered")

enum vireo_exit_class {
#define VIREO_EXIT_CLASS_ENUM_(name, n, mtd, text) VIREO_EXIT_##name = (n),
    VIREO_EXIT_CLASS_TABLE(VIREO_EXIT_CLASS_ENUM_)
#undef VIREO_EXIT_CLASS_ENUM_
        VIREO_EXIT_CLASS_COUNT
};

static inline const char *vireo_exit_class_name(u32 cls)
{
    switch (cls) {
#define VIREO_EXIT_CLASS_NAME_(name, n, mtd, text)                                                 \
    case n:                                                                                        \
        return #name;
        VIREO_EXIT_CLASS_TABLE(VIREO_EXIT_CLASS_NAME_)
#undef VIREO_EXIT_CLASS_NAME_
    default:
        return 0;
    }
}

/* The MTD a VMM gives the portal of a class unless it knows better. */
static inline u64 vireo_exit_default_mtd(u32 cls)
{
    switch (cls) {
#define VIREO_EXIT_CLASS_MTD_(name, n, mtd, text)                                                  \
    case n:                                                                                        \
        return (mtd);
        VIREO_EXIT_CLASS_TABLE(VIREO_EXIT_CLASS_MTD_)
#undef VIREO_EXIT_CLASS_MTD_
    default:
        return 0;
    }
}

/*
 * ---- VM-entry checks ----
 * What a failed entry message names in info[0]; info[1] is the detail
 * named in the text, info[2] the MTD item (bit number) at fault, or ~0.
 */
#define VIREO_ENTRY_CHECK_TABLE(X)                                                                 \
    X(NONE, "no failure")                                                                          \
    X(MTD_RESERVED, "reply MTD has undefined bits (detail: the bits)")                             \
    X(RIP_NONCANONICAL, "RIP not canonical for the mode")                                          \
    X(RFLAGS_RESERVED, "RFLAGS reserved bit set or bit 1 clear")                                   \
    X(RFLAGS_VM_LONG, "RFLAGS.VM set in IA-32e mode")                                              \
    X(CR0_INVALID, "CR0: reserved bit, fixed bit, PG without PE or NW without CD")                 \
    X(CR4_INVALID, "CR4: reserved or fixed bit, or PAE cleared in IA-32e mode")                    \
    X(CR3_INVALID, "CR3 beyond the physical-address width")                                        \
    X(EFER_INVALID, "EFER: reserved bit, or LMA != (LME && CR0.PG)")                               \
    X(PDPTE_INVALID, "PAE PDPTE with reserved bits set")                                           \
    X(XCR0_INVALID, "XCR0: x87 clear, unsupported or inconsistent component")                      \
    X(DR7_INVALID, "DR7 bits 63:32 set")                                                           \
    X(DEBUGCTL_INVALID, "DEBUGCTL reserved bit set")                                               \
    X(PAT_INVALID, "PAT entry with a reserved memory type")                                        \
    X(MSR_NONCANONICAL, "SYSENTER/SYSCALL MSR address not canonical (detail: MSR)")                \
    X(SEG_INVALID, "segment access rights or limit invalid (detail: enum vireo_seg_index)")        \
    X(SEG_BASE_NONCANONICAL, "segment base not canonical (detail: enum vireo_seg_index)")          \
    X(DTR_INVALID, "GDTR/IDTR limit above 0xffff or base not canonical")                           \
    X(CS_L_AND_D, "CS.L and CS.D both set in IA-32e mode")                                         \
    X(INTR_STATE_INVALID, "interruptibility: reserved bit, STI and MOV SS, or STI with IF=0")      \
    X(ACTIVITY_INVALID, "activity state unknown or not allowed with this state")                   \
    X(PENDING_DBG_INVALID, "pending debug exceptions: reserved bit or BS inconsistent with TF")    \
    X(EVENT_INVALID, "injection: reserved type, vector or error-code combination")                 \
    X(EVENT_BLOCKED, "injection of an interrupt or NMI the guest blocks")                          \
    X(CTRL_UNSUPPORTED, "control this CPU or back end cannot provide (detail: the flag)")          \
    X(CTRL_INVALID, "control field with reserved bits")                                            \
    X(HW_GUEST_STATE, "CPU rejected the guest state (detail: VMX exit qualification)")             \
    X(HW_MSR_LOAD, "CPU failed the VM-entry MSR load (detail: entry index)")                       \
    X(HW_MACHINE_CHECK, "machine check during VM entry")                                           \
    X(HW_VMFAIL, "VMLAUNCH/VMRESUME failed (detail: VM-instruction error)")                        \
    X(HW_SVM_INVALID, "VMRUN returned VMEXIT_INVALID")

enum vireo_entry_check {
#define VIREO_ENTRY_CHECK_ENUM_(name, text) VIREO_CHECK_##name,
    VIREO_ENTRY_CHECK_TABLE(VIREO_ENTRY_CHECK_ENUM_)
#undef VIREO_ENTRY_CHECK_ENUM_
        VIREO_CHECK_COUNT
};

static inline const char *vireo_entry_check_name(u32 check)
{
    static const char *const names[] = {
#define VIREO_ENTRY_CHECK_NAME_(name, text) #name,
        VIREO_ENTRY_CHECK_TABLE(VIREO_ENTRY_CHECK_NAME_)
#undef VIREO_ENTRY_CHECK_NAME_
    };
    return check < VIREO_CHECK_COUNT ? names[check] : 0;
}
static inline const char *vireo_entry_check_text(u32 check)
{
    static const char *const texts[] = {
#define VIREO_ENTRY_CHECK_TEXT_(name, text) text,
        VIREO_ENTRY_CHECK_TABLE(VIREO_ENTRY_CHECK_TEXT_)
#undef VIREO_ENTRY_CHECK_TEXT_
    };
    return check < VIREO_CHECK_COUNT ? texts[check] : 0;
}

/* Segment indices (entry-check details; x86 SREG order, then LDTR, TR). */
enum vireo_seg_index {
    VIREO_SEG_ES = 0,
    VIREO_SEG_CS = 1,
    VIREO_SEG_SS = 2,
    VIREO_SEG_DS = 3,
    VIREO_SEG_FS = 4,
    VIREO_SEG_GS = 5,
    VIREO_SEG_LDTR = 6,
    VIREO_SEG_TR = 7,
};

/*
 * ---- normalized exit information (info[0..3]) ----
 * Back ends fill these from VMX qualifications or SVM EXITINFO so the VMM
 * never parses either; raw_qual[] keeps the originals.
 */

/* IO: info[0]. SIZE in bytes (1, 2, 4); ADDR_SIZE (string forms) 0 = 16,
 * 1 = 32, 2 = 64 bit; SEG (string forms, SEG_VALID) enum vireo_seg_index. */
#define VIREO_IOQ_LAYOUT(X, p)                                                                     \
    X(p, PORT, 0, 16)                                                                              \
    X(p, SIZE, 16, 3)                                                                              \
    X(p, IN, 19, 1)                                                                                \
    X(p, STRING, 20, 1)                                                                            \
    X(p, REP, 21, 1)                                                                               \
    X(p, ADDR_SIZE, 22, 2)                                                                         \
    X(p, SEG, 24, 3)                                                                               \
    X(p, SEG_VALID, 27, 1)
VIREO_LAYOUT(VIREO_IOQ, VIREO_IOQ_LAYOUT);

/* CR_ACCESS: info[0]; the VMX layout plus DECODED (ACCESS and GPR are known;
 * clear: decode the instruction at RIP). ACCESS: enum vmx_cr_access. */
#define VIREO_CRQ_LAYOUT(X, p)                                                                     \
    X(p, CR, 0, 4)                                                                                 \
    X(p, ACCESS, 4, 2)                                                                             \
    X(p, LMSW_MEM, 6, 1)                                                                           \
    X(p, GPR, 8, 4)                                                                                \
    X(p, DECODED, 12, 1)                                                                           \
    X(p, LMSW_DATA, 16, 16)
VIREO_LAYOUT(VIREO_CRQ, VIREO_CRQ_LAYOUT);

/* DR_ACCESS: info[0]. READ: MOV from DR. */
#define VIREO_DRQ_LAYOUT(X, p)                                                                     \
    X(p, DR, 0, 3)                                                                                 \
    X(p, READ, 4, 1)                                                                               \
    X(p, GPR, 8, 4)                                                                                \
    X(p, DECODED, 12, 1)
VIREO_LAYOUT(VIREO_DRQ, VIREO_DRQ_LAYOUT);

/* DESC_TABLE: info[0]. TABLE: 0 GDTR, 1 IDTR, 2 LDTR, 3 TR; WRITE: a load. */
#define VIREO_DTQ_LAYOUT(X, p)                                                                     \
    X(p, TABLE, 0, 2)                                                                              \
    X(p, WRITE, 2, 1)
VIREO_LAYOUT(VIREO_DTQ, VIREO_DTQ_LAYOUT);

/* MEM_FAULT: info[0]. READ/WRITE/EXEC: the access. PRESENT: the page is
 * mapped (a permission fault; clear: nothing there, i.e. MMIO). FINAL (with
 * GLA_VALID): the access was to the final translation, not to a guest page
 * table. PERM_R/W/X: what the mapping allowed, when PERM_KNOWN. */
#define VIREO_MEMF_FLAGS(X, p)                                                                     \
    X(p, READ, 0)                                                                                  \
    X(p, WRITE, 1)                                                                                 \
    X(p, EXEC, 2)                                                                                  \
    X(p, PRESENT, 3)                                                                               \
    X(p, GLA_VALID, 4)                                                                             \
    X(p, FINAL, 5)                                                                                 \
    X(p, USER, 6)                                                                                  \
    X(p, NMI_UNBLOCKED, 7)                                                                         \
    X(p, MISCONFIG, 8)                                                                             \
    X(p, PERM_KNOWN, 15)                                                                           \
    X(p, PERM_R, 16)                                                                               \
    X(p, PERM_W, 17)                                                                               \
    X(p, PERM_X, 18)
VIREO_FLAGS(VIREO_MEMF, VIREO_MEMF_FLAGS);

/* TASK_SWITCH: info[0]; info[1] = error code when HAS_ERROR. SOURCE: enum
 * vmx_task_source. */
#define VIREO_TSQ_LAYOUT(X, p)                                                                     \
    X(p, SELECTOR, 0, 16)                                                                          \
    X(p, SOURCE, 30, 2)                                                                            \
    X(p, HAS_ERROR, 32, 1)
VIREO_LAYOUT(VIREO_TSQ, VIREO_TSQ_LAYOUT);

/* EXCEPTION: info[0] = VMX_INTR_INFO (vector, type, HAS_ERROR, VALID),
 * info[1] = error code, info[2] = #PF: faulting address (guest CR2 is not
 * yet written); #DB: the DR6 bits (VMX_QUAL_DB). INVLPG: gla, info[0] = 1
 * when the address is known. SIPI: info[0] = vector. MSR_*: info[0] = index.
 * ENTRY_FAILURE: info[0] = enum vireo_entry_check, info[1] = detail,
 * info[2] = MTD item bit or ~0. */

/*
 * ---- the message ----
 */

/* A segment register: the VMCB layout. ar holds the SVM attribute layout
 * (SVM_ATTR: type, S, DPL, P in bits 7:0, AVL, L, DB, G in 11:8) plus
 * VIREO_SEG_AR_UNUSABLE (VMX's "unusable"). GDTR/IDTR use base and limit. */
struct vireo_seg {
    u16 sel;
    u16 ar;
    u32 limit;
    u64 base;
};
VIREO_ABI_SIZE(struct vireo_seg, 16);
#define VIREO_SEG_AR_UNUSABLE (1u << 12)

/* VMX access rights <-> Vireo ar. */
static inline u16 vireo_seg_ar_from_vmx(u32 ar)
{
    return (u16)((ar & 0xffu) | ((ar >> 4) & 0xf00u) | ((ar >> 4) & VIREO_SEG_AR_UNUSABLE));
}
static inline u32 vireo_seg_ar_to_vmx(u16 ar)
{
    return (ar & 0xffu) | ((u32)(ar & 0xf00u) << 4) | ((u32)(ar & VIREO_SEG_AR_UNUSABLE) << 4);
}

/* Execution controls the VMM may change (MTD item CTRL). */
#define VIREO_CTRL_FLAGS(X, p)                                                                     \
    X(p, INTR_WINDOW, 0) /* exit when the guest can take an interrupt */                           \
    X(p, NMI_WINDOW, 1)  /* exit when the guest can take an NMI */                                 \
    X(p, SINGLE_STEP, 2) /* exit after one instruction (VMX MTF) */                                \
    X(p, RDTSC_EXIT, 3)  /* RDTSC/RDTSCP exit */                                                   \
    X(p, RDPMC_EXIT, 4)                                                                            \
    X(p, INVLPG_EXIT, 5)                                                                           \
    X(p, MOV_DR_EXIT, 6)                                                                           \
    X(p, PAUSE_EXIT, 7)                                                                            \
    X(p, DESC_TABLE_EXIT, 8)                                                                       \
    X(p, TPR_THRESHOLD, 9) /* tpr_threshold is in force (VMX TPR shadow) */
VIREO_FLAGS(VIREO_CTRL, VIREO_CTRL_FLAGS);
#define VIREO_CTRL_ALL VIREO_FLAGS_ALL(VIREO_CTRL, VIREO_CTRL_FLAGS)

struct vireo_vcpu_ctrl {
    u64 flags;         /* VIREO_CTRL_* */
    u32 exc_bitmap;    /* bit n: exception vector n exits */
    u32 tpr_threshold; /* bits 3:0 */
    u64 cr0_mask;      /* CR0 bits the VMM owns: guest writes exit, reads see cr0_shadow */
    u64 cr0_shadow;
    u64 cr4_mask;
    u64 cr4_shadow;
};
VIREO_ABI_SIZE(struct vireo_vcpu_ctrl, 48);

enum vireo_vcpu_arch {
    VIREO_ARCH_VMX = 1,
    VIREO_ARCH_SVM = 2,
};

struct vireo_vcpu_state {
    /* header: always written on exit; ignored in a reply except mtd */
    u64 mtd;        /* exit: items present; reply: items changed */
    u32 exit_class; /* enum vireo_exit_class */
    u32 arch;       /* enum vireo_vcpu_arch */
    u64 raw_reason; /* VMX exit-reason field, or SVM EXITCODE */
    /* QUAL */
    u64 raw_qual[2]; /* VMX: qualification, instruction info; SVM: EXITINFO1, 2 */
    u64 info[4];     /* normalized, per class (above) */
    /* ADDR */
    u64 gpa; /* guest-physical address (MEM_FAULT) */
    u64 gla; /* guest-linear address (MEM_FAULT with GLA_VALID, INVLPG) */
    /* IDT_VECT: the event being delivered when the exit happened */
    u32 vect_info; /* VMX_INTR_INFO layout, VALID clear if none */
    u32 vect_error;
    /* INJECT: the event to inject at entry */
    u32 inj_info; /* VMX_INTR_INFO layout (NMI_UNBLOCKED must be 0) */
    u32 inj_error;
    u64 inj_len; /* instruction length for software interrupts/exceptions */
    /* INTR_STATE */
    u32 intr_state; /* VMX_INTR_STATE flags */
    u32 actv_state; /* enum vmx_activity */
    /* PENDING_DBG */
    u64 pending_dbg; /* VMX_PENDING_DBG flags */
    /* GPR_ACDB, GPR_BSD, GPR_R8_R15, RSP */
    u64 rax, rcx, rdx, rbx;
    u64 rbp, rsi, rdi;
    u64 r8, r9, r10, r11, r12, r13, r14, r15;
    u64 rsp;
    /* RIP_LEN */
    u64 rip;
    u64 insn_len; /* length of the exiting instruction; 0 = unknown, decode it */
    /* RFLAGS */
    u64 rflags;
    /* CR0_CR4, CR2, CR3, CR8, EFER, XCR0 */
    u64 cr0, cr4, cr2, cr3, cr8, efer, xcr0;
    u64 pdpte[4]; /* with CR3: PAE paging under nested paging (VMX) */
    /* DR7 (dr7, dr6), DR0_3 */
    u64 dr7, dr6;
    u64 dr[4];
    /* CS_SS, DS_ES, FS_GS, LDTR, TR, GDTR, IDTR */
    struct vireo_seg es, cs, ss, ds, fs, gs, ldtr, tr, gdtr, idtr;
    /* SYSENTER */
    u64 sysenter_cs, sysenter_esp, sysenter_eip;
    /* SYSCALL */
    u64 star, lstar, cstar, sfmask, kernel_gs_base;
    /* PAT_DEBUGCTL */
    u64 pat, debugctl;
    /* TSC */
    u64 tsc_offset; /* guest TSC = host TSC + tsc_offset */
    /* CTRL */
    struct vireo_vcpu_ctrl ctrl;
};
VIREO_ABI_OFFSET(struct vireo_vcpu_state, exit_class, 0x008);
VIREO_ABI_OFFSET(struct vireo_vcpu_state, raw_reason, 0x010);
VIREO_ABI_OFFSET(struct vireo_vcpu_state, raw_qual, 0x018);
VIREO_ABI_OFFSET(struct vireo_vcpu_state, info, 0x028);
VIREO_ABI_OFFSET(struct vireo_vcpu_state, gpa, 0x048);
VIREO_ABI_OFFSET(struct vireo_vcpu_state, vect_info, 0x058);
VIREO_ABI_OFFSET(struct vireo_vcpu_state, inj_info, 0x060);
VIREO_ABI_OFFSET(struct vireo_vcpu_state, inj_len, 0x068);
VIREO_ABI_OFFSET(struct vireo_vcpu_state, intr_state, 0x070);
VIREO_ABI_OFFSET(struct vireo_vcpu_state, pending_dbg, 0x078);
VIREO_ABI_OFFSET(struct vireo_vcpu_state, rax, 0x080);
VIREO_ABI_OFFSET(struct vireo_vcpu_state, rbp, 0x0a0);
VIREO_ABI_OFFSET(struct vireo_vcpu_state, r8, 0x0b8);
VIREO_ABI_OFFSET(struct vireo_vcpu_state, rsp, 0x0f8);
VIREO_ABI_OFFSET(struct vireo_vcpu_state, rip, 0x100);
VIREO_ABI_OFFSET(struct vireo_vcpu_state, rflags, 0x110);
VIREO_ABI_OFFSET(struct vireo_vcpu_state, cr0, 0x118);
VIREO_ABI_OFFSET(struct vireo_vcpu_state, pdpte, 0x150);
VIREO_ABI_OFFSET(struct vireo_vcpu_state, dr7, 0x170);
VIREO_ABI_OFFSET(struct vireo_vcpu_state, dr, 0x180);
VIREO_ABI_OFFSET(struct vireo_vcpu_state, es, 0x1a0);
VIREO_ABI_OFFSET(struct vireo_vcpu_state, idtr, 0x230);
VIREO_ABI_OFFSET(struct vireo_vcpu_state, sysenter_cs, 0x240);
VIREO_ABI_OFFSET(struct vireo_vcpu_state, star, 0x258);
VIREO_ABI_OFFSET(struct vireo_vcpu_state, pat, 0x280);
VIREO_ABI_OFFSET(struct vireo_vcpu_state, tsc_offset, 0x290);
VIREO_ABI_OFFSET(struct vireo_vcpu_state, ctrl, 0x298);
VIREO_ABI_SIZE(struct vireo_vcpu_state, 0x2c8);

#define VIREO_VCPU_STATE_WORDS (sizeof(struct vireo_vcpu_state) / 8)
_Static_assert(sizeof(struct vireo_vcpu_state) % 8 == 0, "the exit message is whole words");
_Static_assert(VIREO_VCPU_STATE_WORDS <= VIREO_MSG_WORDS, "the exit message fits the UTCB");
_Static_assert(VIREO_EXIT_CLASS_COUNT <= 64, "exit classes fit a 64-bit mask");
_Static_assert(VIREO_CHECK_COUNT <= 256, "entry checks fit a byte");

#endif
