/* The scheduling tests (tests/system/configs/sched.dts): what the ticker,
 * the spinners, the donee and the donor share.
 *
 * The ticker (the highest priority of them) owns a page of shared memory
 * and, before it first blocks, maps it into every other test server at
 * SCHED_SHARED_ADDR and gives each a semaphore of its own at SCHED_SEL_GO
 * (DOWN only). Every other server is of lower priority, so it can only run
 * after that; each checks so (SCHED_SEL_GO holds an SM) before it touches
 * the page. A server uses the slot of its own id (its info page). */
#ifndef SERVERS_TEST_SCHED_PROTOCOL_H
#define SERVERS_TEST_SCHED_PROTOCOL_H

#include <vireo/cap.h>
#include <vireo/server_info.h>
#include <vireo/sys.h>
#include <vireo/types.h>
#include <vireo/user.h>

#define SCHED_SHARED_ADDR 0x0000003000000000ull
#define SCHED_SEL_GO      100u
#define SCHED_MAGIC       0x7363686564736870ull /* "phsdehcs" */
#define SCHED_SLOTS       17u                   /* by server id: 1..16 */

/* One server's words. count: its progress (loop iterations), written only
 * by it; ready: it reached the point where it waits; budget_us: its SC's
 * budget as its `arg` says (the DTS keeps the two equal); stop: set by the
 * ticker, ends its spinning; done: it stopped spinning and is about to
 * exit. */
struct sched_slot {
    u64 count, ready, stop, done, budget_us, reserved[3];
};

struct sched_shared {
    u64 magic;
    u64 reserved[7];
    struct sched_slot slot[SCHED_SLOTS];
};
_Static_assert(sizeof(struct sched_shared) <= 4096, "the shared state fits a page");

/* donee's portal: DONEE_OP_SPIN spins (on the caller's time) until the
 * ticker sets the donee's stop, counting in its slot, and replies msg[0] =
 * the iterations; DONEE_OP_QUIT makes it exit without replying (the call
 * ends with VIREO_E_ABORTED). */
enum { DONEE_OP_SPIN = 1, DONEE_OP_QUIT = 2 };

static inline u64 sched_rdtsc(void)
{
    u32 lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((u64)hi << 32) | lo;
}

/* A peer's start: checks that it runs after the ticker's set-up (its go
 * semaphore exists, the shared page carries the ticker's marker), records
 * its `arg` (its budget) and says it is ready. Returns its slot. */
static inline volatile struct sched_slot *sched_peer_join(const struct vireo_server_info *info)
{
    u64 go = 0;
    if (sys_lookup(SCHED_SEL_GO, &go) != VIREO_OK || vireo_capinfo_type(go) != VIREO_CAP_SM)
        user_fatal("FAIL: running before the ticker set up (no go semaphore)\n");
    volatile struct sched_shared *sh = (volatile struct sched_shared *)SCHED_SHARED_ADDR;
    if (sh->magic != SCHED_MAGIC || info->id >= SCHED_SLOTS)
        user_fatal("FAIL: the shared page is not the ticker's\n");
    volatile struct sched_slot *me = &sh->slot[info->id];
    me->budget_us = info->arg;
    me->ready = 1;
    return me;
}

/* Blocks until the ticker releases this peer. */
static inline void sched_peer_wait_go(void)
{
    enum vireo_status s = sys_sm_ctrl(SCHED_SEL_GO, VIREO_SM_OP_DOWN, VIREO_TIMEOUT_NEVER);
    if (s != VIREO_OK)
        user_fatal("FAIL: waiting for go: %s\n", vireo_status_name(s));
}

#endif
