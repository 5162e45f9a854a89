/*
 * Capabilities: types, rights, selectors and the argument encodings of the
 * capability syscalls (abi/vireo/syscall.h). docs/CAPABILITIES.md explains
 * the model; this header fixes the numbers.
 *
 * Every PD has a capability space of VIREO_SEL_COUNT slots addressed by
 * selector. A slot is empty (VIREO_CAP_NULL) or holds a capability: a
 * kernel object (PD, EC, SC, PT, SM) or a range of physical page frames
 * (MEM), with rights. Rights are 8 bits: bit 7 is the same for every type,
 * bits 0..6 mean something per type.
 */
#ifndef VIREO_ABI_CAP_H
#define VIREO_ABI_CAP_H

#include <vireo/types.h>

enum vireo_cap_type {
    VIREO_CAP_NULL = 0, /* empty slot */
    VIREO_CAP_PD = 1,   /* protection domain: address space + capability space */
    VIREO_CAP_EC = 2,   /* execution context: a thread or a vCPU */
    VIREO_CAP_SC = 3,   /* scheduling context: priority + time budget */
    VIREO_CAP_PT = 4,   /* portal: IPC entry bound to a handler EC */
    VIREO_CAP_SM = 5,   /* semaphore */
    VIREO_CAP_MEM = 6,  /* a range of physical page frames */
    VIREO_CAP_TYPE_COUNT
};

/* Generic right: the capability may be delegated (copied or mapped) on. */
#define VIREO_RIGHT_DELEGATE 0x80u

/* PD rights. */
#define VIREO_PD_CREATE        0x01u /* create objects charged to this PD's quota */
#define VIREO_PD_DELEGATE_INTO 0x02u /* delegate capabilities and memory into it */
/* EC rights. */
#define VIREO_EC_BIND    0x01u /* bind SCs and portals to it */
#define VIREO_EC_RECALL  0x02u /* force it into the kernel (EC_RECALL) */
#define VIREO_EC_CONTROL 0x04u /* read and change its state */
/* SC rights. */
#define VIREO_SC_CONTROL 0x01u /* change priority / budget (scheduler work) */
/* PT rights. */
#define VIREO_PT_CALL    0x01u /* call it */
#define VIREO_PT_CONTROL 0x02u /* change its MTD (IPC work) */
/* SM rights. */
#define VIREO_SM_UP   0x01u
#define VIREO_SM_DOWN 0x02u
/* MEM rights: what a mapping of the frames may allow. x86 page tables cannot
 * express a present page that is not readable, so every mapping needs R. */
#define VIREO_MEM_R   0x01u
#define VIREO_MEM_W   0x02u
#define VIREO_MEM_X   0x04u
#define VIREO_MEM_RWX 0x07u

/* The rights defined for a type (including VIREO_RIGHT_DELEGATE); 0 for
 * VIREO_CAP_NULL and unknown types. A mask with other bits is invalid. */
static inline u32 vireo_cap_rights_valid(u32 type)
{
    switch (type) {
    case VIREO_CAP_PD:
        return VIREO_RIGHT_DELEGATE | VIREO_PD_CREATE | VIREO_PD_DELEGATE_INTO;
    case VIREO_CAP_EC:
        return VIREO_RIGHT_DELEGATE | VIREO_EC_BIND | VIREO_EC_RECALL | VIREO_EC_CONTROL;
    case VIREO_CAP_SC:
        return VIREO_RIGHT_DELEGATE | VIREO_SC_CONTROL;
    case VIREO_CAP_PT:
        return VIREO_RIGHT_DELEGATE | VIREO_PT_CALL | VIREO_PT_CONTROL;
    case VIREO_CAP_SM:
        return VIREO_RIGHT_DELEGATE | VIREO_SM_UP | VIREO_SM_DOWN;
    case VIREO_CAP_MEM:
        return VIREO_RIGHT_DELEGATE | VIREO_MEM_RWX;
    default:
        return 0;
    }
}

/* ---- selectors ---- */

typedef u64 vireo_sel;
#define VIREO_SEL_COUNT 1024u /* selectors 0..1023 in every capability space */

/* init's capability space when it starts: its own PD (all rights) and one
 * MEM capability per range of user frames, at consecutive selectors from
 * VIREO_INIT_SEL_MEM (LOOKUP says where they end: the first NULL slot). */
#define VIREO_INIT_SEL_PD  0u
#define VIREO_INIT_SEL_MEM 1u
/* init's main thread (EC, all rights) and the scheduling context it runs on
 * (SC, all rights; priority VIREO_INIT_PRIO, budget VIREO_INIT_BUDGET_US).
 * Both are ordinary objects charged to init's quota; revoking them stops
 * init. Selector VIREO_SEL_FAULT_PT (1023, abi/vireo/ipc.h) stays empty:
 * init's own faults stop the system. */
/* The console input semaphore (SM, all rights; abi/vireo/syscall.h,
 * console_read), a kernel object like the EC and SC below. */
#define VIREO_INIT_SEL_CONSOLE 1020u
#define VIREO_INIT_SEL_EC      1021u
#define VIREO_INIT_SEL_SC      1022u
#define VIREO_INIT_PRIO        128u
#define VIREO_INIT_BUDGET_US   10000u

/* ---- memory ---- */

#define VIREO_PAGE_SHIFT 12u
#define VIREO_PAGE_SIZE  4096u
/* Virtual pages a PD can receive mappings at: the user half (47 bits). */
#define VIREO_USER_PAGES (1ull << (47 - VIREO_PAGE_SHIFT))
/* Pages one MEM capability or one mapping can cover. */
#define VIREO_MEM_MAX_PAGES 0xffffffffull
/* Physical frames addressable (52-bit physical addresses). */
#define VIREO_FRAME_LIMIT (1ull << (52 - VIREO_PAGE_SHIFT))

/* ---- kernel-object quota ---- */

/* Quotas count blocks of this many bytes of kernel memory. Every object
 * costs one block; so does each group of 16 selectors in use in a
 * capability space and each group of 16 mappings in a PD's mapping table.
 * A PD created with quota Q costs its creator 1 + Q blocks. */
#define VIREO_QUOTA_BLOCK    1024u
#define VIREO_MAP_RANGES_MAX 512u /* mappings (delegated ranges) per PD */

/* ---- capability range descriptor (DELEGATE, REVOKE) ----
 *
 *   bits  0..3   kind (enum vireo_crd_kind)
 *   bits  4..7   0
 *   bits  8..15  rights mask (DELEGATE: ANDed into the new capability;
 *                REVOKE: must be 0)
 *   bits 16..31  0
 *   bits 32..63  source selector in the caller's capability space
 */
enum vireo_crd_kind {
    VIREO_CRD_OBJ = 1, /* a capability into a capability space */
    VIREO_CRD_MEM = 2, /* pages of a MEM capability into an address space */
};
#define VIREO_CRD_KIND_MASK    0xfull
#define VIREO_CRD_RIGHTS_SHIFT 8u
#define VIREO_CRD_SEL_SHIFT    32u
#define VIREO_CRD_RESERVED     0x00000000ffff00f0ull

/* The same as a constant expression, for tables. */
#define VIREO_CRD(kind, rights, sel)                                                               \
    ((u64)((kind)&VIREO_CRD_KIND_MASK) | (u64)((rights)&0xffu) << VIREO_CRD_RIGHTS_SHIFT |         \
     (u64)(sel) << VIREO_CRD_SEL_SHIFT)
static inline u64 vireo_crd(u32 kind, u32 rights, vireo_sel sel)
{
    return VIREO_CRD(kind, rights, sel);
}
static inline u32 vireo_crd_kind(u64 crd)
{
    return (u32)(crd & VIREO_CRD_KIND_MASK);
}
static inline u32 vireo_crd_rights(u64 crd)
{
    return (u32)(crd >> VIREO_CRD_RIGHTS_SHIFT) & 0xffu;
}
static inline vireo_sel vireo_crd_sel(u64 crd)
{
    return crd >> VIREO_CRD_SEL_SHIFT;
}
_Static_assert((VIREO_CRD_RESERVED & (VIREO_CRD_KIND_MASK | 0xff00ull | 0xffffffff00000000ull)) ==
                   0,
               "reserved CRD bits overlap a field");
_Static_assert(VIREO_SEL_COUNT - 1 <= 0xffffffffull, "selectors fit the CRD selector field");

/* REVOKE flags. Without VIREO_REVOKE_SELF only what was derived from the
 * capability goes; with it the capability goes too. */
#define VIREO_REVOKE_SELF 0x1ull

/* ---- LOOKUP result (%rdx) ----
 *   bits 0..7 type, bits 8..15 rights, bits 32..63 pages (MEM only) */
static inline u64 vireo_capinfo(u32 type, u32 rights, u64 pages)
{
    return (u64)(type & 0xffu) | (u64)(rights & 0xffu) << 8 | pages << 32;
}
static inline u32 vireo_capinfo_type(u64 info)
{
    return (u32)(info & 0xffu);
}
static inline u32 vireo_capinfo_rights(u64 info)
{
    return (u32)(info >> 8) & 0xffu;
}
static inline u64 vireo_capinfo_pages(u64 info)
{
    return info >> 32;
}
_Static_assert(VIREO_MEM_MAX_PAGES <= 0xffffffffull, "pages fit the LOOKUP pages field");

/* ---- object creation ---- */

#define VIREO_PD_VM   0x1ull /* CREATE_PD flag: the address space is guest-physical */
#define VIREO_EC_VCPU 0x1ull /* CREATE_EC flag: a vCPU (only in a VM PD) */
/* What a vCPU costs its PD's quota: the EC and two pages (the VMCS or VMCB
 * and the kernel's page of saved guest state), 4 blocks each. */
#define VIREO_VCPU_QUOTA_BLOCKS (1u + 2u * (VIREO_PAGE_SIZE / VIREO_QUOTA_BLOCK))
#define VIREO_PRIO_MAX          255u
#define VIREO_SC_BUDGET_MAX_US  1000000ull /* 1 s; a budget is 1..this */
#define VIREO_SM_COUNT_MAX      0xffffffffull

/* ---- semaphores (SM_CTRL) ---- */

enum vireo_sm_op {
    VIREO_SM_OP_UP = 0,
    VIREO_SM_OP_DOWN = 1,
};
#define VIREO_TIMEOUT_POLL  0ull    /* down: fail with VIREO_E_TIMEOUT at once */
#define VIREO_TIMEOUT_NEVER (~0ull) /* down: wait until an up */

#endif
