/*
 * AMD SVM: the virtual machine control block (AMD APM vol. 2, appendix B
 * and chapter 15). One 4 KiB page: the control area at 0x000 and the
 * state-save area at 0x400. Offsets are pinned by static asserts; exit
 * codes and exit-information formats are in svm_exit.h.
 */
#ifndef VIREO_ABI_X86_VMCB_H
#define VIREO_ABI_X86_VMCB_H

#include <vireo/bitfield.h>

#define VMCB_SIZE      4096u
#define VMCB_SAVE_AREA 0x400u

/* Intercept vectors: 32-bit words at control offsets 0x000..0x014. */
enum vmcb_intercept_word {
    VMCB_ICPT_CR = 0,    /* bits 0..15 CRn reads, 16..31 CRn writes */
    VMCB_ICPT_DR = 1,    /* bits 0..15 DRn reads, 16..31 DRn writes */
    VMCB_ICPT_EXC = 2,   /* bit n: exception vector n */
    VMCB_ICPT_MISC1 = 3, /* SVM_ICPT1 flags */
    VMCB_ICPT_MISC2 = 4, /* SVM_ICPT2 flags */
    VMCB_ICPT_MISC3 = 5, /* SVM_ICPT3 flags */
    VMCB_ICPT_WORDS = 6
};
#define SVM_ICPT_CR_READ(n)  (1u << (n))
#define SVM_ICPT_CR_WRITE(n) (1u << (16 + (n)))
#define SVM_ICPT_DR_READ(n)  (1u << (n))
#define SVM_ICPT_DR_WRITE(n) (1u << (16 + (n)))

#define SVM_ICPT1_FLAGS(X, p)                                                                      \
    X(p, INTR, 0)                                                                                  \
    X(p, NMI, 1)                                                                                   \
    X(p, SMI, 2)                                                                                   \
    X(p, INIT, 3)                                                                                  \
    X(p, VINTR, 4)                                                                                 \
    X(p, CR0_SEL_WRITE, 5)                                                                         \
    X(p, IDTR_READ, 6)                                                                             \
    X(p, GDTR_READ, 7)                                                                             \
    X(p, LDTR_READ, 8)                                                                             \
    X(p, TR_READ, 9)                                                                               \
    X(p, IDTR_WRITE, 10)                                                                           \
    X(p, GDTR_WRITE, 11)                                                                           \
    X(p, LDTR_WRITE, 12)                                                                           \
    X(p, TR_WRITE, 13)                                                                             \
    X(p, RDTSC, 14)                                                                                \
    X(p, RDPMC, 15)                                                                                \
    X(p, PUSHF, 16)                                                                                \
    X(p, POPF, 17)                                                                                 \
    X(p, CPUID, 18)                                                                                \
    X(p, RSM, 19)                                                                                  \
    X(p, IRET, 20)                                                                                 \
    X(p, INTN, 21)                                                                                 \
    X(p, INVD, 22)                                                                                 \
    X(p, PAUSE, 23)                                                                                \
    X(p, HLT, 24)                                                                                  \
    X(p, INVLPG, 25)                                                                               \
    X(p, INVLPGA, 26)                                                                              \
    X(p, IOIO_PROT, 27)                                                                            \
    X(p, MSR_PROT, 28)                                                                             \
    X(p, TASK_SWITCH, 29)                                                                          \
    X(p, FERR_FREEZE, 30)                                                                          \
    X(p, SHUTDOWN, 31)
VIREO_FLAGS(SVM_ICPT1, SVM_ICPT1_FLAGS);

#define SVM_ICPT2_FLAGS(X, p)                                                                      \
    X(p, VMRUN, 0)                                                                                 \
    X(p, VMMCALL, 1)                                                                               \
    X(p, VMLOAD, 2)                                                                                \
    X(p, VMSAVE, 3)                                                                                \
    X(p, STGI, 4)                                                                                  \
    X(p, CLGI, 5)                                                                                  \
    X(p, SKINIT, 6)                                                                                \
    X(p, RDTSCP, 7)                                                                                \
    X(p, ICEBP, 8)                                                                                 \
    X(p, WBINVD, 9)                                                                                \
    X(p, MONITOR, 10)                                                                              \
    X(p, MWAIT, 11)                                                                                \
    X(p, MWAIT_ARMED, 12)                                                                          \
    X(p, XSETBV, 13)                                                                               \
    X(p, RDPRU, 14)                                                                                \
    X(p, EFER_WRITE_TRAP, 15)
VIREO_FLAGS(SVM_ICPT2, SVM_ICPT2_FLAGS);
/* Bits 16..31 of MISC2: CRn write traps (SEV-ES), n = bit - 16. */
#define SVM_ICPT2_CR_WRITE_TRAP(n) (1u << (16 + (n)))

#define SVM_ICPT3_FLAGS(X, p)                                                                      \
    X(p, INVLPGB, 0)                                                                               \
    X(p, INVLPGB_ILLEGAL, 1)                                                                       \
    X(p, INVPCID, 2)                                                                               \
    X(p, MCOMMIT, 3)                                                                               \
    X(p, TLBSYNC, 4)                                                                               \
    X(p, BUS_LOCK, 5)                                                                              \
    X(p, IDLE_HLT, 6)
VIREO_FLAGS(SVM_ICPT3, SVM_ICPT3_FLAGS);

/* TLB_CONTROL (control offset 0x05c). */
enum svm_tlb_control {
    SVM_TLB_NOTHING = 0,
    SVM_TLB_FLUSH_ALL = 1,
    SVM_TLB_FLUSH_ASID = 3,
    SVM_TLB_FLUSH_ASID_NONGLOBAL = 7,
};

/* Virtual interrupt control (control offset 0x060, 64 bits). */
#define SVM_INT_CTL_LAYOUT(X, p)                                                                   \
    X(p, V_TPR, 0, 8)                                                                              \
    X(p, V_IRQ, 8, 1)                                                                              \
    X(p, V_GIF, 9, 1)                                                                              \
    X(p, V_NMI, 11, 1)                                                                             \
    X(p, V_NMI_MASK, 12, 1)                                                                        \
    X(p, V_INTR_PRIO, 16, 4)                                                                       \
    X(p, V_IGN_TPR, 20, 1)                                                                         \
    X(p, V_INTR_MASKING, 24, 1)                                                                    \
    X(p, V_GIF_ENABLE, 25, 1)                                                                      \
    X(p, V_NMI_ENABLE, 26, 1)                                                                      \
    X(p, AVIC_ENABLE, 31, 1)                                                                       \
    X(p, V_INTR_VECTOR, 32, 8)
VIREO_LAYOUT(SVM_INT_CTL, SVM_INT_CTL_LAYOUT);

/* Interrupt state (control offset 0x068). */
#define SVM_INT_STATE_FLAGS(X, p)                                                                  \
    X(p, SHADOW, 0)                                                                                \
    X(p, GUEST_IF, 1)
VIREO_FLAGS(SVM_INT_STATE, SVM_INT_STATE_FLAGS);

/* Nested-paging and related enables (control offset 0x090). */
#define SVM_NESTED_CTL_FLAGS(X, p)                                                                 \
    X(p, NP_ENABLE, 0)                                                                             \
    X(p, SEV, 1)                                                                                   \
    X(p, SEV_ES, 2)                                                                                \
    X(p, GMET, 3)                                                                                  \
    X(p, SSS_CHECK, 4)                                                                             \
    X(p, VTE, 5)                                                                                   \
    X(p, RO_GPT, 6)                                                                                \
    X(p, INVLPGB_TLBSYNC, 7)
VIREO_FLAGS(SVM_NESTED_CTL, SVM_NESTED_CTL_FLAGS);

/* Control offset 0x0b8. */
#define SVM_VIRT_EXT_FLAGS(X, p)                                                                   \
    X(p, LBR_VIRT, 0)                                                                              \
    X(p, VMLOAD_VMSAVE_VIRT, 1)
VIREO_FLAGS(SVM_VIRT_EXT, SVM_VIRT_EXT_FLAGS);

/* VMCB clean bits (control offset 0x0c0): set = unchanged since last VMRUN. */
#define SVM_CLEAN_FLAGS(X, p)                                                                      \
    X(p, INTERCEPTS, 0)                                                                            \
    X(p, IOPM, 1)                                                                                  \
    X(p, ASID, 2)                                                                                  \
    X(p, TPR, 3)                                                                                   \
    X(p, NP, 4)                                                                                    \
    X(p, CR, 5)                                                                                    \
    X(p, DR, 6)                                                                                    \
    X(p, DT, 7)                                                                                    \
    X(p, SEG, 8)                                                                                   \
    X(p, CR2, 9)                                                                                   \
    X(p, LBR, 10)                                                                                  \
    X(p, AVIC, 11)                                                                                 \
    X(p, CET, 12)
VIREO_FLAGS(SVM_CLEAN, SVM_CLEAN_FLAGS);

/* EVENTINJ (0x0a8) and EXITINTINFO (0x088): same format, 64 bits. */
#define SVM_EVENT_LAYOUT(X, p)                                                                     \
    X(p, VECTOR, 0, 8)                                                                             \
    X(p, TYPE, 8, 3)                                                                               \
    X(p, EV, 11, 1)                                                                                \
    X(p, VALID, 31, 1)                                                                             \
    X(p, ERROR, 32, 32)
VIREO_LAYOUT(SVM_EVENT, SVM_EVENT_LAYOUT);
enum svm_event_type {
    SVM_EVENT_INTR = 0,
    SVM_EVENT_NMI = 2,
    SVM_EVENT_EXCEPTION = 3,
    SVM_EVENT_SOFT_INT = 4,
};

/* Segment attributes: the descriptor's bits 8..15 and 52..55, packed. */
#define SVM_ATTR_LAYOUT(X, p)                                                                      \
    X(p, TYPE, 0, 4)                                                                               \
    X(p, S, 4, 1)                                                                                  \
    X(p, DPL, 5, 2)                                                                                \
    X(p, P, 7, 1)                                                                                  \
    X(p, AVL, 8, 1)                                                                                \
    X(p, L, 9, 1)                                                                                  \
    X(p, DB, 10, 1)                                                                                \
    X(p, G, 11, 1)
VIREO_LAYOUT(SVM_ATTR, SVM_ATTR_LAYOUT);

struct vmcb_seg {
    u16 sel;
    u16 attr; /* SVM_ATTR layout */
    u32 limit;
    u64 base;
};
VIREO_ABI_SIZE(struct vmcb_seg, 16);

struct vmcb_control {
    u32 intercept[VMCB_ICPT_WORDS]; /* 0x000 */
    u8 reserved_018[0x03c - 0x018];
    u16 pause_filter_thresh; /* 0x03c */
    u16 pause_filter_count;  /* 0x03e */
    u64 iopm_base_pa;        /* 0x040 */
    u64 msrpm_base_pa;       /* 0x048 */
    u64 tsc_offset;          /* 0x050 */
    u32 asid;                /* 0x058 */
    u8 tlb_control;          /* 0x05c: enum svm_tlb_control */
    u8 reserved_05d[3];
    u64 int_ctl;       /* 0x060: SVM_INT_CTL */
    u64 int_state;     /* 0x068: SVM_INT_STATE */
    u64 exitcode;      /* 0x070: svm_exit.h */
    u64 exitinfo1;     /* 0x078 */
    u64 exitinfo2;     /* 0x080 */
    u64 exitintinfo;   /* 0x088: SVM_EVENT */
    u64 nested_ctl;    /* 0x090: SVM_NESTED_CTL */
    u64 avic_apic_bar; /* 0x098 */
    u64 ghcb_pa;       /* 0x0a0 */
    u64 eventinj;      /* 0x0a8: SVM_EVENT */
    u64 n_cr3;         /* 0x0b0: nested page-table root */
    u64 virt_ext;      /* 0x0b8: SVM_VIRT_EXT */
    u32 clean;         /* 0x0c0: SVM_CLEAN */
    u32 reserved_0c4;
    u64 next_rip;          /* 0x0c8: with next-RIP save */
    u8 insn_len;           /* 0x0d0: bytes fetched (decode assists) */
    u8 insn_bytes[15];     /* 0x0d1 */
    u64 avic_backing_page; /* 0x0e0 */
    u64 reserved_0e8;
    u64 avic_logical_table;  /* 0x0f0 */
    u64 avic_physical_table; /* 0x0f8 */
    u64 reserved_100;
    u64 vmsa_pa;     /* 0x108: SEV-ES save area */
    u64 vmgexit_rax; /* 0x110 */
    u8 vmgexit_cpl;  /* 0x118 */
    u8 reserved_119[7];
    u16 bus_lock_counter; /* 0x120 */
    u8 reserved_122[0x3e0 - 0x122];
    u8 software[0x400 - 0x3e0]; /* 0x3e0: for the hypervisor's own use */
};

struct vmcb_save {
    struct vmcb_seg es, cs, ss, ds, fs, gs; /* 0x000 */
    struct vmcb_seg gdtr, ldtr, idtr, tr;   /* 0x060 */
    u8 reserved_0a0[0x0ca - 0x0a0];
    u8 vmpl; /* 0x0ca */
    u8 cpl;  /* 0x0cb */
    u32 reserved_0cc;
    u64 efer; /* 0x0d0 */
    u8 reserved_0d8[0x148 - 0x0d8];
    u64 cr4;    /* 0x148 */
    u64 cr3;    /* 0x150 */
    u64 cr0;    /* 0x158 */
    u64 dr7;    /* 0x160 */
    u64 dr6;    /* 0x168 */
    u64 rflags; /* 0x170 */
    u64 rip;    /* 0x178 */
    u8 reserved_180[0x1d8 - 0x180];
    u64 rsp;            /* 0x1d8 */
    u64 s_cet;          /* 0x1e0 */
    u64 ssp;            /* 0x1e8 */
    u64 isst_addr;      /* 0x1f0 */
    u64 rax;            /* 0x1f8 */
    u64 star;           /* 0x200 */
    u64 lstar;          /* 0x208 */
    u64 cstar;          /* 0x210 */
    u64 sfmask;         /* 0x218 */
    u64 kernel_gs_base; /* 0x220 */
    u64 sysenter_cs;    /* 0x228 */
    u64 sysenter_esp;   /* 0x230 */
    u64 sysenter_eip;   /* 0x238 */
    u64 cr2;            /* 0x240 */
    u8 reserved_248[0x268 - 0x248];
    u64 g_pat;          /* 0x268 */
    u64 dbgctl;         /* 0x270 */
    u64 br_from;        /* 0x278 */
    u64 br_to;          /* 0x280 */
    u64 last_excp_from; /* 0x288 */
    u64 last_excp_to;   /* 0x290 */
    u8 reserved_298[0x2e0 - 0x298];
    u64 spec_ctrl; /* 0x2e0 */
    u8 reserved_2e8[VMCB_SIZE - VMCB_SAVE_AREA - 0x2e8];
};

struct vmcb {
    struct vmcb_control control;
    struct vmcb_save save;
};

VIREO_ABI_OFFSET(struct vmcb_control, pause_filter_thresh, 0x03c);
VIREO_ABI_OFFSET(struct vmcb_control, iopm_base_pa, 0x040);
VIREO_ABI_OFFSET(struct vmcb_control, msrpm_base_pa, 0x048);
VIREO_ABI_OFFSET(struct vmcb_control, tsc_offset, 0x050);
VIREO_ABI_OFFSET(struct vmcb_control, asid, 0x058);
VIREO_ABI_OFFSET(struct vmcb_control, tlb_control, 0x05c);
VIREO_ABI_OFFSET(struct vmcb_control, int_ctl, 0x060);
VIREO_ABI_OFFSET(struct vmcb_control, int_state, 0x068);
VIREO_ABI_OFFSET(struct vmcb_control, exitcode, 0x070);
VIREO_ABI_OFFSET(struct vmcb_control, exitinfo1, 0x078);
VIREO_ABI_OFFSET(struct vmcb_control, exitinfo2, 0x080);
VIREO_ABI_OFFSET(struct vmcb_control, exitintinfo, 0x088);
VIREO_ABI_OFFSET(struct vmcb_control, nested_ctl, 0x090);
VIREO_ABI_OFFSET(struct vmcb_control, avic_apic_bar, 0x098);
VIREO_ABI_OFFSET(struct vmcb_control, ghcb_pa, 0x0a0);
VIREO_ABI_OFFSET(struct vmcb_control, eventinj, 0x0a8);
VIREO_ABI_OFFSET(struct vmcb_control, n_cr3, 0x0b0);
VIREO_ABI_OFFSET(struct vmcb_control, virt_ext, 0x0b8);
VIREO_ABI_OFFSET(struct vmcb_control, clean, 0x0c0);
VIREO_ABI_OFFSET(struct vmcb_control, next_rip, 0x0c8);
VIREO_ABI_OFFSET(struct vmcb_control, insn_len, 0x0d0);
VIREO_ABI_OFFSET(struct vmcb_control, insn_bytes, 0x0d1);
VIREO_ABI_OFFSET(struct vmcb_control, avic_backing_page, 0x0e0);
VIREO_ABI_OFFSET(struct vmcb_control, avic_logical_table, 0x0f0);
VIREO_ABI_OFFSET(struct vmcb_control, avic_physical_table, 0x0f8);
VIREO_ABI_OFFSET(struct vmcb_control, vmsa_pa, 0x108);
VIREO_ABI_OFFSET(struct vmcb_control, bus_lock_counter, 0x120);
VIREO_ABI_OFFSET(struct vmcb_control, software, 0x3e0);
VIREO_ABI_SIZE(struct vmcb_control, VMCB_SAVE_AREA);

VIREO_ABI_OFFSET(struct vmcb_save, cs, 0x010);
VIREO_ABI_OFFSET(struct vmcb_save, gdtr, 0x060);
VIREO_ABI_OFFSET(struct vmcb_save, ldtr, 0x070);
VIREO_ABI_OFFSET(struct vmcb_save, idtr, 0x080);
VIREO_ABI_OFFSET(struct vmcb_save, tr, 0x090);
VIREO_ABI_OFFSET(struct vmcb_save, cpl, 0x0cb);
VIREO_ABI_OFFSET(struct vmcb_save, efer, 0x0d0);
VIREO_ABI_OFFSET(struct vmcb_save, cr4, 0x148);
VIREO_ABI_OFFSET(struct vmcb_save, cr3, 0x150);
VIREO_ABI_OFFSET(struct vmcb_save, cr0, 0x158);
VIREO_ABI_OFFSET(struct vmcb_save, dr7, 0x160);
VIREO_ABI_OFFSET(struct vmcb_save, dr6, 0x168);
VIREO_ABI_OFFSET(struct vmcb_save, rflags, 0x170);
VIREO_ABI_OFFSET(struct vmcb_save, rip, 0x178);
VIREO_ABI_OFFSET(struct vmcb_save, rsp, 0x1d8);
VIREO_ABI_OFFSET(struct vmcb_save, rax, 0x1f8);
VIREO_ABI_OFFSET(struct vmcb_save, star, 0x200);
VIREO_ABI_OFFSET(struct vmcb_save, kernel_gs_base, 0x220);
VIREO_ABI_OFFSET(struct vmcb_save, sysenter_cs, 0x228);
VIREO_ABI_OFFSET(struct vmcb_save, cr2, 0x240);
VIREO_ABI_OFFSET(struct vmcb_save, g_pat, 0x268);
VIREO_ABI_OFFSET(struct vmcb_save, dbgctl, 0x270);
VIREO_ABI_OFFSET(struct vmcb_save, last_excp_to, 0x290);
VIREO_ABI_OFFSET(struct vmcb_save, spec_ctrl, 0x2e0);
VIREO_ABI_OFFSET(struct vmcb, save, VMCB_SAVE_AREA);
VIREO_ABI_SIZE(struct vmcb, VMCB_SIZE);

/* I/O and MSR permission maps: sizes the kernel allocates (physically
 * contiguous, page aligned). */
#define SVM_IOPM_SIZE  (3u * 4096u)
#define SVM_MSRPM_SIZE (2u * 4096u)

#endif
