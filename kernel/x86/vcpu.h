/*
 * A vCPU on x86, and the contract between the architecture-neutral vCPU
 * layer (kernel/rt/vcpu.c) and the two virtualization back ends
 * (kernel/x86/vmx.c, kernel/x86/svm.c). docs/VMEXIT.md describes the ABI
 * this implements.
 *
 * A vCPU is an EC of a VM PD (VIREO_EC_VCPU). Its state lives in two pages
 * of kernel memory, paid from the VM PD's quota (VIREO_VCPU_QUOTA_BLOCKS):
 * this struct (one page, reached through the direct map) and the hardware
 * page (the VMCS or the VMCB). Its FPU/SSE/AVX state is saved in fpu[]
 * with XSAVE when another EC's goes in (ec_context.h, xsave.h); its XCR0 is
 * loaded just before entry. Neither the kernel nor a server uses those
 * registers (-mgeneral-regs-only), and servers run with XCR0 = x87|SSE, so
 * they can neither read nor change what the guest left there.
 *
 * The flow: the scheduler reaches the vCPU (rt_exit -> vcpu_run); unless a
 * kernel-made exit is pending (STARTUP, RECALL, a failed reply) the back
 * end's run() enters the guest and returns the class of the exit. HOST
 * exits (interrupts, NMIs) are the kernel's: the back end re-injects any
 * event whose delivery they interrupted, the kernel takes the interrupt and
 * the guest goes on. Any other class becomes a call to the exit portal of
 * that class; the message is built by read() when the handler accepts it,
 * and the reply is checked (entry_check.h, then the back end's check()) and
 * loaded by write(). The vCPU does not run again until the reply.
 */
#ifndef KERNEL_X86_VCPU_H
#define KERNEL_X86_VCPU_H

/* Offsets for the assembly stubs (vmx_entry.S, svm_entry.S). */
#define VCPU_GPR_RAX  0x00
#define VCPU_GPR_RCX  0x08
#define VCPU_GPR_RDX  0x10
#define VCPU_GPR_RBX  0x18
#define VCPU_GPR_RBP  0x20
#define VCPU_GPR_RSI  0x28
#define VCPU_GPR_RDI  0x30
#define VCPU_GPR_R8   0x38
#define VCPU_GPR_R9   0x40
#define VCPU_GPR_R10  0x48
#define VCPU_GPR_R11  0x50
#define VCPU_GPR_R12  0x58
#define VCPU_GPR_R13  0x60
#define VCPU_GPR_R14  0x68
#define VCPU_GPR_R15  0x70
#define VCPU_HOST_RSP 0x78 /* struct vcpu.host_rsp */

#ifndef __ASSEMBLER__

#include "xsave.h"
#include "../obj/objects.h"
#include <vireo/status.h>
#include <vireo/vmexit.h>

/* Guest registers the entry stubs load before and save after the guest
 * runs. RSP and RIP (and on SVM RAX) live in the VMCS/VMCB; SVM's stub
 * keeps rax here in sync with the VMCB. Offsets: VCPU_GPR_* above. */
struct vcpu_gprs {
    u64 rax, rcx, rdx, rbx, rbp, rsi, rdi;
    u64 r8, r9, r10, r11, r12, r13, r14, r15;
};

/* No exit pending (struct vcpu.pending). */
#define VCPU_NO_EXIT VIREO_EXIT_CLASS_COUNT

/* Bytes of struct vcpu the back end keeps for itself (VMX: MSR areas,
 * the guest's view of fixed CR bits; SVM: NMI tracking). */
#define VCPU_BACKEND_BYTES 2048u

struct vcpu {
    struct vcpu_gprs gpr; /* 0x00: the entry stubs rely on it */
    u64 host_rsp;         /* 0x78, VMX: HOST_RSP as last written (0: never) */
    struct obj_ec *ec;    /* the vCPU's EC */
    u64 hw_phys;          /* VMCS / VMCB: physical address */
    void *hw;             /* the same page through the direct map */
    u32 tag;              /* VPID / ASID */
    u32 launched;         /* VMX: VMLAUNCH done; SVM: first VMRUN done */

    /* The exit being delivered, or about to be. */
    u32 exit_class; /* enum vireo_exit_class */
    u32 exit_by_hw; /* the exit came from the CPU: its fields are valid */
    u32 pending;    /* a kernel-made exit class to deliver before the next entry, or VCPU_NO_EXIT */
    u32 reserved0;
    /* ENTRY_FAILURE: info[0..2] of the message, and its raw reason. */
    u64 fail_check, fail_detail, fail_item, fail_raw;

    u64 tlb_gen; /* the VM PD's guest-physical generation this vCPU last flushed for */
    u64 xcr0;    /* the guest's XCR0 (the XCR0 item): in XCR0 while it runs */
    u64 reserved1[2];
    /* DR0-3 and (VT-x) DR6 while another vCPU's are in the registers
     * (vcpu_dr.h). */
    u64 dr[4], dr6;

    /* The back end's own state; each back end checks that its struct fits. */
    u8 backend[VCPU_BACKEND_BYTES] __attribute__((aligned(64)));
    /* The guest's FPU/SSE/AVX state while another EC's is in the
     * registers (ec_context.c, xsave.h). */
    u8 fpu[XSAVE_VCPU_BYTES] __attribute__((aligned(XSAVE_ALIGN)));
};
_Static_assert(sizeof(struct vcpu) <= 4096, "a vCPU's kernel state is one page");
_Static_assert(__builtin_offsetof(struct vcpu, gpr) == 0, "entry stubs: gprs first");
_Static_assert(__builtin_offsetof(struct vcpu, host_rsp) == VCPU_HOST_RSP, "entry stubs: host_rsp");
_Static_assert(__builtin_offsetof(struct vcpu_gprs, r15) == VCPU_GPR_R15, "entry stubs: r15");
_Static_assert(__builtin_offsetof(struct vcpu_gprs, rdi) == VCPU_GPR_RDI, "entry stubs: rdi");

static inline struct vcpu *vcpu_of(const struct obj_ec *ec)
{
    return (struct vcpu *)ec->arch;
}

/* What a back end provides. Every function runs with interrupts off, in
 * the kernel, on the one kernel stack. None may fail on anything the guest
 * or a VMM did: failures are entry failures or exit messages. */
struct vcpu_backend {
    enum vireo_vcpu_arch arch;
    const char *name; /* "VT-x" / "AMD-V", for log lines */

    /* Once per CPU, before any vCPU runs: VMXON (honouring the feature
     * control and the CR0/CR4 fixed bits) or EFER.SVME with the host save
     * area. false: a log line says what failed, and no vCPU can be created. */
    bool (*cpu_init)(void);

    /* A new vCPU: v->hw and v->hw_phys are a zeroed page, v->tag is free.
     * Sets up every control (EPT/NPT root from v->ec->pd->arch_space, the
     * I/O and MSR bitmaps, intercepts, host state) and the guest state of
     * an x86 reset (CS:IP f000:fff0, real mode). VIREO_E_NO_MEMORY etc.
     * undo the creation. */
    enum vireo_status (*init)(struct vcpu *v);
    /* The vCPU is being freed (VMCLEAR; nothing else to release). */
    void (*fini)(struct vcpu *v);

    /* Leaf-entry flags of a guest-physical 4 KiB mapping with VIREO_MEM_*
     * rights (R always set), for page_table.c's pt_map: EPT R/W/X and the
     * write-back memory type, or NPT's P/W/U/NX. Intermediate tables are
     * P|W|U, which both formats read as "allow everything". */
    u64 (*gpa_leaf_flags)(u32 rights);
    /* Mappings were removed from the VM PD's guest-physical space: no vCPU
     * may use a stale translation after this returns (VMX: INVEPT now;
     * SVM: vCPUs compare pd generation and flush their ASID on entry). */
    void (*gpa_flush)(struct obj_pd *vm);

    /* Enters the guest and returns when it exits: the exit's class. HOST
     * exits are handled here as far as the hardware needs (an interrupted
     * event delivery is re-injected; the interrupt stays pending for the
     * kernel to take with interrupts enabled). A failed entry returns
     * VIREO_EXIT_ENTRY_FAILURE with v->fail_* set (HW_* checks). */
    u32 (*run)(struct vcpu *v);

    /* Fills the items of mtd in *s from the vCPU's state. With
     * v->exit_by_hw, also raw_reason and the exit-only items (QUAL, ADDR,
     * IDT_VECT) of the last exit, normalized (vmexit_map.h); otherwise
     * those stay as the caller set them. */
    void (*read)(struct vcpu *v, u64 mtd, struct vireo_vcpu_state *s);
    /* What the back end adds to the generic entry checks for a reply
     * naming mtd: *next is the complete state after the reply (every item
     * of entry_check_items(mtd) filled,
     * kernel/vcpu/entry_check.h). Returns VIREO_CHECK_NONE or the
     * check, with *detail and *item (the MTD bit, or ~0u). */
    u32 (*check)(struct vcpu *v, const struct vireo_vcpu_state *next, u64 mtd, u64 *detail,
                 u32 *item);
    /* Loads the items of mtd from *s (already checked). */
    void (*write)(struct vcpu *v, u64 mtd, const struct vireo_vcpu_state *s);
};

extern const struct vcpu_backend vmx_backend;
extern const struct vcpu_backend svm_backend;

/* The back end the boot CPU uses (NULL before vcpu_boot_init). */
extern const struct vcpu_backend *vcpu_backend;

#endif /* __ASSEMBLER__ */
#endif
