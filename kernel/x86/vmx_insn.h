/*
 * The VMX instructions (Intel SDM vol. 3, chapter 31; vol. 2 "VMX
 * instruction reference"), one wrapper each. Every VMX instruction reports
 * failure in RFLAGS: CF=1 is VMfailInvalid (no current VMCS, or a bad
 * operand before one is current), ZF=1 is VMfailValid (the reason is in
 * the current VMCS's VM-instruction error field, VMCS_VM_INSN_ERROR).
 * Each wrapper returns true only when both are clear ("seta"), so no
 * failure passes unnoticed; the callers decide what a failure means.
 * VMLAUNCH/VMRESUME live in vmx_entry.S.
 */
#ifndef KERNEL_X86_VMX_INSN_H
#define KERNEL_X86_VMX_INSN_H

#include <vireo/x86/vmcs.h>

/* What a failed VMX instruction reported. */
enum vmx_fail {
    VMX_OK = 0,
    VMX_FAIL_INVALID = 1, /* CF: no current VMCS / bad pointer */
    VMX_FAIL_VALID = 2,   /* ZF: error number in VMCS_VM_INSN_ERROR */
};

/* The outcome from CF and ZF as two "set" results. */
static inline enum vmx_fail vmx_outcome(u8 cf, u8 zf)
{
    return cf ? VMX_FAIL_INVALID : zf ? VMX_FAIL_VALID : VMX_OK;
}

/* VMXON with the physical address of the VMXON region. */
static inline enum vmx_fail vmx_vmxon(u64 phys)
{
    u8 cf, zf;
    __asm__ volatile("vmxon %2; setc %0; setz %1"
                     : "=qm"(cf), "=qm"(zf)
                     : "m"(phys)
                     : "cc", "memory");
    return vmx_outcome(cf, zf);
}

static inline enum vmx_fail vmx_vmxoff(void)
{
    u8 cf, zf;
    __asm__ volatile("vmxoff; setc %0; setz %1" : "=qm"(cf), "=qm"(zf) : : "cc", "memory");
    return vmx_outcome(cf, zf);
}

/* VMCLEAR: writes the VMCS back to memory, makes it clear (the next entry
 * is a VMLAUNCH) and not current. */
static inline enum vmx_fail vmx_vmclear(u64 phys)
{
    u8 cf, zf;
    __asm__ volatile("vmclear %2; setc %0; setz %1"
                     : "=qm"(cf), "=qm"(zf)
                     : "m"(phys)
                     : "cc", "memory");
    return vmx_outcome(cf, zf);
}

/* VMPTRLD: makes the VMCS at phys current on this CPU. */
static inline enum vmx_fail vmx_vmptrld(u64 phys)
{
    u8 cf, zf;
    __asm__ volatile("vmptrld %2; setc %0; setz %1"
                     : "=qm"(cf), "=qm"(zf)
                     : "m"(phys)
                     : "cc", "memory");
    return vmx_outcome(cf, zf);
}

/* VMREAD and VMWRITE are on every exit path: plain success/failure (the
 * VM-instruction error field says why). */

/* VMREAD of a field of the current VMCS (any width, zero-extended). */
static inline bool vmx_vmread(u32 field, u64 *value)
{
    u8 ok;
    u64 v;
    __asm__ volatile("vmread %2, %1; seta %0" : "=qm"(ok), "=r"(v) : "r"((u64)field) : "cc");
    *value = v;
    return ok;
}

/* VMWRITE of a field of the current VMCS (the CPU takes the field's width
 * from the low bits of value). */
static inline bool vmx_vmwrite(u32 field, u64 value)
{
    u8 ok;
    __asm__ volatile("vmwrite %2, %1; seta %0"
                     : "=qm"(ok)
                     : "r"((u64)field), "r"(value)
                     : "cc", "memory");
    return ok;
}

/* The VM-instruction error of the current VMCS after a VMfailValid (0
 * when none can be read). */
static inline u32 vmx_insn_error(void)
{
    u64 err = 0;
    return vmx_vmread(VMCS_VM_INSN_ERROR, &err) ? (u32)err : 0;
}

static inline const char *vmx_fail_text(enum vmx_fail f)
{
    return f == VMX_FAIL_INVALID ? "VMfailInvalid" : "VMfailValid";
}

/* INVEPT / INVVPID types (SDM vol. 2, INVEPT and INVVPID). */
enum vmx_invept_type {
    VMX_INVEPT_SINGLE = 1, /* mappings of one EPTP */
    VMX_INVEPT_ALL = 2,
};
enum vmx_invvpid_type {
    VMX_INVVPID_ADDRESS = 0,
    VMX_INVVPID_SINGLE = 1, /* every mapping of one VPID */
    VMX_INVVPID_ALL = 2,
    VMX_INVVPID_SINGLE_KEEP_GLOBALS = 3,
};

static inline enum vmx_fail vmx_invept(enum vmx_invept_type type, u64 eptp)
{
    struct {
        u64 eptp, reserved;
    } desc = {eptp, 0};
    u8 cf, zf;
    __asm__ volatile("invept %2, %3; setc %0; setz %1"
                     : "=qm"(cf), "=qm"(zf)
                     : "m"(desc), "r"((u64)type)
                     : "cc", "memory");
    return vmx_outcome(cf, zf);
}

static inline enum vmx_fail vmx_invvpid(enum vmx_invvpid_type type, u16 vpid, u64 address)
{
    struct {
        u64 vpid, address;
    } desc = {vpid, address};
    u8 cf, zf;
    __asm__ volatile("invvpid %2, %3; setc %0; setz %1"
                     : "=qm"(cf), "=qm"(zf)
                     : "m"(desc), "r"((u64)type)
                     : "cc", "memory");
    return vmx_outcome(cf, zf);
}

/*
 * VMLAUNCH / VMRESUME (vmx_entry.S): saves the callee-saved host registers
 * and keeps v on the stack at HOST_RSP (writing HOST_RSP first when it
 * differs from v->host_rsp), loads the guest GPRs from v->gpr and enters
 * (VMRESUME when launched, else VMLAUNCH). A VM exit lands at vmx_exit_entry
 * (HOST_RIP), which saves the guest GPRs into v->gpr and returns VMX_OK; a
 * VM-entry failure that the CPU reports as an exit (exit reason bit 31)
 * returns the same way. VMfailInvalid / VMfailValid of the entry (or of
 * the HOST_RSP VMWRITE) fall through and return VMX_FAIL_INVALID /
 * VMX_FAIL_VALID, guest GPRs in v->gpr unchanged.
 */
struct vcpu;
enum vmx_fail vmx_enter(struct vcpu *v, u64 launched);
/* HOST_RIP. */
void vmx_exit_entry(void);
/* IRETQ to the next instruction, in ring 0: ends whatever NMI blocking a
 * VM exit due to an NMI left in force, as a handled NMI's IRET would. */
void vmx_nmi_unblock(void);

#endif
