/*
 * The local APIC's registers, one table for the whole tree (SDM vol. 3
 * table 11-1 "Local APIC Register Address Map" and table 11-6 "Local APIC
 * Register Address Map Supported by x2APIC"; AMD APM vol. 2 table 16-2).
 *
 * Each register has its xAPIC offset in the 4 KiB MMIO page; its x2APIC
 * MSR is MSR_X2APIC_BASE + (offset >> 4). ISR, TMR and IRR are eight
 * registers each, 0x10 apart. The access column says which modes have the
 * register and how: XR/XW readable/writable through the xAPIC page, 2R/2W
 * through the x2APIC MSRs. A register without X* flags is reserved in the
 * page (an access sets the ESR's illegal-register bit); one without 2*
 * flags is a reserved MSR (#GP).
 */
#ifndef VIREO_ABI_X86_APIC_H
#define VIREO_ABI_X86_APIC_H

#define APIC_XR 0x1u
#define APIC_XW 0x2u
#define APIC_2R 0x4u
#define APIC_2W 0x8u
#define APIC_RW (APIC_XR | APIC_XW | APIC_2R | APIC_2W)

/* X(name, xAPIC offset, registers, access) */
#define VIREO_APIC_REG_TABLE(X)                                                                    \
    X(ID, 0x020, 1, APIC_XR | APIC_XW | APIC_2R) /* x2APIC: read-only, the initial ID */           \
    X(VERSION, 0x030, 1, APIC_XR | APIC_2R)                                                        \
    X(TPR, 0x080, 1, APIC_RW)                                                                      \
    X(APR, 0x090, 1, APIC_XR) /* arbitration priority: xAPIC only */                               \
    X(PPR, 0x0a0, 1, APIC_XR | APIC_2R)                                                            \
    X(EOI, 0x0b0, 1, APIC_XR | APIC_XW | APIC_2W) /* xAPIC reads 0 */                              \
    X(RRD, 0x0c0, 1, APIC_XR)                     /* remote read: xAPIC only */                    \
    X(LDR, 0x0d0, 1, APIC_XR | APIC_XW | APIC_2R) /* x2APIC: derived from the ID */                \
    X(DFR, 0x0e0, 1, APIC_XR | APIC_XW)           /* no x2APIC equivalent */                       \
    X(SVR, 0x0f0, 1, APIC_RW)                                                                      \
    X(ISR, 0x100, 8, APIC_XR | APIC_2R)                                                            \
    X(TMR, 0x180, 8, APIC_XR | APIC_2R)                                                            \
    X(IRR, 0x200, 8, APIC_XR | APIC_2R)                                                            \
    X(ESR, 0x280, 1, APIC_RW)                                                                      \
    X(LVT_CMCI, 0x2f0, 1, APIC_RW)                                                                 \
    X(ICR, 0x300, 1, APIC_RW)              /* x2APIC: all 64 bits in one MSR */                    \
    X(ICR_HI, 0x310, 1, APIC_XR | APIC_XW) /* xAPIC: destination in bits 31:24 */                  \
    X(LVT_TIMER, 0x320, 1, APIC_RW)                                                                \
    X(LVT_THERMAL, 0x330, 1, APIC_RW)                                                              \
    X(LVT_PERF, 0x340, 1, APIC_RW)                                                                 \
    X(LVT_LINT0, 0x350, 1, APIC_RW)                                                                \
    X(LVT_LINT1, 0x360, 1, APIC_RW)                                                                \
    X(LVT_ERROR, 0x370, 1, APIC_RW)                                                                \
    X(TIMER_INITIAL, 0x380, 1, APIC_RW)                                                            \
    X(TIMER_CURRENT, 0x390, 1, APIC_XR | APIC_2R)                                                  \
    X(TIMER_DIVIDE, 0x3e0, 1, APIC_RW)                                                             \
    X(SELF_IPI, 0x3f0, 1, APIC_2W) /* x2APIC only, write-only */

enum apic_reg {
#define VIREO_APIC_REG_ENUM(name, offset, count, access) APIC_REG_##name = offset,
    VIREO_APIC_REG_TABLE(VIREO_APIC_REG_ENUM)
#undef VIREO_APIC_REG_ENUM
};

#define APIC_DEFAULT_BASE 0xfee00000ull
#define APIC_PAGE_SIZE    0x1000u
#define APIC_REG_STRIDE   0x10u  /* registers are 32 bits wide, 16-byte aligned */
#define APIC_MSR_COUNT    0x100u /* MSR_X2APIC_BASE .. + 0xff */

/* ID: xAPIC keeps the 8-bit ID in bits 31:24. */
#define APIC_ID_SHIFT 24
/* Version: the version in bits 7:0, the highest LVT index in 23:16, EOI
 * broadcast suppression offered in bit 24. */
#define APIC_VERSION_INTEGRATED    0x14u
#define APIC_VERSION_MAX_LVT_SHIFT 16
#define APIC_VERSION_EOI_SUPPRESS  (1u << 24)
#define APIC_PRIORITY_CLASS        0xf0u /* TPR/PPR bits 7:4 */
#define APIC_LDR_XAPIC_SHIFT       24    /* xAPIC logical ID in bits 31:24 */
#define APIC_DFR_MODEL_SHIFT       28
#define APIC_DFR_FLAT              0xfu
#define APIC_DFR_CLUSTER           0x0u
#define APIC_DFR_RESERVED_ONES     0x0fffffffu
#define APIC_X2APIC_CLUSTER_SHIFT  16 /* x2APIC LDR: cluster in 31:16, one bit of 15:0 */
#define APIC_BROADCAST_XAPIC       0xffu
#define APIC_BROADCAST_X2APIC      0xffffffffu
#define APIC_FIRST_VALID_VECTOR    16u /* vectors 0-15 are illegal */

/* Spurious-interrupt vector register. */
#define APIC_SVR_VECTOR        0xffu
#define APIC_SVR_ENABLE        (1u << 8) /* APIC software enable */
#define APIC_SVR_FOCUS_DISABLE (1u << 9)
#define APIC_SVR_EOI_SUPPRESS  (1u << 12)
#define APIC_SVR_RESET         0xffu

/* Error status register. */
#define APIC_ESR_SEND_CHECKSUM       (1u << 0)
#define APIC_ESR_RECV_CHECKSUM       (1u << 1)
#define APIC_ESR_SEND_ACCEPT         (1u << 2)
#define APIC_ESR_RECV_ACCEPT         (1u << 3)
#define APIC_ESR_REDIRECTABLE_IPI    (1u << 4)
#define APIC_ESR_SEND_ILLEGAL_VECTOR (1u << 5)
#define APIC_ESR_RECV_ILLEGAL_VECTOR (1u << 6)
#define APIC_ESR_ILLEGAL_REGISTER    (1u << 7)

/* Local vector table entries (which bits each LVT has: lapic.c). */
#define APIC_LVT_VECTOR          0xffu
#define APIC_LVT_DELIVERY_SHIFT  8
#define APIC_LVT_DELIVERY_MODE   (7u << 8)
#define APIC_LVT_DELIVERY_STATUS (1u << 12) /* read-only */
#define APIC_LVT_POLARITY        (1u << 13) /* LINT0/1 */
#define APIC_LVT_REMOTE_IRR      (1u << 14) /* LINT0/1, read-only */
#define APIC_LVT_LEVEL           (1u << 15) /* LINT0/1 trigger mode */
#define APIC_LVT_MASKED          (1u << 16)
#define APIC_LVT_TIMER_SHIFT     17
#define APIC_LVT_TIMER_MODE      (3u << 17)
#define APIC_TIMER_ONE_SHOT      0u
#define APIC_TIMER_PERIODIC      1u
#define APIC_TIMER_TSC_DEADLINE  2u /* CPUID.1:ECX[24] */

/* Delivery modes (ICR and LVT bits 10:8). */
#define APIC_DM_FIXED   0u
#define APIC_DM_LOWEST  1u
#define APIC_DM_SMI     2u
#define APIC_DM_NMI     4u
#define APIC_DM_INIT    5u
#define APIC_DM_STARTUP 6u
#define APIC_DM_EXTINT  7u

/* Interrupt command register (low half; x2APIC destination in 63:32,
 * xAPIC destination in ICR_HI bits 31:24). */
#define APIC_ICR_VECTOR            0xffu
#define APIC_ICR_DELIVERY_SHIFT    8
#define APIC_ICR_DELIVERY_MODE     (7u << 8)
#define APIC_ICR_DEST_LOGICAL      (1u << 11)
#define APIC_ICR_DELIVERY_STATUS   (1u << 12) /* read-only, 0: idle */
#define APIC_ICR_LEVEL_ASSERT      (1u << 14)
#define APIC_ICR_TRIGGER_LEVEL     (1u << 15)
#define APIC_ICR_SHORTHAND_SHIFT   18
#define APIC_ICR_SHORTHAND         (3u << 18)
#define APIC_SHORTHAND_NONE        0u
#define APIC_SHORTHAND_SELF        1u
#define APIC_SHORTHAND_ALL         2u /* all including self */
#define APIC_SHORTHAND_OTHERS      3u /* all excluding self */
#define APIC_ICR_X2APIC_DEST_SHIFT 32

/* Timer divide configuration: bits 3, 1, 0 encode divide by 2^(n+1),
 * 0b111 divides by 1. */
#define APIC_TIMER_DIVIDE_BITS 0xbu
#define APIC_TIMER_DIVIDE_BY_1 0xbu

#endif
