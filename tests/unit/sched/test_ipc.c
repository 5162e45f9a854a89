/* The scheduler and IPC state machine (kernel/sched) over the real object
 * layer: priority selection, budgets and round robin, donation along call
 * chains, handler queues, deaths, semaphores with timeouts, faults. */
#include <string.h>

#include <vireo/ipc.h>
#include <vireo/syscall.h>

#include "check.h"
#include "fake_platform.h"
#include "mmu_model.h"
#include "obj.h"
#include "sched/ipc.h"
#include "sched/sched.h"

#define POOL_BLOCKS 200
static _Alignas(64) u8 mem[POOL_BLOCKS * (OBJ_BLOCK_SIZE + 1) + 64];
static struct obj_kernel k;
static struct mmu_model mmu;
static struct obj_mmu_ops ops;
static const struct obj_frame_range user[] = {{0x100, 8}};

static void setup(void)
{
    ops = mmu_model_ops;
    ops.object_dying = fake_object_dying;
    mmu_model_init(&mmu, user, 1);
    CHECK_EQ_U64(obj_kernel_init(&k, mem, sizeof(mem), &ops, &mmu, user, 1), VIREO_OK);
    sched_reset();
    memset(fake_utcb, 0, sizeof(fake_utcb));
    fake_now = 0;
    fake_unhandled = 0;
}

static struct obj_header *create(u64 nr, u64 a0, u64 a1, u64 a2, u64 a3, u64 a4, u32 type)
{
    const u64 args[6] = {a0, a1, a2, a3, a4, 0};
    u64 rdx;
    CHECK_EQ_U64(obj_syscall(&k, k.init_pd, nr, args, &rdx), VIREO_OK);
    struct obj_node *node;
    CHECK_EQ_U64(obj_lookup(k.init_pd, a0, type, 0, &node), VIREO_OK);
    return node->u.obj;
}

/* A thread at selector sel with its UTCB at fake page utcb. */
static struct obj_ec *mk_ec(u64 sel, u64 utcb)
{
    struct obj_ec *ec = (struct obj_ec *)create(VIREO_SYS_CREATE_EC, sel, VIREO_INIT_SEL_PD, utcb,
                                                0x1000, 0x2000, VIREO_CAP_EC);
    ipc_ec_created(ec);
    return ec;
}

static struct obj_sc *mk_sc(u64 sel, u64 ec_sel, u64 prio, u64 budget)
{
    struct obj_sc *sc = (struct obj_sc *)create(VIREO_SYS_CREATE_SC, sel, VIREO_INIT_SEL_PD, ec_sel,
                                                prio, budget, VIREO_CAP_SC);
    sched_bind(sc);
    return sc;
}

static void mk_pt(u64 sel, u64 ec_sel, u64 badge)
{
    create(VIREO_SYS_CREATE_PT, sel, VIREO_INIT_SEL_PD, ec_sel, badge, 0, VIREO_CAP_PT);
}

static void revoke(u64 sel)
{
    const u64 args[6] = {vireo_crd(VIREO_CRD_OBJ, 0, sel), VIREO_REVOKE_SELF, 0, 0, 0, 0};
    u64 rdx;
    CHECK_EQ_U64(obj_syscall(&k, k.init_pd, VIREO_SYS_REVOKE, args, &rdx), VIREO_OK);
}

/* The EC the CPU would run now. */
static struct obj_ec *running(void)
{
    struct obj_sc *sc = sched_pick();
    return sc ? sched_chain_end(sc->ec) : NULL;
}

static void test_priority_and_round_robin(void)
{
    setup();
    struct obj_ec *a = mk_ec(10, 1), *b = mk_ec(11, 2), *c = mk_ec(12, 3);
    struct obj_sc *sa = mk_sc(20, 10, 10, 1000);
    mk_sc(21, 11, 10, 1000);
    CHECK(running() == a);
    mk_sc(22, 12, 20, 500);
    CHECK(running() == c); /* higher priority preempts */
    create(VIREO_SYS_CREATE_SM, 30, VIREO_INIT_SEL_PD, 0, 0, 0, VIREO_CAP_SM);
    ipc_sm_ctrl(c, 30, VIREO_SM_OP_DOWN, VIREO_TIMEOUT_NEVER);
    CHECK_EQ_U64(c->state, OBJ_EC_BLOCKED);
    CHECK(running() == a);
    /* a uses part of its budget: still a; all of it: b's turn */
    fake_now = 600;
    sched_charge(fake_now);
    CHECK(running() == a);
    CHECK_EQ_U64(sa->left_us, 400);
    fake_now = 1000;
    sched_charge(fake_now);
    CHECK_EQ_U64(sa->left_us, 1000); /* refilled */
    CHECK(running() == b);
    /* an up wakes c, which preempts b */
    ipc_sm_ctrl(b, 30, VIREO_SM_OP_UP, 0);
    CHECK_EQ_U64(fake_status(b), VIREO_OK);
    CHECK_EQ_U64(fake_status(c), VIREO_OK);
    CHECK(running() == c);
    /* killing c's SC leaves c without time */
    revoke(22);
    CHECK(running() == b);
}

static void test_call_donates_and_replies(void)
{
    setup();
    struct obj_ec *client = mk_ec(10, 1), *server = mk_ec(11, 2);
    mk_sc(20, 10, 10, 1000);
    struct obj_sc *ssc = mk_sc(21, 11, 50, 1000);
    mk_pt(30, 11, 0xbad6e);
    CHECK(running() == server);
    ipc_reply_wait(server, 0); /* nothing to reply to: waits */
    CHECK_EQ_U64(server->wait, OBJ_WAIT_RECV);
    CHECK(!ssc->queued);
    CHECK(running() == client);

    fake_utcb[1].msg[0] = 41;
    fake_utcb[1].msg[1] = 42;
    ipc_call(client, 30, 2);
    CHECK_EQ_U64(client->wait, OBJ_WAIT_REPLY);
    CHECK(running() == server); /* on the client's SC */
    CHECK(sched.running->ec == client);
    CHECK(!ssc->queued); /* its own SC does not run while it serves */
    CHECK_EQ_U64(fake_status(server), VIREO_OK);
    CHECK_EQ_U64(fake_rdx(server), 0xbad6e);
    CHECK_EQ_U64(fake_utcb[2].head.msg_words, 2);
    CHECK_EQ_U64(fake_utcb[2].head.badge, 0xbad6e);
    CHECK_EQ_U64(fake_utcb[2].msg[1], 42);

    fake_utcb[2].msg[0] = 7;
    ipc_reply_wait(server, 1);
    CHECK_EQ_U64(fake_status(client), VIREO_OK);
    CHECK_EQ_U64(fake_rdx(client), 1);
    CHECK_EQ_U64(fake_utcb[1].head.msg_words, 1);
    CHECK_EQ_U64(fake_utcb[1].msg[0], 7);
    CHECK_EQ_U64(server->wait, OBJ_WAIT_RECV);
    CHECK(running() == client);

    /* bad arguments */
    ipc_call(client, 31, 0);
    CHECK_EQ_U64(fake_status(client), VIREO_E_BAD_CAP);
    ipc_call(client, 30, VIREO_MSG_WORDS + 1);
    CHECK_EQ_U64(fake_status(client), VIREO_E_INVALID_ARG);
    ipc_call(client, 10, 0); /* an EC, not a portal */
    CHECK_EQ_U64(fake_status(client), VIREO_E_BAD_CAP);
}

static void test_chain_and_cycle(void)
{
    setup();
    struct obj_ec *a = mk_ec(10, 1), *b = mk_ec(11, 2), *c = mk_ec(12, 3);
    mk_sc(20, 10, 10, 1000);
    mk_pt(30, 11, 1);
    mk_pt(31, 12, 2);
    mk_pt(32, 10, 3);
    /* b and c have no SC: they start on their first caller's time */
    ipc_call(a, 30, 0);
    CHECK(running() == b);
    ipc_call(b, 31, 0);
    CHECK(running() == c);
    CHECK(sched_chain_root(c) == a);
    /* c calling a or b (waiting for c) would never end */
    ipc_call(c, 32, 0);
    CHECK_EQ_U64(fake_status(c), VIREO_E_BUSY);
    ipc_call(c, 30, 0);
    CHECK_EQ_U64(fake_status(c), VIREO_E_BUSY);
    ipc_reply_wait(c, 0);
    CHECK(running() == b);
    ipc_reply_wait(b, 0);
    CHECK(running() == a);
    CHECK_EQ_U64(fake_status(a), VIREO_OK);
}

static void test_busy_handler_queues_fifo(void)
{
    setup();
    struct obj_ec *c1 = mk_ec(10, 1), *c2 = mk_ec(11, 2), *s = mk_ec(12, 3);
    mk_sc(20, 10, 10, 1000);
    mk_sc(21, 11, 10, 1000);
    mk_sc(22, 12, 5, 1000);
    mk_pt(30, 12, 100);
    mk_pt(31, 12, 200);
    /* s is running its own code, not receiving: callers queue */
    ipc_call(c1, 30, 0);
    ipc_call(c2, 31, 0);
    CHECK_EQ_U64(c1->wait, OBJ_WAIT_QUEUED);
    CHECK(running() == s);
    ipc_reply_wait(s, 0);
    CHECK_EQ_U64(fake_rdx(s), 100); /* the first caller first */
    CHECK(running() == s);
    CHECK(sched.running->ec == c1);
    ipc_reply_wait(s, 0);
    CHECK_EQ_U64(fake_status(c1), VIREO_OK);
    CHECK_EQ_U64(fake_rdx(s), 200);
    CHECK(sched.running->ec == c1 || sched.running->ec == c2);
    ipc_reply_wait(s, 0);
    CHECK_EQ_U64(fake_status(c2), VIREO_OK);
    CHECK_EQ_U64(s->wait, OBJ_WAIT_RECV);
}

static void test_handler_death_aborts_callers(void)
{
    setup();
    struct obj_ec *c1 = mk_ec(10, 1), *c2 = mk_ec(11, 2), *s = mk_ec(12, 3);
    mk_sc(20, 10, 10, 1000);
    mk_sc(21, 11, 10, 1000);
    mk_pt(30, 12, 1);
    ipc_call(c1, 30, 0); /* s starts on c1's time */
    CHECK(running() == s);
    ipc_call(c2, 30, 0); /* queued */
    CHECK_EQ_U64(c2->wait, OBJ_WAIT_QUEUED);
    revoke(12); /* the EC; the portal keeps it a zombie */
    CHECK_EQ_U64(fake_status(c1), VIREO_E_ABORTED);
    CHECK_EQ_U64(fake_status(c2), VIREO_E_ABORTED);
    CHECK_EQ_U64(c1->state, OBJ_EC_READY);
    CHECK_EQ_U64(c2->state, OBJ_EC_READY);
    ipc_call(c1, 30, 0); /* a dead handler */
    CHECK_EQ_U64(fake_status(c1), VIREO_E_ABORTED);
    revoke(30);
}

static void test_caller_death_orphans_reply(void)
{
    setup();
    struct obj_ec *c = mk_ec(10, 1), *s = mk_ec(11, 2);
    mk_sc(20, 10, 10, 1000);
    struct obj_sc *ssc = mk_sc(21, 11, 5, 1000);
    mk_pt(30, 11, 1);
    ipc_reply_wait(s, 0);
    ipc_call(c, 30, 0);
    CHECK(running() == s);
    revoke(20); /* the caller's SC: s has no time left to run on */
    CHECK(running() == NULL);
    revoke(10); /* the caller */
    CHECK(s->caller == NULL);
    CHECK(ssc->queued); /* s finishes on its own SC */
    CHECK(running() == s);
    ipc_reply_wait(s, 0); /* the reply goes nowhere */
    CHECK_EQ_U64(s->wait, OBJ_WAIT_RECV);
    CHECK(running() == NULL);
}

static void test_semaphore_timeouts(void)
{
    setup();
    struct obj_ec *a = mk_ec(10, 1), *b = mk_ec(11, 2);
    mk_sc(20, 10, 10, 1000);
    mk_sc(21, 11, 10, 1000);
    create(VIREO_SYS_CREATE_SM, 30, VIREO_INIT_SEL_PD, 1, 0, 0, VIREO_CAP_SM);
    ipc_sm_ctrl(a, 30, VIREO_SM_OP_DOWN, VIREO_TIMEOUT_POLL);
    CHECK_EQ_U64(fake_status(a), VIREO_OK);
    ipc_sm_ctrl(a, 30, VIREO_SM_OP_DOWN, VIREO_TIMEOUT_POLL);
    CHECK_EQ_U64(fake_status(a), VIREO_E_TIMEOUT);
    fake_now = 100;
    ipc_sm_ctrl(a, 30, VIREO_SM_OP_DOWN, 50);
    ipc_sm_ctrl(b, 30, VIREO_SM_OP_DOWN, 10);
    CHECK(running() == NULL);
    ipc_expire(109);
    CHECK_EQ_U64(b->state, OBJ_EC_BLOCKED);
    ipc_expire(110);
    CHECK_EQ_U64(fake_status(b), VIREO_E_TIMEOUT);
    CHECK(running() == b);
    ipc_sm_ctrl(b, 30, VIREO_SM_OP_UP, 0); /* straight to a */
    CHECK_EQ_U64(fake_status(a), VIREO_OK);
    CHECK(sched.timeouts.head == NULL);
    ipc_sm_ctrl(a, 30, VIREO_SM_OP_DOWN, VIREO_TIMEOUT_NEVER);
    revoke(30);
    CHECK_EQ_U64(fake_status(a), VIREO_E_ABORTED);
    /* argument checks in the object layer's order */
    ipc_sm_ctrl(a, 10, VIREO_SM_OP_UP, 0);
    CHECK_EQ_U64(fake_status(a), VIREO_E_BAD_CAP);
    create(VIREO_SYS_CREATE_SM, 31, VIREO_INIT_SEL_PD, 0, 0, 0, VIREO_CAP_SM);
    ipc_sm_ctrl(a, 31, 7, 0);
    CHECK_EQ_U64(fake_status(a), VIREO_E_INVALID_ARG);
}

static void test_faults(void)
{
    setup();
    struct obj_ec *e = mk_ec(10, 1), *sup = mk_ec(11, 2);
    mk_sc(20, 10, 10, 1000);
    mk_sc(21, 11, 50, 1000);
    /* no fault portal: stopped for good */
    ipc_fault(e, VIREO_FAULT_EXCEPTION, 14, 4, 0xdead0000);
    CHECK_EQ_U64(fake_unhandled, 1);
    CHECK_EQ_U64(e->state, OBJ_EC_STOPPED);
    CHECK(running() == sup);

    struct obj_ec *f = mk_ec(12, 3);
    mk_sc(22, 12, 10, 1000);
    mk_pt(VIREO_SEL_FAULT_PT, 11, 77);
    ipc_reply_wait(sup, 0);
    CHECK(running() == f);
    ipc_fault(f, VIREO_FAULT_EXCEPTION, 14, 4, 0xdead0000);
    CHECK(running() == sup);
    CHECK_EQ_U64(fake_rdx(sup), 77);
    CHECK_EQ_U64(fake_utcb[2].head.msg_words, VIREO_FAULT_MSG_WORDS);
    CHECK_EQ_U64(fake_utcb[2].msg[0], VIREO_FAULT_EXCEPTION);
    CHECK_EQ_U64(fake_utcb[2].msg[3], 0xdead0000);
    fake_utcb[2].msg[0] = VIREO_FAULT_RESUME;
    ipc_reply_wait(sup, 1);
    CHECK_EQ_U64(f->state, OBJ_EC_READY);
    CHECK(running() == f);

    /* recall: delivered before it next returns to user mode */
    ipc_ec_recall(sup, 12);
    CHECK(!ipc_before_resume(f));
    CHECK_EQ_U64(fake_utcb[2].msg[0], VIREO_FAULT_RECALL);
    fake_utcb[2].msg[0] = VIREO_FAULT_STOP;
    ipc_reply_wait(sup, 1);
    CHECK_EQ_U64(f->state, OBJ_EC_STOPPED);

    /* exit never resumes */
    struct obj_ec *g = mk_ec(13, 4);
    mk_sc(23, 13, 10, 1000);
    ipc_fault(g, VIREO_FAULT_EXIT, 0, 3, 0);
    CHECK_EQ_U64(fake_utcb[2].msg[2], 3);
    fake_utcb[2].msg[0] = VIREO_FAULT_RESUME;
    ipc_reply_wait(sup, 1);
    CHECK_EQ_U64(g->state, OBJ_EC_STOPPED);

    /* the handler dies during a fault call: the faulting EC stops */
    struct obj_ec *h = mk_ec(14, 5);
    mk_sc(24, 14, 10, 1000);
    ipc_fault(h, VIREO_FAULT_EXCEPTION, 13, 0, 0);
    unsigned before = fake_unhandled;
    revoke(11);
    CHECK_EQ_U64(h->state, OBJ_EC_STOPPED);
    CHECK_EQ_U64(fake_unhandled, before + 1);
}

static void test_pd_death_stops_its_ecs(void)
{
    setup();
    const u64 args[6] = {40, VIREO_INIT_SEL_PD, 8, 0, 0, 0};
    u64 rdx;
    CHECK_EQ_U64(obj_syscall(&k, k.init_pd, VIREO_SYS_CREATE_PD, args, &rdx), VIREO_OK);
    struct obj_ec *e =
        (struct obj_ec *)create(VIREO_SYS_CREATE_EC, 10, 40, 1, 0x1000, 0x2000, VIREO_CAP_EC);
    ipc_ec_created(e);
    mk_sc(20, 10, 10, 1000);
    CHECK(running() == e);
    revoke(40);
    CHECK_EQ_U64(e->state, OBJ_EC_STOPPED);
    CHECK(running() == NULL);
    revoke(20);
    revoke(10);
    CHECK_EQ_U64(k.init_pd->quota_used, k.init_quota_start);
}

int main(void)
{
    test_priority_and_round_robin();
    test_call_donates_and_replies();
    test_chain_and_cycle();
    test_busy_handler_queues_fifo();
    test_handler_death_aborts_callers();
    test_caller_death_orphans_reply();
    test_semaphore_timeouts();
    test_faults();
    test_pd_death_stops_its_ecs();
    return check_report("sched_ipc");
}
