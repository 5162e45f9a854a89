/*
 * Walking the guest's own page tables: the linear -> guest-physical
 * translation the CPU would do for an access the VMM emulates (MMIO
 * operands, string I/O, instruction fetch). Paging off, 32-bit (4 MiB pages
 * with CR4.PSE, PSE-36), PAE (the PDPTEs from the CPU's registers where it
 * holds them) and 4/5-level (2 MiB, 1 GiB pages); the permissions of SDM
 * vol. 3 4.6 (U/S, R/W, XD with EFER.NXE, CR0.WP, SMEP, SMAP with RFLAGS.AC
 * and implicit supervisor accesses), the reserved bits up to MAXPHYADDR,
 * and the exact #PF error code (4.7: P, W/R, U/S, RSVD, I/D). A successful
 * walk sets Accessed in every entry it used and Dirty in the final one for
 * a write, by compare-exchange: an entry that changed meanwhile (another
 * vCPU) restarts the walk, as the CPU does. Pure: guest memory is reached
 * through callbacks; host-tested (tests/unit/vmm/test_gpt.c).
 */
#ifndef VIREO_VMM_GPT_H
#define VIREO_VMM_GPT_H

#include <vireo/types.h>

/* The registers a walk depends on. */
struct gpt_regs {
    u64 cr0, cr3, cr4, efer;
    u64 rflags; /* AC: SMAP lets explicit supervisor accesses through */
    /* PAE paging: the four PDPTEs the CPU loaded at the last CR3/CR0/CR4
     * write (VMX holds them in registers, reserved bits already checked);
     * NULL: read from memory at each walk, as SVM's nested paging does. */
    const u64 *pdpte;
    u32 phys_bits; /* MAXPHYADDR: entry bits phys_bits..51 are reserved */
    u32 cpl;       /* 3: accesses are user accesses unless GPT_IMPLICIT */
};

/* Access kinds (a read is 0). GPT_IMPLICIT: an implicit supervisor access
 * (GDT, IDT, TSS), even at CPL 3: SMAP ignores RFLAGS.AC for it. */
#define GPT_WRITE    (1u << 0)
#define GPT_FETCH    (1u << 1)
#define GPT_USER     (1u << 2) /* a user-mode access (CPL 3) */
#define GPT_IMPLICIT (1u << 3)

/* #PF error-code bits. */
#define PF_P    (1u << 0)
#define PF_W    (1u << 1)
#define PF_U    (1u << 2)
#define PF_RSVD (1u << 3)
#define PF_I    (1u << 4)

enum gpt_result {
    GPT_OK = 0,
    GPT_PAGE_FAULT = 1, /* *pf_error set */
    GPT_BAD_TABLE = 2,  /* a table is not in guest RAM (the CPU would see MMIO) */
    GPT_BUSY = 3,       /* the tables changed under every one of GPT_MAX_WALKS walks */
};
#define GPT_MAX_WALKS 64

/* What setting an entry's bits found. */
enum gpt_mark {
    GPT_MARKED = 0,  /* the entry held `old` and now holds old | bits */
    GPT_CHANGED = 1, /* it no longer held `old`: nothing written */
    GPT_NOT_RAM = 2,
};

struct gpt_mem {
    /* Reads an entry of size 4 or 8 bytes; false if not RAM. */
    bool (*read)(void *ctx, u64 gpa, u32 size, u64 *value);
    /* Atomically: if the entry of size bytes at gpa is old, it becomes
     * old | bits. */
    enum gpt_mark (*mark)(void *ctx, u64 gpa, u32 size, u64 old, u64 bits);
    void *ctx;
};

enum gpt_result gpt_translate(const struct gpt_regs *r, u64 linear, u32 access,
                              const struct gpt_mem *m, u64 *gpa, u32 *pf_error);

#endif
