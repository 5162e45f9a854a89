/*
 * Walking the guest's own page tables: the linear -> guest-physical
 * translation the CPU would do for an access the VMM emulates (string
 * I/O, instruction fetch, MMIO operands). All four x86 modes: paging off,
 * 32-bit (with 4 MiB pages), PAE and 4-level (2 MiB / 1 GiB pages). A
 * failed translation gives the #PF error code the CPU would push.
 * Pure: tables are read through a callback; host-tested.
 */
#ifndef VIREO_VMM_GPT_H
#define VIREO_VMM_GPT_H

#include <vireo/types.h>

/* The registers a walk depends on. */
struct gpt_regs {
    u64 cr0, cr3, cr4, efer;
    u32 cpl; /* 3: user access */
};

/* Access kinds. */
#define GPT_WRITE (1u << 0)
#define GPT_FETCH (1u << 1)
#define GPT_USER  (1u << 2) /* a user-mode access (CPL 3) */

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
};

/* Reads 8 bytes (4 with size 4) of guest-physical memory; false if not RAM. */
typedef bool (*gpt_read_fn)(void *ctx, u64 gpa, u32 size, u64 *value);

enum gpt_result gpt_translate(const struct gpt_regs *r, u64 linear, u32 access, gpt_read_fn read,
                              void *ctx, u64 *gpa, u32 *pf_error);

#endif
