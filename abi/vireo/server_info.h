/*
 * What init gives every server it starts (abi/bindings.md, /servers).
 *
 * A server's address space, as init builds it:
 *   - its ELF segments at their link addresses, each with its own rights
 *     (text R+X, rodata R, data R+W; never W+X),
 *   - this info page, read-only, at VIREO_SERVER_INFO_ADDR,
 *   - its UTCB at VIREO_SERVER_UTCB_ADDR (%fs points at it),
 *   - a stack of VIREO_SERVER_STACK_SIZE bytes below VIREO_SERVER_STACK_TOP
 *     (the page below it is left unmapped: an overflow faults),
 *   - its heap (memory-kib less the stack), read-write, at
 *     VIREO_SERVER_HEAP_ADDR,
 *   - with shared-memory-kib, that memory read-write at
 *     VIREO_SERVER_SHARED_ADDR.
 * The main thread starts at the ELF entry with %rdi = VIREO_SERVER_INFO_ADDR
 * and %rsp = VIREO_SERVER_STACK_TOP.
 *
 * Its capability space holds exactly what its node lists:
 *   - VIREO_SEL_FAULT_PT (abi/vireo/ipc.h): its fault portal, without
 *     rights (the kernel delivers its faults; it cannot call it itself);
 *   - calls[i].sel: a CALL-only portal of each server in `calls`;
 *   - peers[i].sel: a DELEGATE_INTO-only PD capability of each server in
 *     `delegate-to`;
 *   - own_pd_sel (with `own-pd`): its own PD, PD_CREATE only;
 *   - shared_sel (with shared-memory-kib): the shared memory's MEM
 *     capability, R + W + DELEGATE;
 *   - console_sel (with console-input): the console input semaphore with
 *     SM_DOWN (abi/vireo/syscall.h, console_read).
 * Selectors it does not have read as VIREO_SERVER_SEL_NONE here.
 *
 * A VMM (a server whose node has `vm`, abi/bindings.md) also gets its VM:
 *   - the VM's PD at VIREO_SERVER_SEL_VM_PD with PD_CREATE and
 *     DELEGATE_INTO (it creates the vCPUs, their SCs and the exit portals
 *     there, all charged to the VM's quota but the portals);
 *   - the VM's RAM read-write at VIREO_SERVER_GUEST_RAM_ADDR: the same
 *     frames as guest-physical [0, ram_size);
 *   - the RAM's memory capability at VIREO_SERVER_SEL_VM_RAM (RWX and
 *     DELEGATE): the VMM maps it into the VM PD itself, except the legacy
 *     hole [hole_start, hole_end) (the VGA window 0xa0000-0xbffff, left
 *     unmapped: accesses exit), and may
 *     unmap and map parts again (servers/vmm/ram_map.h);
 *   - a copy of the guest kernel and each module read-only from
 *     VIREO_SERVER_GUEST_FILES_ADDR, page-aligned, in that order;
 *   - the rest of struct vireo_vm_info below (has_vm = 1).
 */
#ifndef VIREO_ABI_SERVER_INFO_H
#define VIREO_ABI_SERVER_INFO_H

#include <vireo/types.h>
#include <vireo/x86/cpuid.h>

#define VIREO_SERVER_INFO_ADDR        0x00007fff00000000ull /* one page, read-only */
#define VIREO_SERVER_UTCB_ADDR        0x00007fff00010000ull /* one page */
#define VIREO_SERVER_STACK_TOP        0x00007fff00800000ull
#define VIREO_SERVER_STACK_SIZE       0x10000ull /* 64 KiB, from memory-kib */
#define VIREO_SERVER_HEAP_ADDR        0x0000001000000000ull
#define VIREO_SERVER_SHARED_ADDR      0x0000002000000000ull
#define VIREO_SERVER_GUEST_RAM_ADDR   0x0000003000000000ull /* a VMM's guest RAM */
#define VIREO_SERVER_GUEST_FILES_ADDR 0x0000004000000000ull /* its guest kernel and modules */

#define VIREO_SERVER_MAGIC   0x5652455356524956ull /* "VIRVSERV" */
#define VIREO_SERVER_VERSION 2u

#define VIREO_SERVER_NAME_LEN  32u /* node names up to 31 characters */
#define VIREO_SERVER_MAX_CALLS 16u /* entries of `calls` */
#define VIREO_SERVER_MAX_PEERS 8u  /* entries of `delegate-to` */
#define VIREO_SERVER_SEL_NONE  (~0ull)

/* Where init puts the capabilities in a server's space. */
#define VIREO_SERVER_SEL_CALL0   1u  /* calls[i] at 1 + i */
#define VIREO_SERVER_SEL_PEER0   32u /* peers[i] at 32 + i */
#define VIREO_SERVER_SEL_OWN_PD  48u
#define VIREO_SERVER_SEL_SHARED  49u
#define VIREO_SERVER_SEL_VM_PD   50u
#define VIREO_SERVER_SEL_CONSOLE 51u
#define VIREO_SERVER_SEL_VM_RAM  52u

/* A VM's limits (abi/bindings.md, /vms). */
#define VIREO_VM_MAX_MODULES 8u
#define VIREO_VM_CMDLINE_MAX 1024u /* bytes with the NUL */
#define VIREO_VM_NAME_LEN    32u

/* Another server a capability reaches. */
struct vireo_server_ref {
    u64 sel; /* selector in this server's space */
    u32 id;  /* that server's id (its portal's badge) */
    u32 reserved;
    char name[VIREO_SERVER_NAME_LEN]; /* its node name, NUL-terminated */
};
VIREO_ABI_SIZE(struct vireo_server_ref, 48);

/* The paravirtualization provider a VM's CPUID shows (`paravirt`). */
enum vireo_vm_paravirt {
    VIREO_PARAVIRT_NONE = 0,    /* no hypervisor bit; 0x40000000.. read as leaves out of range */
    VIREO_PARAVIRT_MINIMAL = 1, /* the hypervisor bit and the "Vireo VMM" signature */
    VIREO_PARAVIRT_KVM = 2,     /* the hypervisor bit and KVM's "KVMKVMKVM" leaves */
};

/* A file the VMM gives its guest: where init mapped the copy. */
struct vireo_vm_file {
    u64 addr;                     /* in the VMM's address space, page-aligned */
    u64 size;                     /* bytes */
    char name[VIREO_VM_NAME_LEN]; /* the boot module's name */
};
VIREO_ABI_SIZE(struct vireo_vm_file, 48);

struct vireo_vm_info {
    char name[VIREO_VM_NAME_LEN]; /* the /vms node's name */
    u64 vm_pd_sel;                /* VIREO_SERVER_SEL_VM_PD */
    u64 ram_addr;                 /* VIREO_SERVER_GUEST_RAM_ADDR */
    u64 ram_size;                 /* bytes of guest-physical RAM from 0 */
    u64 hole_start, hole_end;     /* guest-physical range not mapped */
    u32 vcpu_priority;            /* for the vCPU's SC */
    u32 vcpu_budget_us;
    u32 module_count;
    u32 paravirt; /* enum vireo_vm_paravirt: what CPUID tells the guest of its hypervisor */
    /* `cpuid-disable`: the CPUID features removed, a set of enum
     * vireo_cpuid_feature (abi/vireo/x86/cpuid.h) */
    u64 cpuid_disable[VIREO_CPUID_SET_WORDS];
    struct vireo_vm_file kernel;
    struct vireo_vm_file modules[VIREO_VM_MAX_MODULES];
    char cmdline[VIREO_VM_CMDLINE_MAX]; /* NUL-terminated, maybe empty */
};
VIREO_ABI_OFFSET(struct vireo_vm_info, vm_pd_sel, 0x20);
VIREO_ABI_OFFSET(struct vireo_vm_info, cpuid_disable, 0x58);
VIREO_ABI_OFFSET(struct vireo_vm_info, kernel, 0x68);
VIREO_ABI_SIZE(struct vireo_vm_info, 0x68 + 48 * 9 + 1024);

struct vireo_server_info {
    u64 magic;   /* VIREO_SERVER_MAGIC */
    u32 version; /* VIREO_SERVER_VERSION */
    u32 size;    /* sizeof(struct vireo_server_info) */
    char name[VIREO_SERVER_NAME_LEN];
    u32 id;           /* 1.. in /servers order; the badge of its portals */
    u32 restarts;     /* 0 on the first run, +1 on every restart */
    u32 max_restarts; /* from the description */
    u32 tsc_khz;      /* the TSC's rate in kHz (the kernel's measure); 0: unknown */
    u64 arg;          /* the node's `arg`, 0 without one */
    u64 utcb_addr;    /* VIREO_SERVER_UTCB_ADDR */
    u64 stack_top, stack_size;
    u64 heap_addr, heap_size;     /* bytes; heap_size may be 0 */
    u64 shared_addr, shared_size; /* bytes; 0 without shared-memory-kib */
    u64 shared_sel;               /* VIREO_SERVER_SEL_NONE without it */
    u64 own_pd_sel;               /* VIREO_SERVER_SEL_NONE without own-pd */
    u32 call_count;
    u32 peer_count;
    struct vireo_server_ref calls[VIREO_SERVER_MAX_CALLS];
    struct vireo_server_ref peers[VIREO_SERVER_MAX_PEERS];
    u32 has_vm; /* 1: the server is a VMM and vm is filled in */
    u32 reserved1;
    u64 console_sel; /* VIREO_SERVER_SEL_NONE without console-input */
    struct vireo_vm_info vm;
    /* The host's date at boot, as init_info has it (abi/vireo/init_info.h):
     * seconds since 1970 UTC (0: unknown) and the TSC at that moment. */
    u64 epoch_s;
    u64 epoch_tsc;
};
VIREO_ABI_OFFSET(struct vireo_server_info, name, 0x10);
VIREO_ABI_OFFSET(struct vireo_server_info, id, 0x30);
VIREO_ABI_OFFSET(struct vireo_server_info, restarts, 0x34);
VIREO_ABI_OFFSET(struct vireo_server_info, arg, 0x40);
VIREO_ABI_OFFSET(struct vireo_server_info, heap_addr, 0x60);
VIREO_ABI_OFFSET(struct vireo_server_info, shared_sel, 0x80);
VIREO_ABI_OFFSET(struct vireo_server_info, call_count, 0x90);
VIREO_ABI_OFFSET(struct vireo_server_info, calls, 0x98);
VIREO_ABI_OFFSET(struct vireo_server_info, has_vm, 0x98 + 48 * (16 + 8));
VIREO_ABI_OFFSET(struct vireo_server_info, epoch_s,
                 0x98 + 48 * (16 + 8) + 16 + sizeof(struct vireo_vm_info));
VIREO_ABI_SIZE(struct vireo_server_info,
               0x98 + 48 * (16 + 8) + 16 + sizeof(struct vireo_vm_info) + 16);
_Static_assert(sizeof(struct vireo_server_info) <= 4096, "the info fits its page");
_Static_assert(VIREO_SERVER_SEL_CALL0 + VIREO_SERVER_MAX_CALLS <= VIREO_SERVER_SEL_PEER0,
               "call portals and peer PDs do not share selectors");
_Static_assert(VIREO_SERVER_SEL_PEER0 + VIREO_SERVER_MAX_PEERS <= VIREO_SERVER_SEL_OWN_PD,
               "peer PDs end before the own-PD selector");

#endif
