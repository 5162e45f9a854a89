/* What the VMM's exit handlers call outside the file under test, faked for
 * the host tests (vmm_fakes.c): the VM (its RAM is a host buffer, vm_stop
 * records), the instruction decoder (the test sets the decoded
 * instruction) and the guest registers by Zydis name; plus helpers to
 * build vCPU states in each mode. */
#ifndef TESTS_UNIT_VMM_FAKES_H
#define TESTS_UNIT_VMM_FAKES_H

#include "exit_ctx.h"
#include "insn.h"
#include <vireo/x86/cr.h>
#include <vireo/x86/msr.h>
#include <vireo/x86/pte.h>
#include <vireo/x86/vmcb.h>

extern struct vm fake_vm;
extern unsigned fake_stops;      /* vm_stop calls */
extern char fake_stop_line[256]; /* the last one's line */
extern unsigned fake_decodes;    /* insn_decode calls (insn_length's included) */
extern bool fake_decode_ok;      /* false: insn_decode injects #UD and fails */
extern struct insn fake_insn;    /* what insn_decode returns */

/* A fresh VM with ram_size bytes of zeroed RAM, and no stop, no decode. */
void fake_reset(u64 ram_size);

/* Guest RAM accessors (the bytes must be inside RAM). */
void fake_put32(u64 gpa, u32 v);
void fake_put64(u64 gpa, u64 v);
u64 fake_get64(u64 gpa);

/* The instruction insn_decode returns: mnemonic, length, address width
 * and up to two operands (set fields of fake_insn.ops after this). */
void fake_set_insn(ZydisMnemonic m, u8 length, u8 address_width, u8 operand_count);

/* vCPU states: all zero but the mode's CR0/CR4/EFER and CS/SS (flat,
 * DPL 0, present), RFLAGS bit 1, and the MTD of every item. */
enum fake_mode {
    MODE_REAL,   /* CR0.PE clear */
    MODE_PROT32, /* protected mode, paging off, 32-bit code */
    MODE_COMPAT, /* IA-32e, CS.L clear (32-bit code) */
    MODE_LONG64, /* IA-32e, 64-bit code */
};
void fake_state(struct vireo_vcpu_state *s, enum fake_mode mode);

/* The MTD bits exit_finish_insn sets. */
#define FINISH_MTD (VIREO_MTD(RIP_LEN) | VIREO_MTD(INTR_STATE) | VIREO_MTD(PENDING_DBG))

/* inj_info of hardware exception vec, with or without an error code. */
static inline u32 fake_exc_info(u32 vec, bool has_error)
{
    return (u32)(VIREO_PUT(VMX_INTR_INFO, VECTOR, vec) |
                 VIREO_PUT(VMX_INTR_INFO, TYPE, VMX_EVENT_HW_EXCEPTION) |
                 VIREO_PUT(VMX_INTR_INFO, HAS_ERROR, has_error) |
                 VIREO_PUT(VMX_INTR_INFO, VALID, 1));
}

#endif
