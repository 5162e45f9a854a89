/*
 * Kernel objects and capability nodes as the object layer stores them.
 *
 * All of it lives in blocks of the kernel-object pool (pool.h), one block
 * per object and one per chunk of 16 nodes. A node is one vertex of the
 * derivation tree: either a capability in a PD's capability space or a
 * mapping (a delegated page range) in a PD's address space.
 */
#ifndef KERNEL_OBJ_OBJECTS_H
#define KERNEL_OBJ_OBJECTS_H

#include <vireo/cap.h>
#include <vireo/syscall.h>
#include <vireo/types.h>

#define OBJ_BLOCK_SIZE      VIREO_QUOTA_BLOCK
#define OBJ_NODES_PER_CHUNK 16u
#define OBJ_CAP_CHUNKS      (VIREO_SEL_COUNT / OBJ_NODES_PER_CHUNK)
#define OBJ_MAP_CHUNKS      (VIREO_MAP_RANGES_MAX / OBJ_NODES_PER_CHUNK)

/* Node type beyond enum vireo_cap_type: a mapping in an address space. */
#define OBJ_NODE_MAPPING 0x10u

#define OBJ_PD_NAME_LEN (VIREO_PD_NAME_MAX + 1u) /* and the NUL */

struct obj_pd;
struct obj_ec;
struct obj_sc;
struct obj_sm;

/* What every kernel object starts with. */
struct obj_header {
    u8 type;      /* enum vireo_cap_type */
    u8 torn_down; /* its last capability went and teardown ran */
    u8 queued;    /* on the kernel's pending list */
    u8 reserved;
    u32 cap_count; /* capabilities naming it; 0 means dead */
    u32 kref;      /* kernel references: objects paid by it, bound to it */
    u32 reserved2;
    struct obj_pd *payer;            /* whose quota it is charged to (NULL: init) */
    struct obj_header *pending_next; /* pending teardown or free */
};

/* A vertex of the derivation tree. Children are a doubly linked list. */
struct obj_node {
    struct obj_node *parent;
    struct obj_node *first_child;
    struct obj_node *next_sibling;
    struct obj_node *prev_sibling;
    struct obj_pd *holder; /* the PD whose space holds this node */
    union {
        struct obj_header *obj; /* object capabilities */
        u64 frame;              /* MEM capabilities and mappings: first frame */
    } u;
    u64 index; /* selector (capabilities) or first virtual page (mappings) */
    u32 pages; /* MEM capabilities and mappings */
    u8 type;   /* enum vireo_cap_type or OBJ_NODE_MAPPING; NULL: free slot */
    u8 rights;
    u16 slot; /* mappings: index in the holder's mapping table */
};
_Static_assert(sizeof(struct obj_node) == 64, "16 nodes fill a block");

struct obj_chunk {
    struct obj_node node[OBJ_NODES_PER_CHUNK];
};
_Static_assert(sizeof(struct obj_chunk) == OBJ_BLOCK_SIZE, "a chunk is one block");

struct obj_pd {
    struct obj_header hdr;
    u64 quota_limit; /* blocks it may have charged to it */
    u64 quota_used;  /* blocks charged now (objects, chunks, carved quotas) */
    u64 flags;       /* VIREO_PD_VM */
    u64 arch_space;  /* the platform's handle (page-table root) */
    struct obj_chunk *cap_chunk[OBJ_CAP_CHUNKS]; /* selector / 16 */
    struct obj_chunk *map_chunk[OBJ_MAP_CHUNKS]; /* mapping slot / 16 */
    u8 cap_used[OBJ_CAP_CHUNKS];                 /* nodes in use per chunk */
    u8 map_used[OBJ_MAP_CHUNKS];
    /* ---- runtime (kernel/sched): never touched by the object layer ---- */
    char name[OBJ_PD_NAME_LEN]; /* console prefix; empty: "pd<id>" */
    u32 id;                     /* number for log lines, set by space_create */
    u32 reserved3;
    struct obj_ec *ecs; /* its ECs (obj_ec.pd_next), to stop them when it dies */
    u64 table_blocks;   /* quota blocks its page-table pages are charged */
};
_Static_assert(sizeof(struct obj_pd) <= OBJ_BLOCK_SIZE, "a PD is one block");

/* Execution context. The object layer sets the fields up to `arch`; the
 * rest is the scheduler's and IPC's runtime state (kernel/sched), zero when
 * the EC is created. */
enum obj_ec_state {
    OBJ_EC_CREATED = 0, /* never ran */
    OBJ_EC_READY = 1,   /* runnable (whenever an SC reaches it) */
    OBJ_EC_BLOCKED = 2, /* waiting: see obj_ec.wait */
    OBJ_EC_STOPPED = 3, /* for good: exited, unhandled fault, or its PD went */
};

/* What a blocked EC waits for. */
enum obj_ec_wait {
    OBJ_WAIT_NONE = 0,
    OBJ_WAIT_QUEUED = 1, /* its call waits in a handler's queue (obj_ec.handler) */
    OBJ_WAIT_REPLY = 2,  /* its call is being handled (obj_ec.callee) */
    OBJ_WAIT_RECV = 3,   /* in reply_wait, for the next call */
    OBJ_WAIT_SM = 4,     /* in an SM down (obj_ec.sm), maybe with a timeout */
};

/* An entry of the sorted timeout list (kernel/sched/timeout.h). */
struct obj_timeout {
    struct obj_timeout *next, *prev;
    u64 deadline_us;
    u32 armed;
    u32 reserved;
};

/* Bytes for the platform's per-EC state (x86: the saved register frame and
 * the FXSAVE area); kernel/x86/ec_context.c checks that it fits. */
#define OBJ_EC_ARCH_BYTES 704u

struct obj_ec {
    struct obj_header hdr;
    struct obj_pd *pd; /* the PD it runs in (hdr.payer, kept for clarity) */
    u64 utcb_page;     /* virtual page of its UTCB in pd */
    u64 ip, sp;        /* initial instruction and stack pointer */
    u64 flags;         /* VIREO_EC_VCPU */
    u32 state;         /* enum obj_ec_state */
    u32 reserved;
    u64 arch; /* the platform's per-EC data */
    /* ---- runtime (kernel/sched) ---- */
    u32 wait;        /* enum obj_ec_wait while BLOCKED */
    u32 id;          /* number for log lines */
    u8 recall;       /* EC_RECALL pending */
    u8 fault_kind;   /* enum vireo_fault_kind of the call the kernel makes for it; 0: none */
    u8 fault_vector; /* with VIREO_FAULT_EXCEPTION */
    u8 started;      /* its register state was set up (kernel/x86) */
    u32 reserved2;
    u64 fault_error, fault_address;
    u64 call_badge;                 /* badge of the portal its call goes through */
    u64 exit_mtd;                   /* vCPU: MTD of the exit portal it calls */
    u64 call_words;                 /* words its (queued) call sends */
    struct obj_ec *caller;          /* whose call it is serving: runs on that chain's SC */
    struct obj_ec *callee;          /* the handler serving its call */
    struct obj_ec *handler;         /* OBJ_WAIT_QUEUED: the handler it waits for */
    struct obj_sm *sm;              /* OBJ_WAIT_SM: the semaphore */
    struct obj_ec *q_next, *q_prev; /* in a handler's callers or an SM's waiters */
    struct obj_ec *callers_head, *callers_tail; /* calls waiting for it to receive */
    struct obj_sc *scs;                         /* SCs bound to it (obj_sc.bound_next) */
    struct obj_ec *pd_next, *pd_prev;           /* in pd->ecs */
    struct obj_timeout timeout;                 /* OBJ_WAIT_SM with a timeout */
    u8 arch_area[OBJ_EC_ARCH_BYTES] __attribute__((aligned(16)));
};
_Static_assert(sizeof(struct obj_ec) <= OBJ_BLOCK_SIZE, "an EC is one block");

struct obj_sc {
    struct obj_header hdr;
    struct obj_ec *ec; /* bound EC (holds a kernel reference) */
    u32 priority;
    u32 reserved;
    u64 budget_us;
    u64 left_us; /* budget left in this period (scheduler work) */
    /* ---- runtime (kernel/sched) ---- */
    struct obj_sc *rq_next, *rq_prev; /* in the ready queue of its priority */
    struct obj_sc *bound_next;        /* next SC bound to the same EC */
    u32 queued;                       /* in the ready queue */
    u32 bound;                        /* on ec->scs */
};
_Static_assert(sizeof(struct obj_sc) <= OBJ_BLOCK_SIZE, "an SC is one block");

struct obj_pt {
    struct obj_header hdr;
    struct obj_ec *ec; /* handler EC (holds a kernel reference) */
    u64 badge;
    u64 mtd;
};
_Static_assert(sizeof(struct obj_pt) <= OBJ_BLOCK_SIZE, "a PT is one block");

struct obj_sm {
    struct obj_header hdr;
    u64 count;
    struct obj_ec *wait_head, *wait_tail; /* ECs in a down, FIFO (kernel/sched) */
};
_Static_assert(sizeof(struct obj_sm) <= OBJ_BLOCK_SIZE, "an SM is one block");

#endif
