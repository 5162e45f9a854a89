/*
 * A guest for the emulator's host tests (test_emul_*.c, fuzz_emul.c): the
 * fake VM of vmm_fakes.h with 4-level page tables in its RAM, a code page,
 * and a window of EH_PAGES data pages each of which is MMIO (served from a
 * host buffer by the mmio_route below, which logs every access and counts
 * any of a bad size or crossing a page, and any outside the window) or
 * RAM.
 */
#ifndef TESTS_UNIT_VMM_EMUL_HARNESS_H
#define TESTS_UNIT_VMM_EMUL_HARNESS_H

#include "emul.h"
#include "vmm_fakes.h"

#define EH_RAM      (4u << 20)
#define EH_TABLES   0x10000u      /* page tables from here (64 KiB) */
#define EH_CODE_GPA 0x100000u     /* the code page */
#define EH_RAM_DATA 0x200000u     /* the RAM pages of the window, by index */
#define EH_MMIO_GPA 0xf0000000ull /* the MMIO pages of the window, by index */
#define EH_PAGES    4u

extern u8 eh_mmio[EH_PAGES][4096];
struct eh_access {
    u64 gpa, value;
    u32 size;
    bool write;
};
#define EH_LOG 64u
extern struct eh_access eh_log[EH_LOG];
/* eh_bad: accesses of a bad size or across a page (an emulator bug);
 * eh_outside: accesses outside the window (nothing answers: all ones). */
extern unsigned eh_accesses, eh_bad, eh_outside;
/* With eh_stop_at = n, the n-th access (from 0) stops the VM, as a
 * device's debug-exit would. */
extern unsigned eh_stop_at;

/* A fresh VM (fake_reset) with empty tables; the log cleared. */
void eh_reset(void);
/* Maps linear page la to gpa with PTE flags (4 KiB pages; tables are
 * made user-writable, the leaf decides). */
void eh_map(u64 la, u64 gpa, u64 flags);
/* Maps the window at linear la: page i to RAM (ram[i]) or MMIO, flags as
 * eh_map's. */
void eh_map_window(u64 la, const bool ram[EH_PAGES], u64 flags);
/* The backing of window page i. */
u8 *eh_page(unsigned i, const bool ram[EH_PAGES]);
/* A 64-bit mode state on the tables (CR3), RIP at rip. */
void eh_state64(struct vireo_vcpu_state *s, u64 rip);

/* Decodes the instruction at CS:RIP (the real insn.c) and emulates it. */
enum emul_status eh_run(struct exit_ctx *x);

#endif
