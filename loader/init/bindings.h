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
};

struct server_desc {
    char name[VIREO_SERVER_NAME_LEN];
    const char *module;
    u32 priority, budget_us, quota, memory_kib, shared_kib, max_restarts;
    enum restart_policy restart;
    bool provides_portal, own_pd;
    u32 call_count, peer_count;
    u32 calls[VIREO_SERVER_MAX_CALLS]; /* indices into system_desc.servers */
    u32 peers[VIREO_SERVER_MAX_PEERS];
    struct expectation expect;
    u64 arg;
};

struct system_desc {
    u32 count;
    struct server_desc servers[INIT_MAX_SERVERS];
};

/* Reads /servers (absent: no servers). On a bad description returns false
 * with why = "/servers/NAME: property 'P' ..." naming node and property. */
bool bindings_parse(const void *fdt, struct system_desc *out, char *why, size_t why_size);

/* Parses an `expect` string ("exit N", "fault", "fault at ADDR",
 * "fault then exit N", "fault at ADDR then exit N"). */
bool expectation_parse(const char *text, struct expectation *out);

#endif
