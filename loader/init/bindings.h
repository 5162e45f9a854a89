/* The /servers part of the system description (abi/bindings.md), read and
 * checked in full before init creates anything. */
#ifndef INIT_BINDINGS_H
#define INIT_BINDINGS_H

#include <vireo/server_info.h>
#include <vireo/types.h>

#define INIT_MAX_SERVERS            16u
#define SERVER_MIN_QUOTA            8u       /* blocks: its EC, SC, portals, tables */
#define SERVER_MAX_QUOTA            65536u   /* 64 MiB of kernel objects */
#define SERVER_MAX_MEM_KIB          1048576u /* 1 GiB */
#define SERVER_MAX_RESTART          1000u
#define SERVER_DEFAULT_BUDGET_US    10000u
#define SERVER_DEFAULT_MAX_RESTARTS 3u

enum restart_policy {
    POLICY_STOP = 0,    /* a fault stops the whole system */
    POLICY_RESTART = 1, /* restart from the ELF, up to max-restarts */
    POLICY_IGNORE = 2,  /* tear the server down; the rest goes on */
};

/* What a test description says a server's run must come to. */
struct expectation {
    bool fault;        /* at least one fault */
    bool fault_at_set; /* every fault at fault_at (a #PF's address) */
    u64 fault_at;
    bool exit; /* ends by exit(exit_status); else ends by a fault */
    u64 exit_status;
    bool run; /* "run": runs, without a fault, until the system stops */
};

/* A VM (a node under /vms), built with the VMM server that names it. */
#define INIT_MAX_VMS         8u
#define VM_MIN_MEMORY_MIB    2u
#define VM_MAX_MEMORY_MIB    3072u /* the last GiB below 4 GiB is for MMIO */
#define VM_DEFAULT_BUDGET_US 10000u
struct vm_desc {
    char name[VIREO_VM_NAME_LEN];
    u32 memory_mib;
    u32 quota;         /* kernel-object blocks of the VM PD */
    u32 vcpu_priority; /* 0: the VMM's priority */
    u32 vcpu_budget_us;
    u32 paravirt;                             /* enum vireo_vm_paravirt */
    u64 cpuid_disable[VIREO_CPUID_SET_WORDS]; /* `cpuid-disable`: enum vireo_cpuid_feature set */
    const char *kernel;                       /* boot module with the guest image */
    const char *cmdline;                      /* NULL: empty */
    u32 module_count;
    const char *modules[VIREO_VM_MAX_MODULES]; /* boot modules for the guest */
};

struct server_desc {
    char name[VIREO_SERVER_NAME_LEN];
    const char *module;
    u32 priority, budget_us, quota, memory_kib, shared_kib, max_restarts;
    enum restart_policy restart;
    bool provides_portal, own_pd;
    bool stop_on_exit;  /* its exit ends the whole system */
    bool console_input; /* it reads the console (the input semaphore) */
    u32 call_count, peer_count;
    u32 calls[VIREO_SERVER_MAX_CALLS]; /* indices into system_desc.servers */
    u32 peers[VIREO_SERVER_MAX_PEERS];
    struct expectation expect;
    u64 arg;
    u32 vm; /* with `vm`: 1 + index into system_desc.vms; 0: not a VMM */
};

struct system_desc {
    u32 count;
    struct server_desc servers[INIT_MAX_SERVERS];
    u32 vm_count;
    struct vm_desc vms[INIT_MAX_VMS];
};

/* Reads /servers and the /vms nodes their `vm` properties name (absent:
 * no servers). On a bad description returns false with why =
 * "/servers/NAME: property 'P' ..." (or "/vms/NAME: ...") naming node and
 * property. */
bool bindings_parse(const void *fdt, struct system_desc *out, char *why, size_t why_size);

/* Parses an `expect` string ("exit N", "fault", "fault at ADDR",
 * "fault then exit N", "fault at ADDR then exit N", "run"). */
bool expectation_parse(const char *text, struct expectation *out);

#endif
