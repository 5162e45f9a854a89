/*
 * The VMM's view of its VM (docs/VMM.md): the guest's RAM, the device
 * server, the vCPU, and how the VM ends. One VMM per VM; the exit handler
 * thread (exits.c) runs on the vCPU's time, the main thread (main.c) waits
 * for the VM to end.
 */
#ifndef VIREO_VMM_VM_H
#define VIREO_VMM_VM_H

#include <vireo/server_info.h>
#include <vireo/vmexit.h>

/* The server's `arg` (abi/bindings.md): bit 0, the recall test: the main
 * thread recalls the vCPU every VMM_RECALL_PERIOD_US while the VM runs and
 * reports how many recalls became RECALL exits. */
#define VMM_ARG_RECALL_TEST  1ull
#define VMM_RECALL_PERIOD_US 2000u
/* Bit 1, the crash test: on its first run the VMM's exit handler faults
 * (a #PF at VMM_CRASH_ADDRESS) while handling exit number VMM_CRASH_EXIT;
 * init's restart policy must rebuild VMM and VM, and the guest then runs
 * to its end. */
#define VMM_ARG_CRASH_TEST 2ull
/* Bit 2, the reply fuzzer (fuzz.h): bits 31:16 how many replies it
 * damages (0: VMM_FUZZ_REPLIES), bits 63:32 its seed. */
#define VMM_ARG_REPLY_FUZZ 4ull
#define VMM_CRASH_EXIT     100u
#define VMM_CRASH_ADDRESS  0xdead0000ull

/* Selectors the VMM creates in its own capability space. */
#define VMM_SEL_HANDLER_EC 100u /* the exit handler thread */
#define VMM_SEL_DONE_SM    101u /* the main thread waits on it */
#define VMM_SEL_VCPU       102u /* the vCPU (in the VM PD) */
#define VMM_SEL_VCPU_SC    103u
#define VMM_SEL_WAKE_SM    104u /* the exit handler waits on it in HLT */
#define VMM_SEL_INPUT_EC   105u /* the console watcher (main.c) */
#define VMM_SEL_INPUT_SC   106u
#define VMM_SEL_PARK_SM    107u /* nobody ups it: where the watcher ends */
#define VMM_SEL_PORTAL0    128u /* exit portals, one per class, created here */
#define VMM_SEL_RAM_CHUNK0 256u /* guest-RAM chunks (ram_map.h) */
#define VMM_RAM_CHUNKS_MAX 64u
/* Where the exit portals sit in the VM PD's space (the vCPU's base). */
#define VMM_VM_SEL_EXIT_BASE 0u

/* Why the VM ended. */
enum vm_end {
    VM_RUNNING = 0,
    VM_END_DEBUG_EXIT, /* the guest wrote isa-debug-exit: status (v << 1) | 1 */
    VM_END_HALTED,     /* HLT with interrupts disabled: powered off */
    VM_END_TRIPLE_FAULT,
    VM_END_ERROR, /* something the VMM cannot emulate, or a refused state */
};

/* The VMM's exit status when the guest did not choose one (debug-exit
 * value v, or 0 for a power-off by HLT). */
#define VM_STATUS_TRIPLE_FAULT 0x100u
#define VM_STATUS_ERROR        0x101u

struct irqchip;

struct vm {
    const struct vireo_server_info *info;
    const struct vireo_vm_info *cfg;
    u8 *ram;                 /* guest-physical 0 in the VMM's address space */
    u64 ram_size;            /* bytes */
    u64 devices;             /* the device server's portal, or VIREO_SERVER_SEL_NONE */
    struct irqchip *irqchip; /* where the device server's interrupt lines go */
    /* Host TSC of the devices' next timed event (VIREO_DEV_REP_NEXT): the
     * vCPU polls the device server then (devices.h). */
    volatile u64 dev_next;
    volatile bool input_pending; /* host terminal input arrived: poll (main.c) */
    bool input_watched;          /* a thread waits for host terminal input (main.c) */
    u64 dev_polls;               /* statistics: polls made */
    bool reset_requested;        /* the guest pulled the reset line: boot it again */
    u32 resets;                  /* statistics: reboots so far */
    u64 chunk_size;              /* guest RAM is mapped in chunks of this many bytes (ram_map.h) */
    u32 chunk_count;
    u64 chunk_flushed[VMM_RAM_CHUNKS_MAX]; /* the page left unmapped in each, or ~0 */
    u32 arch;                              /* enum vireo_vcpu_arch, from the first exit */
    enum vm_end end;
    volatile bool over; /* the vCPU is stopped (vm_ended): the main thread reports */
    u64 status;         /* the VMM's exit status: the guest's debug-exit value v, else per end */
    u64 exits[VIREO_EXIT_CLASS_COUNT];
    u64 reinjected; /* events whose delivery met a flushed page, delivered again */
};

/* Ends the VM: the vCPU is not resumed; the main thread reports and exits
 * with `status`. `fmt` says why (one console line). The first stop counts;
 * the exit handler tells the main thread (vm_ended) when it has stopped
 * the vCPU. */
void vm_stop(struct vm *vm, enum vm_end end, u64 status, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The vCPU is stopped for good: wakes the main thread. */
void vm_ended(struct vm *vm);
/* The line vm_stop was given. */
const char *vm_end_reason(const struct vm *vm);

/* Loads the guest afresh (a reboot: the reply fuzzer's, after the damage
 * killed it); the next reply must be the start state. */
void vm_reload_guest(struct vm *vm);

/* Guest-physical RAM: a pointer to [gpa, gpa + len) when it is all RAM the
 * guest sees (outside the hole), else NULL. */
void *vm_ram(struct vm *vm, u64 gpa, u64 len);

#endif
