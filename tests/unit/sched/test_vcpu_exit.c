/* VM exits through the IPC state machine (kernel/sched) over the real object
 * layer, with fakes of the platform hooks (kernel/sched/hooks.h) that model
 * kernel/rt: an exit is a kernel-made call (RT_KIND_VMEXIT) to the portal
 * at the vCPU's exit base + class in its VM PD, and the reply is vcpu_reply
 * (0 words stop the vCPU, anything else resumes it).
 *
 * DESIGN invariant 5: a VM exit is delivered to exactly one handler and the
 * vCPU does not run again until that handler replies (or the vCPU is
 * destroyed). */
#include <string.h>

#include <vireo/ipc.h>
#include <vireo/syscall.h>
#include <vireo/utcb.h>
#include <vireo/vmexit.h>

#include "check.h"
#include "mmu_model.h"
#include "obj.h"
#include "sched/hooks.h"
#include "sched/ipc.h"
#include "sched/sched.h"

#include "fake_platform.h"

/* ---- the object layer ---- */

#define POOL_BLOCKS 400
static _Alignas(64) u8 mem[POOL_BLOCKS * (OBJ_BLOCK_SIZE + 1) + 64];
static struct obj_kernel k;
static struct mmu_model mmu;
static struct obj_mmu_ops ops;
static const struct obj_frame_range user[] = {{0x100, 8}};
static u64 pool_free_start;

/* Selectors in init's space. */
#define SEL_VM     40u  /* the VM PD */
#define SEL_HPD    41u  /* the handler's PD */
#define SEL_VCPU   10u  /* the vCPU (more vCPUs at 15..) */
#define SEL_H      11u  /* the handler thread */
#define SEL_T      12u  /* other threads: 12, 13, 14 */
#define SEL_VSC    20u  /* the vCPU's SC */
#define SEL_HSC    21u  /* the handler's SC */
#define SEL_TSC    22u  /* the other threads' SCs: 22, 23, 24 */
#define SEL_PT     100u /* init's exit portals: SEL_PT + class */
#define SEL_TPT    160u /* a thread portal to the handler */
#define SEL_VCPUPT 161u /* a portal bound to a vCPU */
/* In the VM PD: its vCPUs' exit-portal base. */
#define EXIT_BASE 0x200u
/* In the handler's PD: the vCPU with RECALL. */
#define HPD_SEL_VCPU 5u

#define BADGE(cls) (0xb0000ull + (cls))
#define MTD(cls)   (vireo_exit_default_mtd(cls) ^ VIREO_MTD(DR0_3)) /* not the default */

static void setup(void)
{
    ops = mmu_model_ops;
    ops.object_dying = fake_object_dying;
    ops.vcpu_create = fake_vcpu_create;
    ops.vcpu_destroy = fake_vcpu_destroy;
    mmu_model_init(&mmu, user, 1);
    CHECK_EQ_U64(obj_kernel_init(&k, mem, sizeof(mem), &ops, &mmu, user, 1), VIREO_OK);
    pool_free_start = k.pool.free_count;
    sched_reset();
    memset(fake_utcb, 0, sizeof(fake_utcb));
    memset(fake_vcpus, 0, sizeof(fake_vcpus));
    fake_vcpus_created = fake_vcpus_destroyed = 0;
    fake_now = 0;
    fake_unhandled = 0;
    fake_unhandled_ec = NULL;
    fake_unhandled_why = NULL;
    fake_vcpu_results = fake_vcpu_xfers = 0;
}

static enum vireo_status sys(u64 nr, u64 a0, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5)
{
    const u64 args[6] = {a0, a1, a2, a3, a4, a5};
    u64 rdx;
    return obj_syscall(&k, k.init_pd, nr, args, &rdx);
}

static struct obj_header *object_at(u64 sel, u32 type)
{
    struct obj_node *node;
    CHECK_EQ_U64(obj_lookup(k.init_pd, sel, type, 0, &node), VIREO_OK);
    return node->u.obj;
}

static struct obj_pd *mk_pd(u64 sel, u64 quota, u64 flags)
{
    CHECK_EQ_U64(sys(VIREO_SYS_CREATE_PD, sel, VIREO_INIT_SEL_PD, quota, flags, 0, 0), VIREO_OK);
    return (struct obj_pd *)object_at(sel, VIREO_CAP_PD);
}

/* A thread of PD pd_sel with its UTCB at fake page utcb_page (0: unmapped). */
static struct obj_ec *mk_thread(u64 sel, u64 pd_sel, u64 utcb_page)
{
    CHECK_EQ_U64(sys(VIREO_SYS_CREATE_EC, sel, pd_sel, utcb_page, 0x1000, 0x2000, 0), VIREO_OK);
    struct obj_ec *ec = (struct obj_ec *)object_at(sel, VIREO_CAP_EC);
    ipc_ec_created(ec);
    return ec;
}

/* A vCPU of VM PD pd_sel: utcb_page is its exit-portal base, ip = sp = 0. */
static struct obj_ec *mk_vcpu(u64 sel, u64 pd_sel, u64 base)
{
    CHECK_EQ_U64(sys(VIREO_SYS_CREATE_EC, sel, pd_sel, base, 0, 0, VIREO_EC_VCPU), VIREO_OK);
    struct obj_ec *ec = (struct obj_ec *)object_at(sel, VIREO_CAP_EC);
    ipc_ec_created(ec);
    CHECK(ec->flags & VIREO_EC_VCPU);
    CHECK(fake_vcpu_of(ec) && fake_vcpu_of(ec)->live);
    return ec;
}

static struct obj_sc *mk_sc(u64 sel, u64 ec_sel, u64 prio, u64 budget)
{
    CHECK_EQ_U64(sys(VIREO_SYS_CREATE_SC, sel, VIREO_INIT_SEL_PD, ec_sel, prio, budget, 0),
                 VIREO_OK);
    struct obj_sc *sc = (struct obj_sc *)object_at(sel, VIREO_CAP_SC);
    sched_bind(sc);
    return sc;
}

static void mk_pt(u64 sel, u64 ec_sel, u64 badge, u64 mtd)
{
    CHECK_EQ_U64(sys(VIREO_SYS_CREATE_PT, sel, VIREO_INIT_SEL_PD, ec_sel, badge, mtd, 0), VIREO_OK);
}

static void delegate(u64 dst_pd_sel, u64 src_sel, u32 rights, u64 dst_sel)
{
    CHECK_EQ_U64(sys(VIREO_SYS_DELEGATE, dst_pd_sel, vireo_crd(VIREO_CRD_OBJ, rights, src_sel), 0,
                     0, dst_sel, 0),
                 VIREO_OK);
}

static enum vireo_status revoke(u64 sel)
{
    return sys(VIREO_SYS_REVOKE, vireo_crd(VIREO_CRD_OBJ, 0, sel), VIREO_REVOKE_SELF, 0, 0, 0, 0);
}

/* The exit portal of class cls, bound to the EC at ec_sel, at base + cls of
 * the VM PD, delegated with no rights (the kernel uses it for where it sits;
 * the guest's PD cannot call it). */
static void exit_portal(u64 ec_sel, u32 cls)
{
    mk_pt(SEL_PT + cls, ec_sel, BADGE(cls), MTD(cls));
    delegate(SEL_VM, SEL_PT + cls, 0, EXIT_BASE + cls);
}

/* kernel/rt/vcpu.c's deliver(): the vCPU exits with class cls. */
static void vexit(struct obj_ec *vcpu, u32 cls)
{
    vcpu->state = OBJ_EC_READY; /* rt_exit() sets it before running a vCPU */
    fake_vcpu_of(vcpu)->exit_class = cls;
    ipc_vcpu_exit(vcpu, vcpu->utcb_page + cls);
}

/* The EC the CPU would run now. */
static struct obj_ec *running(void)
{
    struct obj_sc *sc = sched_pick();
    return sc ? sched_chain_end(sc->ec) : NULL;
}

/* Is any SC whose chain ends in ec queued (could sched_pick reach it)? */
static bool reachable(const struct obj_ec *ec)
{
    for (unsigned p = 0; p <= VIREO_PRIO_MAX; p++) {
        for (struct obj_sc *sc = sched.rq.head[p]; sc; sc = sc->rq_next) {
            if (sched_chain_end(sc->ec) == ec)
                return true;
        }
    }
    return false;
}

/* The exit message the handler's UTCB holds. */
static const struct vireo_vcpu_state *msg_of(const struct obj_ec *h)
{
    return (const struct vireo_vcpu_state *)fake_utcb_of(h)->msg;
}

/* Checks the handler h has just received vcpu's exit of class cls. */
static void check_delivered(struct obj_ec *vcpu, struct obj_ec *h, u32 cls)
{
    CHECK_EQ_U64(vcpu->state, OBJ_EC_BLOCKED);
    CHECK_EQ_U64(vcpu->wait, OBJ_WAIT_REPLY);
    CHECK(vcpu->callee == h);
    CHECK(h->caller == vcpu);
    CHECK(vcpu->handler == NULL);
    CHECK_EQ_U64(vcpu->exit_mtd, MTD(cls));
    CHECK_EQ_U64(h->state, OBJ_EC_READY);
    CHECK_EQ_U64(fake_status(h), VIREO_OK);
    CHECK_EQ_U64(fake_rdx(h), BADGE(cls)); /* reply_wait returns the portal's badge */
    CHECK_EQ_U64(fake_utcb_of(h)->head.badge, BADGE(cls));
    CHECK_EQ_U64(fake_utcb_of(h)->head.msg_words, VIREO_VCPU_STATE_WORDS);
    const struct vireo_vcpu_state *s = msg_of(h);
    CHECK_EQ_U64(s->mtd, MTD(cls));
    CHECK_EQ_U64(s->exit_class, cls);
    CHECK_EQ_U64(s->raw_reason, FAKE_EXIT_MAGIC + (u64)(fake_vcpu_of(vcpu) - fake_vcpus));
    CHECK(!sched_ec_runnable(vcpu));
    CHECK(!reachable(vcpu));
}

/* The handler replies with `words` words, msg[0] = mtd. */
static void reply(struct obj_ec *h, u64 words, u64 mtd)
{
    memset(fake_utcb_of(h)->msg, 0, VIREO_VCPU_STATE_WORDS * 8);
    fake_utcb_of(h)->msg[0] = mtd;
    ipc_reply_wait(h, words);
}

/* Revokes everything these tests create and checks that every block of the
 * pool and of init's quota came back, every vCPU's state was freed, nothing
 * is queued and the MMU model saw nothing wrong. */
static void finish(void)
{
    static const u64 sels[] = {SEL_VSC, SEL_HSC,    SEL_TSC,   SEL_TSC + 1, SEL_TSC + 2,
                               SEL_TPT, SEL_VCPUPT, SEL_VM,    SEL_HPD,     SEL_VCPU,
                               SEL_H,   SEL_T,      SEL_T + 1, SEL_T + 2,   15,
                               16,      17,         18,        19,          30};
    for (unsigned i = 0; i < sizeof(sels) / sizeof(sels[0]); i++)
        (void)revoke(sels[i]);
    for (u32 cls = 0; cls < VIREO_EXIT_CLASS_COUNT; cls++)
        (void)revoke(SEL_PT + cls);
    CHECK_EQ_U64(k.init_pd->quota_used, k.init_quota_start);
    CHECK_EQ_U64(k.pool.free_count, pool_free_start);
    CHECK_EQ_U64(fake_vcpus_created, fake_vcpus_destroyed);
    CHECK_EQ_U64(fake_vcpu_bad_destroys, 0);
    for (unsigned i = 0; i < FAKE_VCPUS; i++)
        CHECK(!fake_vcpus[i].live);
    CHECK(sched_pick() == NULL);
    CHECK(sched.timeouts.head == NULL);
    CHECK(k.pending == NULL);
    CHECK_EQ_U64(mmu.state.violations, 0);
    CHECK_EQ_U64(fake_vcpu_xfers, 0);
}

/* The VM PD with one vCPU and its SC, the handler's PD with the handler
 * thread (its UTCB at fake page 2). */
struct world {
    struct obj_pd *vm, *hpd;
    struct obj_ec *vcpu, *h;
    struct obj_sc *vsc;
};

static struct world mk_world(void)
{
    struct world w;
    w.vm = mk_pd(SEL_VM, 64, VIREO_PD_VM);
    w.hpd = mk_pd(SEL_HPD, 16, 0);
    CHECK(w.vm->flags & VIREO_PD_VM);
    w.vcpu = mk_vcpu(SEL_VCPU, SEL_VM, EXIT_BASE);
    CHECK_EQ_U64(w.vcpu->utcb_page, EXIT_BASE);
    CHECK_EQ_U64(w.vcpu->ip, 0);
    CHECK_EQ_U64(w.vcpu->sp, 0);
    w.h = mk_thread(SEL_H, SEL_HPD, 2);
    CHECK(w.h->pd == w.hpd);
    w.vsc = mk_sc(SEL_VSC, SEL_VCPU, 10, 1000);
    return w;
}

/* ---- the tests ---- */

static void test_create_checks(void)
{
    setup();
    mk_pd(SEL_VM, 64, VIREO_PD_VM);
    mk_pd(SEL_HPD, 16, 0);
    /* vCPUs exactly in VM PDs; ip = sp = 0; base + classes inside the space */
    CHECK_EQ_U64(sys(VIREO_SYS_CREATE_EC, SEL_VCPU, SEL_HPD, EXIT_BASE, 0, 0, VIREO_EC_VCPU),
                 VIREO_E_INVALID_ARG);
    CHECK_EQ_U64(sys(VIREO_SYS_CREATE_EC, SEL_VCPU, SEL_VM, 2, 0x1000, 0x2000, 0),
                 VIREO_E_INVALID_ARG);
    CHECK_EQ_U64(sys(VIREO_SYS_CREATE_EC, SEL_VCPU, SEL_VM, EXIT_BASE, 0x1000, 0, VIREO_EC_VCPU),
                 VIREO_E_INVALID_ARG);
    CHECK_EQ_U64(sys(VIREO_SYS_CREATE_EC, SEL_VCPU, SEL_VM, EXIT_BASE, 0, 0x2000, VIREO_EC_VCPU),
                 VIREO_E_INVALID_ARG);
    CHECK_EQ_U64(sys(VIREO_SYS_CREATE_EC, SEL_VCPU, SEL_VM,
                     VIREO_SEL_COUNT - VIREO_EXIT_CLASS_COUNT + 1, 0, 0, VIREO_EC_VCPU),
                 VIREO_E_INVALID_ARG);
    CHECK_EQ_U64(fake_vcpus_created, 0);
    struct obj_ec *v = mk_vcpu(SEL_VCPU, SEL_VM, VIREO_SEL_COUNT - VIREO_EXIT_CLASS_COUNT);
    CHECK_EQ_U64(v->state, OBJ_EC_CREATED);
    CHECK(sched_ec_runnable(v));
    /* an SC makes it runnable: its first run is the STARTUP exit */
    CHECK(running() == NULL);
    struct obj_sc *sc = mk_sc(SEL_VSC, SEL_VCPU, 10, 1000);
    CHECK(sc->queued);
    CHECK(running() == v);
    finish();
}

static void test_exit_to_waiting_handler(void)
{
    setup();
    struct world w = mk_world();
    struct obj_sc *hsc = mk_sc(SEL_HSC, SEL_H, 50, 1000);
    exit_portal(SEL_H, VIREO_EXIT_STARTUP);
    exit_portal(SEL_H, VIREO_EXIT_CPUID);
    exit_portal(SEL_H, VIREO_EXIT_HLT);
    /* another thread at the vCPU's priority, to rotate with */
    struct obj_ec *t = mk_thread(SEL_T, VIREO_INIT_SEL_PD, 3);
    struct obj_sc *tsc = mk_sc(SEL_TSC, SEL_T, 10, 1000);

    CHECK(running() == w.h);
    ipc_reply_wait(w.h, 0);
    CHECK_EQ_U64(w.h->wait, OBJ_WAIT_RECV);
    CHECK(!hsc->queued);
    CHECK(running() == w.vcpu);
    CHECK(sched_ec_runnable(w.vcpu));

    /* its first run: STARTUP */
    vexit(w.vcpu, VIREO_EXIT_STARTUP);
    check_delivered(w.vcpu, w.h, VIREO_EXIT_STARTUP);
    CHECK_EQ_U64(fake_vcpu_of(w.vcpu)->exits, 1);
    /* the vCPU's SC runs the handler, on the vCPU's time */
    CHECK(w.vsc->queued);
    CHECK(!hsc->queued);
    struct obj_sc *sc = sched_pick();
    CHECK(sc == w.vsc);
    CHECK(sc && sched_chain_end(sc->ec) == w.h);
    CHECK(sched_chain_root(w.h) == w.vcpu);
    fake_now = 300;
    sched_charge(fake_now);
    CHECK_EQ_U64(w.vsc->left_us, 700);
    CHECK_EQ_U64(hsc->left_us, 1000);
    /* whatever the scheduler does, nothing runs the vCPU before the reply */
    for (unsigned i = 0; i < 10; i++) {
        fake_now += 1000;
        sched_charge(fake_now); /* budgets run out: round robin with t */
        struct obj_ec *e = running();
        CHECK(e == w.h || e == t);
        CHECK(e != w.vcpu);
        CHECK(!reachable(w.vcpu));
    }
    CHECK(tsc->queued);
    /* the handler's own failing syscalls do not reply */
    ipc_reply_wait(w.h, VIREO_MSG_WORDS + 1);
    CHECK_EQ_U64(fake_status(w.h), VIREO_E_INVALID_ARG);
    CHECK_EQ_U64(w.vcpu->state, OBJ_EC_BLOCKED);
    CHECK(w.h->caller == w.vcpu);
    CHECK_EQ_U64(fake_vcpu_of(w.vcpu)->replies, 0);

    /* the reply: the vCPU runs again, the handler waits */
    reply(w.h, VIREO_VCPU_STATE_WORDS, VIREO_MTD(RIP_LEN));
    CHECK_EQ_U64(fake_vcpu_of(w.vcpu)->replies, 1);
    CHECK_EQ_U64(fake_vcpu_of(w.vcpu)->reply_words, VIREO_VCPU_STATE_WORDS);
    CHECK_EQ_U64(fake_vcpu_of(w.vcpu)->reply_mtd, VIREO_MTD(RIP_LEN));
    CHECK_EQ_U64(w.vcpu->state, OBJ_EC_READY);
    CHECK_EQ_U64(w.vcpu->fault_kind, 0);
    CHECK(w.vcpu->callee == NULL);
    CHECK(w.h->caller == NULL);
    CHECK_EQ_U64(w.h->wait, OBJ_WAIT_RECV);
    CHECK(sched_ec_runnable(w.vcpu));
    CHECK(reachable(w.vcpu));
    CHECK(!hsc->queued);

    /* a second exit goes through its own class's portal */
    revoke(SEL_TSC);
    CHECK(running() == w.vcpu);
    vexit(w.vcpu, VIREO_EXIT_CPUID);
    check_delivered(w.vcpu, w.h, VIREO_EXIT_CPUID);
    CHECK(running() == w.h);
    reply(w.h, 1, VIREO_MTD(GPR_ACDB));
    CHECK(running() == w.vcpu);
    vexit(w.vcpu, VIREO_EXIT_HLT);
    check_delivered(w.vcpu, w.h, VIREO_EXIT_HLT);
    reply(w.h, 1, 0);
    CHECK_EQ_U64(w.vcpu->state, OBJ_EC_READY);
    CHECK_EQ_U64(fake_vcpu_of(w.vcpu)->exits, 3);
    CHECK_EQ_U64(fake_vcpu_of(w.vcpu)->replies, 3);
    CHECK_EQ_U64(fake_unhandled, 0);
    CHECK_EQ_U64(fake_vcpu_results, 0);
    finish();
}

/* A handler that never ran and has no SC is started by the exit, on the
 * vCPU's time. */
static void test_exit_starts_handler(void)
{
    setup();
    struct world w = mk_world();
    exit_portal(SEL_H, VIREO_EXIT_STARTUP);
    CHECK_EQ_U64(w.h->state, OBJ_EC_CREATED);
    CHECK(running() == w.vcpu);
    vexit(w.vcpu, VIREO_EXIT_STARTUP);
    check_delivered(w.vcpu, w.h, VIREO_EXIT_STARTUP);
    CHECK(running() == w.h);
    CHECK(sched.running == w.vsc);
    reply(w.h, VIREO_VCPU_STATE_WORDS, VIREO_MTD_WRITABLE);
    CHECK_EQ_U64(w.vcpu->state, OBJ_EC_READY);
    CHECK_EQ_U64(w.h->wait, OBJ_WAIT_RECV);
    CHECK(running() == w.vcpu);
    CHECK_EQ_U64(fake_unhandled, 0);
    finish();
}

static void test_busy_handler_queues_fifo(void)
{
    setup();
    struct world w = mk_world();
    struct obj_sc *hsc = mk_sc(SEL_HSC, SEL_H, 5, 1000); /* runs its own code: busy */
    exit_portal(SEL_H, VIREO_EXIT_CPUID);
    mk_pt(SEL_TPT, SEL_H, 0x71, 0);
    struct obj_ec *t1 = mk_thread(SEL_T, VIREO_INIT_SEL_PD, 3);
    struct obj_ec *t2 = mk_thread(SEL_T + 1, VIREO_INIT_SEL_PD, 4);
    struct obj_ec *t3 = mk_thread(SEL_T + 2, VIREO_INIT_SEL_PD, 5);
    mk_sc(SEL_TSC, SEL_T, 10, 1000);
    mk_sc(SEL_TSC + 1, SEL_T + 1, 10, 1000);
    mk_sc(SEL_TSC + 2, SEL_T + 2, 10, 1000);

    ipc_call(t1, SEL_TPT, 0);
    ipc_call(t2, SEL_TPT, 0);
    vexit(w.vcpu, VIREO_EXIT_CPUID);
    ipc_call(t3, SEL_TPT, 0);
    /* queued, in order, nothing delivered yet */
    CHECK_EQ_U64(w.vcpu->state, OBJ_EC_BLOCKED);
    CHECK_EQ_U64(w.vcpu->wait, OBJ_WAIT_QUEUED);
    CHECK(w.vcpu->handler == w.h);
    CHECK(w.vcpu->callee == NULL);
    CHECK_EQ_U64(w.vcpu->exit_mtd, MTD(VIREO_EXIT_CPUID));
    CHECK(w.h->callers_head == t1);
    CHECK(t1->q_next == t2);
    CHECK(t2->q_next == w.vcpu);
    CHECK(w.vcpu->q_next == t3);
    CHECK(w.h->callers_tail == t3);
    CHECK_EQ_U64(fake_vcpu_of(w.vcpu)->exits, 0);
    CHECK(!sched_ec_runnable(w.vcpu));
    CHECK(!w.vsc->queued);
    CHECK(!reachable(w.vcpu));
    CHECK(running() == w.h);
    CHECK(sched.running == hsc);

    ipc_reply_wait(w.h, 0);
    CHECK(w.h->caller == t1);
    CHECK_EQ_U64(fake_rdx(w.h), 0x71);
    ipc_reply_wait(w.h, 0);
    CHECK_EQ_U64(fake_status(t1), VIREO_OK);
    CHECK(w.h->caller == t2);
    CHECK_EQ_U64(fake_vcpu_of(w.vcpu)->exits, 0);
    CHECK(!reachable(w.vcpu));
    ipc_reply_wait(w.h, 0);
    CHECK_EQ_U64(fake_status(t2), VIREO_OK);
    check_delivered(w.vcpu, w.h, VIREO_EXIT_CPUID);
    CHECK_EQ_U64(fake_vcpu_of(w.vcpu)->exits, 1);
    CHECK(w.h->callers_head == t3);
    CHECK(w.vsc->queued); /* the handler runs on the vCPU's time now */
    CHECK(sched_chain_end(w.vsc->ec) == w.h);
    CHECK(!hsc->queued);
    reply(w.h, 1, VIREO_MTD(GPR_ACDB));
    CHECK_EQ_U64(w.vcpu->state, OBJ_EC_READY);
    CHECK(w.h->caller == t3);
    CHECK(reachable(w.vcpu));
    ipc_reply_wait(w.h, 0);
    CHECK_EQ_U64(fake_status(t3), VIREO_OK);
    CHECK_EQ_U64(w.h->wait, OBJ_WAIT_RECV);
    CHECK(w.h->callers_head == NULL);
    /* delivered exactly once, replied exactly once */
    CHECK_EQ_U64(fake_vcpu_of(w.vcpu)->exits, 1);
    CHECK_EQ_U64(fake_vcpu_of(w.vcpu)->replies, 1);
    CHECK_EQ_U64(w.vcpu->state, OBJ_EC_READY);
    CHECK_EQ_U64(fake_unhandled, 0);
    CHECK_EQ_U64(fake_vcpu_results, 0);
    finish();
}

/* A snapshot of what an unusable exit portal must leave alone. */
struct snap {
    u32 h_state, h_wait, t_state;
    struct obj_ec *h_caller, *h_callers;
    bool h_sc, t_sc;
    u64 h_rdx;
};

static struct snap take(struct obj_ec *h, struct obj_sc *hsc, struct obj_ec *t, struct obj_sc *tsc)
{
    return (struct snap){h->state,        h->wait,     t->state,    h->caller,
                         h->callers_head, hsc->queued, tsc->queued, fake_rdx(h)};
}

static bool same(struct snap a, struct snap b)
{
    return a.h_state == b.h_state && a.h_wait == b.h_wait && a.t_state == b.t_state &&
           a.h_caller == b.h_caller && a.h_callers == b.h_callers && a.h_sc == b.h_sc &&
           a.t_sc == b.t_sc && a.h_rdx == b.h_rdx;
}

/* v exits with class cls and must be stopped for good, reported, nothing
 * else changed. */
static void check_stopped_for_good(struct obj_ec *v, u64 v_sel, u32 cls, struct obj_ec *h,
                                   struct obj_sc *hsc, struct obj_ec *t, struct obj_sc *tsc)
{
    struct snap before = take(h, hsc, t, tsc);
    unsigned reports = fake_unhandled;
    unsigned exits = fake_vcpu_of(v)->exits;
    CHECK(reachable(v));
    vexit(v, cls);
    CHECK_EQ_U64(v->state, OBJ_EC_STOPPED);
    CHECK_EQ_U64(fake_unhandled, reports + 1);
    CHECK(fake_unhandled_ec == v);
    CHECK(fake_unhandled_why && fake_unhandled_why[0]);
    CHECK_EQ_U64(fake_vcpu_of(v)->exits, exits);
    CHECK(v->callee == NULL && v->handler == NULL && v->caller == NULL);
    CHECK_EQ_U64(v->fault_kind, 0);
    CHECK(!sched_ec_runnable(v));
    CHECK(!reachable(v));
    CHECK(same(before, take(h, hsc, t, tsc)));
    CHECK(running() == t || running() == h);
    /* for good: a recall does not revive it */
    ipc_ec_recall(t, v_sel);
    CHECK_EQ_U64(fake_status(t), VIREO_OK);
    CHECK_EQ_U64(v->recall, 0);
    CHECK_EQ_U64(v->state, OBJ_EC_STOPPED);
    CHECK(!reachable(v));
}

static void test_no_usable_portal(void)
{
    setup();
    struct world w = mk_world();
    struct obj_sc *hsc = mk_sc(SEL_HSC, SEL_H, 50, 1000);
    struct obj_ec *t = mk_thread(SEL_T, VIREO_INIT_SEL_PD, 3);
    struct obj_sc *tsc = mk_sc(SEL_TSC, SEL_T, 1, 1000);
    ipc_reply_wait(w.h, 0);
    exit_portal(SEL_H, VIREO_EXIT_CPUID);

    /* nothing at base + class (the CPUID portal is not HLT's) */
    check_stopped_for_good(w.vcpu, SEL_VCPU, VIREO_EXIT_HLT, w.h, hsc, t, tsc);

    /* something other than a portal there */
    struct obj_ec *v2 = mk_vcpu(15, SEL_VM, EXIT_BASE);
    mk_sc(16, 15, 10, 1000);
    CHECK_EQ_U64(sys(VIREO_SYS_CREATE_SM, 30, VIREO_INIT_SEL_PD, 0, 0, 0, 0), VIREO_OK);
    delegate(SEL_VM, 30, 0, EXIT_BASE + VIREO_EXIT_IO);
    check_stopped_for_good(v2, 15, VIREO_EXIT_IO, w.h, hsc, t, tsc);

    /* a portal bound to a vCPU (another one, that never ran) */
    struct obj_ec *v4 = mk_vcpu(19, SEL_VM, EXIT_BASE);
    struct obj_ec *v3 = mk_vcpu(17, SEL_VM, EXIT_BASE);
    mk_sc(18, 17, 10, 1000);
    mk_pt(SEL_PT + VIREO_EXIT_PAUSE, 19, BADGE(VIREO_EXIT_PAUSE), 0);
    delegate(SEL_VM, SEL_PT + VIREO_EXIT_PAUSE, 0, EXIT_BASE + VIREO_EXIT_PAUSE);
    check_stopped_for_good(v3, 17, VIREO_EXIT_PAUSE, w.h, hsc, t, tsc);
    CHECK_EQ_U64(v4->state, OBJ_EC_CREATED);
    CHECK(v4->caller == NULL && v4->callers_head == NULL);
    revoke(SEL_PT + VIREO_EXIT_PAUSE);
    revoke(19);
    revoke(18);
    revoke(17);
    /* ... to the vCPU itself */
    v3 = mk_vcpu(17, SEL_VM, EXIT_BASE);
    mk_sc(18, 17, 10, 1000);
    mk_pt(SEL_PT + VIREO_EXIT_PAUSE, 17, BADGE(VIREO_EXIT_PAUSE), 0);
    delegate(SEL_VM, SEL_PT + VIREO_EXIT_PAUSE, 0, EXIT_BASE + VIREO_EXIT_PAUSE);
    check_stopped_for_good(v3, 17, VIREO_EXIT_PAUSE, w.h, hsc, t, tsc);
    revoke(18);
    revoke(17);
    revoke(16);
    revoke(15);
    CHECK_EQ_U64(fake_vcpu_results, 0);
    finish();
}

static void test_dead_handler_portal(void)
{
    setup();
    struct world w = mk_world();
    struct obj_ec *t = mk_thread(SEL_T, VIREO_INIT_SEL_PD, 3);
    struct obj_sc *tsc = mk_sc(SEL_TSC, SEL_T, 1, 1000);
    struct obj_ec *h2 = mk_thread(SEL_T + 1, SEL_HPD, 4);
    struct obj_sc *h2sc = mk_sc(SEL_TSC + 1, SEL_T + 1, 50, 1000);
    ipc_reply_wait(h2, 0);
    exit_portal(SEL_H, VIREO_EXIT_CPUID);

    /* the handler's EC is gone (the portal keeps it as a zombie) */
    revoke(SEL_H);
    CHECK_EQ_U64(w.h->hdr.cap_count, 0);
    check_stopped_for_good(w.vcpu, SEL_VCPU, VIREO_EXIT_CPUID, h2, h2sc, t, tsc);
    revoke(SEL_VSC);
    revoke(SEL_VCPU);

    /* the handler is stopped: its PD is gone */
    struct obj_ec *v2 = mk_vcpu(15, SEL_VM, EXIT_BASE);
    mk_sc(16, 15, 10, 1000);
    struct obj_ec *h3 = mk_thread(19, SEL_HPD, 5);
    mk_pt(SEL_PT + VIREO_EXIT_HLT, 19, BADGE(VIREO_EXIT_HLT), MTD(VIREO_EXIT_HLT));
    delegate(SEL_VM, SEL_PT + VIREO_EXIT_HLT, 0, EXIT_BASE + VIREO_EXIT_HLT);
    revoke(SEL_HPD);
    CHECK_EQ_U64(h3->state, OBJ_EC_STOPPED);
    CHECK_EQ_U64(h2->state, OBJ_EC_STOPPED);
    check_stopped_for_good(v2, 15, VIREO_EXIT_HLT, h3, h2sc, t, tsc);
    CHECK_EQ_U64(fake_vcpu_results, 0);
    finish();
}

/* The handler's UTCB is not mapped when the exit arrives: the message cannot
 * be delivered, so the vCPU stops (it never resumes without a reply). */
static void test_handler_utcb_unmapped(void)
{
    setup();
    struct world w = mk_world();
    struct obj_ec *h0 = mk_thread(SEL_T, SEL_HPD, 0); /* never ran, no SC, no UTCB */
    exit_portal(SEL_T, VIREO_EXIT_CPUID);
    vexit(w.vcpu, VIREO_EXIT_CPUID);
    CHECK_EQ_U64(w.vcpu->state, OBJ_EC_STOPPED);
    CHECK_EQ_U64(fake_unhandled, 1);
    CHECK(fake_unhandled_ec == w.vcpu);
    CHECK(h0->caller == NULL);
    CHECK_EQ_U64(h0->state, OBJ_EC_CREATED);
    CHECK(!reachable(w.vcpu));
    CHECK(running() == NULL);
    CHECK_EQ_U64(fake_vcpu_results, 0);
    finish();
}

static void test_handler_dies(void)
{
    setup();
    struct world w = mk_world();
    exit_portal(SEL_H, VIREO_EXIT_CPUID);
    /* the handler (started by the exit) dies while handling */
    vexit(w.vcpu, VIREO_EXIT_CPUID);
    check_delivered(w.vcpu, w.h, VIREO_EXIT_CPUID);
    revoke(SEL_H);
    CHECK_EQ_U64(w.vcpu->state, OBJ_EC_STOPPED);
    CHECK_EQ_U64(fake_unhandled, 1);
    CHECK(fake_unhandled_ec == w.vcpu);
    CHECK(w.vcpu->callee == NULL);
    CHECK(!reachable(w.vcpu));
    CHECK(running() == NULL);
    CHECK_EQ_U64(fake_vcpu_of(w.vcpu)->replies, 0);
    revoke(SEL_PT + VIREO_EXIT_CPUID);
    revoke(SEL_VSC);
    revoke(SEL_VCPU);

    /* the handler's PD goes while the exit is queued */
    struct obj_ec *v2 = mk_vcpu(15, SEL_VM, EXIT_BASE);
    mk_sc(16, 15, 10, 1000);
    struct obj_ec *h2 = mk_thread(SEL_T, SEL_HPD, 3);
    mk_sc(SEL_TSC, SEL_T, 5, 1000); /* busy with its own code */
    exit_portal(SEL_T, VIREO_EXIT_CPUID);
    vexit(v2, VIREO_EXIT_CPUID);
    CHECK_EQ_U64(v2->wait, OBJ_WAIT_QUEUED);
    CHECK(running() == h2);
    revoke(SEL_HPD);
    CHECK_EQ_U64(h2->state, OBJ_EC_STOPPED);
    CHECK_EQ_U64(v2->state, OBJ_EC_STOPPED);
    CHECK(v2->handler == NULL && v2->q_next == NULL && h2->callers_head == NULL);
    CHECK_EQ_U64(fake_unhandled, 2);
    CHECK(fake_unhandled_ec == v2);
    CHECK_EQ_U64(fake_vcpu_of(v2)->exits, 0);
    CHECK(running() == NULL);
    revoke(SEL_PT + VIREO_EXIT_CPUID);
    revoke(16);
    revoke(15);
    revoke(SEL_TSC);
    revoke(SEL_T);

    /* the handler's PD goes while it handles the exit */
    mk_pd(SEL_HPD, 16, 0);
    struct obj_ec *v3 = mk_vcpu(17, SEL_VM, EXIT_BASE);
    mk_sc(18, 17, 10, 1000);
    struct obj_ec *h3 = mk_thread(SEL_T, SEL_HPD, 3);
    exit_portal(SEL_T, VIREO_EXIT_CPUID);
    vexit(v3, VIREO_EXIT_CPUID);
    check_delivered(v3, h3, VIREO_EXIT_CPUID);
    revoke(SEL_HPD);
    CHECK_EQ_U64(v3->state, OBJ_EC_STOPPED);
    CHECK_EQ_U64(fake_unhandled, 3);
    CHECK(running() == NULL);
    revoke(SEL_PT + VIREO_EXIT_CPUID);
    revoke(18);
    revoke(17);
    revoke(SEL_T);

    /* the handler exits (no fault portal of its own) while handling */
    mk_pd(SEL_HPD, 16, 0);
    struct obj_ec *v4 = mk_vcpu(17, SEL_VM, EXIT_BASE);
    mk_sc(18, 17, 10, 1000);
    struct obj_ec *h4 = mk_thread(SEL_T, SEL_HPD, 3);
    exit_portal(SEL_T, VIREO_EXIT_CPUID);
    vexit(v4, VIREO_EXIT_CPUID);
    check_delivered(v4, h4, VIREO_EXIT_CPUID);
    ipc_fault(h4, VIREO_FAULT_EXIT, 0, 0, 0);
    CHECK_EQ_U64(h4->state, OBJ_EC_STOPPED);
    CHECK_EQ_U64(v4->state, OBJ_EC_STOPPED);
    CHECK_EQ_U64(fake_unhandled, 5); /* the handler's exit, then the vCPU */
    CHECK(fake_unhandled_ec == v4);
    CHECK(running() == NULL);
    CHECK_EQ_U64(fake_vcpu_of(v4)->replies, 0);
    CHECK_EQ_U64(fake_vcpu_results, 0);
    finish();
}

/* The handler faults while handling; its supervisor resumes it and it
 * replies: the vCPU's time carried the whole chain. */
static void test_handler_fault_nested(void)
{
    setup();
    struct world w = mk_world();
    exit_portal(SEL_H, VIREO_EXIT_CPUID);
    struct obj_ec *sup = mk_thread(SEL_T, VIREO_INIT_SEL_PD, 3);
    mk_pt(SEL_TPT, SEL_T, 0x5, 0);
    delegate(SEL_HPD, SEL_TPT, 0, VIREO_SEL_FAULT_PT);
    vexit(w.vcpu, VIREO_EXIT_CPUID);
    check_delivered(w.vcpu, w.h, VIREO_EXIT_CPUID);
    ipc_fault(w.h, VIREO_FAULT_EXCEPTION, 14, 4, 0x1234000);
    CHECK(running() == sup);
    CHECK(sched.running == w.vsc);
    CHECK(sched_chain_root(sup) == w.vcpu);
    CHECK(!reachable(w.vcpu));
    fake_utcb[3].msg[0] = VIREO_FAULT_RESUME;
    ipc_reply_wait(sup, 1);
    CHECK(running() == w.h);
    CHECK_EQ_U64(w.vcpu->state, OBJ_EC_BLOCKED);
    reply(w.h, 1, 0);
    CHECK(running() == w.vcpu);
    CHECK_EQ_U64(fake_vcpu_of(w.vcpu)->replies, 1);
    CHECK_EQ_U64(fake_unhandled, 0);
    finish();
}

static void test_reply_words(void)
{
    setup();
    struct world w = mk_world();
    exit_portal(SEL_H, VIREO_EXIT_CPUID);
    vexit(w.vcpu, VIREO_EXIT_CPUID);
    reply(w.h, 2, VIREO_MTD(GPR_ACDB));
    CHECK_EQ_U64(w.vcpu->state, OBJ_EC_READY);
    CHECK_EQ_U64(fake_vcpu_of(w.vcpu)->reply_words, 2);
    CHECK(running() == w.vcpu);
    /* a reply of 0 words stops it (not an fake_unhandled exit: no report) */
    vexit(w.vcpu, VIREO_EXIT_CPUID);
    check_delivered(w.vcpu, w.h, VIREO_EXIT_CPUID);
    reply(w.h, 0, 0);
    CHECK_EQ_U64(fake_vcpu_of(w.vcpu)->replies, 2);
    CHECK_EQ_U64(fake_vcpu_of(w.vcpu)->reply_words, 0);
    CHECK_EQ_U64(w.vcpu->state, OBJ_EC_STOPPED);
    CHECK_EQ_U64(w.vcpu->fault_kind, 0);
    CHECK(w.vcpu->callee == NULL && w.h->caller == NULL);
    CHECK_EQ_U64(w.h->wait, OBJ_WAIT_RECV);
    CHECK(!reachable(w.vcpu));
    CHECK(running() == NULL);
    CHECK_EQ_U64(fake_unhandled, 0);
    CHECK_EQ_U64(fake_vcpu_results, 0);
    finish();
}

static void test_recall_while_in_exit(void)
{
    setup();
    struct world w = mk_world();
    exit_portal(SEL_H, VIREO_EXIT_CPUID);
    exit_portal(SEL_H, VIREO_EXIT_RECALL);
    delegate(SEL_HPD, SEL_VCPU, VIREO_EC_RECALL, HPD_SEL_VCPU);
    delegate(SEL_HPD, SEL_VCPU, VIREO_EC_BIND, HPD_SEL_VCPU + 1);
    vexit(w.vcpu, VIREO_EXIT_CPUID);
    check_delivered(w.vcpu, w.h, VIREO_EXIT_CPUID);
    struct obj_sc *run = sched_pick();
    /* without the right: refused */
    ipc_ec_recall(w.h, HPD_SEL_VCPU + 1);
    CHECK_EQ_U64(fake_status(w.h), VIREO_E_NO_RIGHTS);
    CHECK_EQ_U64(w.vcpu->recall, 0);
    /* the handler recalls the vCPU it serves: the flag, nothing else */
    ipc_ec_recall(w.h, HPD_SEL_VCPU);
    CHECK_EQ_U64(fake_status(w.h), VIREO_OK);
    CHECK_EQ_U64(w.vcpu->recall, 1);
    CHECK_EQ_U64(w.vcpu->state, OBJ_EC_BLOCKED);
    CHECK_EQ_U64(w.vcpu->wait, OBJ_WAIT_REPLY);
    CHECK(w.vcpu->callee == w.h && w.h->caller == w.vcpu);
    CHECK_EQ_U64(w.vcpu->fault_kind, RT_KIND_VMEXIT);
    CHECK_EQ_U64(fake_vcpu_of(w.vcpu)->exits, 1);
    CHECK(sched_pick() == run);
    CHECK(running() == w.h);
    CHECK(!reachable(w.vcpu));
    ipc_ec_recall(w.h, HPD_SEL_VCPU); /* twice is once */
    CHECK_EQ_U64(w.vcpu->recall, 1);
    CHECK_EQ_U64(fake_vcpu_of(w.vcpu)->exits, 1);
    /* after the reply the kernel delivers it (vcpu_run: RECALL first) */
    reply(w.h, 1, 0);
    CHECK_EQ_U64(w.vcpu->state, OBJ_EC_READY);
    CHECK_EQ_U64(w.vcpu->recall, 1);
    CHECK(running() == w.vcpu);
    w.vcpu->recall = 0;
    vexit(w.vcpu, VIREO_EXIT_RECALL);
    check_delivered(w.vcpu, w.h, VIREO_EXIT_RECALL);
    reply(w.h, 1, 0);
    CHECK_EQ_U64(w.vcpu->state, OBJ_EC_READY);

    /* recalled while its exit waits in a busy handler's queue: likewise */
    struct obj_ec *t = mk_thread(SEL_T, VIREO_INIT_SEL_PD, 3);
    mk_sc(SEL_TSC, SEL_T, 10, 1000);
    mk_pt(SEL_TPT, SEL_H, 0x71, 0);
    ipc_call(t, SEL_TPT, 0);
    CHECK(w.h->caller == t);
    vexit(w.vcpu, VIREO_EXIT_CPUID);
    CHECK_EQ_U64(w.vcpu->wait, OBJ_WAIT_QUEUED);
    ipc_ec_recall(w.h, HPD_SEL_VCPU);
    CHECK_EQ_U64(w.vcpu->recall, 1);
    CHECK_EQ_U64(w.vcpu->wait, OBJ_WAIT_QUEUED);
    CHECK(w.h->callers_head == w.vcpu && w.h->callers_tail == w.vcpu);
    CHECK_EQ_U64(fake_vcpu_of(w.vcpu)->exits, 2);
    ipc_reply_wait(w.h, 0);
    CHECK_EQ_U64(fake_status(t), VIREO_OK);
    check_delivered(w.vcpu, w.h, VIREO_EXIT_CPUID);
    CHECK_EQ_U64(w.vcpu->recall, 1);
    reply(w.h, 1, 0);
    CHECK_EQ_U64(w.vcpu->state, OBJ_EC_READY);
    CHECK_EQ_U64(fake_vcpu_of(w.vcpu)->exits, 3);
    /* a recall pending when the reply stops it dies with it */
    w.vcpu->recall = 0;
    vexit(w.vcpu, VIREO_EXIT_CPUID);
    ipc_ec_recall(w.h, HPD_SEL_VCPU);
    CHECK_EQ_U64(w.vcpu->recall, 1);
    reply(w.h, 0, 0);
    CHECK_EQ_U64(w.vcpu->state, OBJ_EC_STOPPED);
    CHECK_EQ_U64(w.vcpu->recall, 0);
    CHECK(!reachable(w.vcpu));
    CHECK_EQ_U64(fake_unhandled, 0);
    CHECK_EQ_U64(fake_vcpu_results, 0);
    finish();
}

static void test_vcpu_dies_during_exit(void)
{
    setup();
    struct world w = mk_world();
    struct obj_sc *hsc = mk_sc(SEL_HSC, SEL_H, 50, 1000);
    exit_portal(SEL_H, VIREO_EXIT_CPUID);
    ipc_reply_wait(w.h, 0);
    vexit(w.vcpu, VIREO_EXIT_CPUID);
    check_delivered(w.vcpu, w.h, VIREO_EXIT_CPUID);
    struct fake_vcpu *fv = fake_vcpu_of(w.vcpu);
    /* the vCPU's EC goes while the handler serves its exit */
    CHECK_EQ_U64(revoke(SEL_VCPU), VIREO_OK);
    CHECK_EQ_U64(w.vcpu->state, OBJ_EC_STOPPED); /* its SC keeps it as a zombie */
    CHECK(w.h->caller == NULL);
    CHECK(w.vcpu->callee == NULL);
    CHECK(w.vm->ecs == NULL);
    CHECK_EQ_U64(fake_unhandled, 0); /* destroyed, not an fake_unhandled exit */
    CHECK(!w.vsc->queued);
    CHECK(hsc->queued); /* the handler goes on on its own SC */
    CHECK(running() == w.h);
    /* its reply goes nowhere */
    reply(w.h, 1, 0);
    CHECK_EQ_U64(fv->replies, 0);
    CHECK_EQ_U64(w.h->wait, OBJ_WAIT_RECV);
    CHECK(running() == NULL);
    CHECK(fv->live);
    revoke(SEL_VSC); /* the last reference: its state is freed */
    CHECK(!fv->live);
    CHECK_EQ_U64(fake_vcpus_destroyed, 1);

    /* the vCPU's EC goes while its exit is queued: out of the queue */
    struct obj_ec *v2 = mk_vcpu(15, SEL_VM, EXIT_BASE);
    mk_sc(16, 15, 10, 1000);
    struct obj_ec *t = mk_thread(SEL_T, VIREO_INIT_SEL_PD, 3);
    mk_sc(SEL_TSC, SEL_T, 10, 1000);
    mk_pt(SEL_TPT, SEL_H, 0x71, 0);
    ipc_call(t, SEL_TPT, 0);
    vexit(v2, VIREO_EXIT_CPUID);
    CHECK(w.h->callers_head == v2);
    revoke(16);
    revoke(15); /* the last capability and reference together */
    CHECK(w.h->callers_head == NULL && w.h->callers_tail == NULL);
    CHECK_EQ_U64(fake_vcpus_destroyed, 2);
    ipc_reply_wait(w.h, 0);
    CHECK_EQ_U64(fake_status(t), VIREO_OK);
    CHECK_EQ_U64(w.h->wait, OBJ_WAIT_RECV); /* nothing else to receive */
    CHECK(w.h->caller == NULL);

    /* the VM PD goes while the handler serves an exit */
    struct obj_ec *v3 = mk_vcpu(17, SEL_VM, EXIT_BASE);
    mk_sc(18, 17, 10, 1000);
    vexit(v3, VIREO_EXIT_CPUID);
    check_delivered(v3, w.h, VIREO_EXIT_CPUID);
    revoke(SEL_VM);
    CHECK_EQ_U64(v3->state, OBJ_EC_STOPPED);
    CHECK(w.h->caller == NULL);
    CHECK_EQ_U64(fake_unhandled, 0);
    CHECK(running() == w.h || running() == t);
    reply(w.h, 1, 0);
    CHECK_EQ_U64(fake_vcpu_of(v3)->replies, 0);
    CHECK_EQ_U64(fake_vcpu_results, 0);
    finish();
}

static void test_vcpu_is_no_handler_and_no_caller(void)
{
    setup();
    struct world w = mk_world();
    struct obj_ec *t = mk_thread(SEL_T, VIREO_INIT_SEL_PD, 3);
    mk_sc(SEL_TSC, SEL_T, 10, 1000);
    /* a portal bound to a vCPU refuses calls */
    mk_pt(SEL_VCPUPT, SEL_VCPU, 0x99, 0);
    ipc_call(t, SEL_VCPUPT, 0);
    CHECK_EQ_U64(fake_status(t), VIREO_E_ABORTED);
    CHECK_EQ_U64(t->state, OBJ_EC_CREATED);
    CHECK(t->callee == NULL && t->handler == NULL);
    CHECK(w.vcpu->caller == NULL && w.vcpu->callers_head == NULL);
    CHECK_EQ_U64(w.vcpu->state, OBJ_EC_CREATED);
    CHECK_EQ_U64(fake_vcpu_of(w.vcpu)->exits + fake_vcpu_of(w.vcpu)->replies, 0);

    /* a vCPU cannot call, even with a portal it may call: it has no UTCB
     * (the kernel makes its calls) */
    struct obj_sc *hsc = mk_sc(SEL_HSC, SEL_H, 50, 1000);
    mk_pt(SEL_TPT, SEL_H, 0x71, 0);
    delegate(SEL_VM, SEL_TPT, VIREO_PT_CALL, 7);
    ipc_reply_wait(w.h, 0); /* waiting */
    w.vcpu->state = OBJ_EC_READY;
    ipc_call(w.vcpu, 7, 0);
    CHECK(fake_status(w.vcpu) != VIREO_OK);
    CHECK_EQ_U64(w.vcpu->state, OBJ_EC_READY);
    CHECK(w.vcpu->callee == NULL && w.vcpu->handler == NULL);
    CHECK_EQ_U64(w.h->wait, OBJ_WAIT_RECV);
    CHECK(w.h->caller == NULL);
    ipc_call(t, SEL_TPT, 0); /* the handler busy now */
    CHECK(w.h->caller == t);
    ipc_call(w.vcpu, 7, 0);
    CHECK(fake_status(w.vcpu) != VIREO_OK);
    CHECK_EQ_U64(w.vcpu->state, OBJ_EC_READY); /* not queued */
    CHECK(w.vcpu->handler == NULL && w.h->callers_head == NULL);
    CHECK(reachable(w.vcpu));
    ipc_reply_wait(w.h, 0);
    CHECK_EQ_U64(fake_status(t), VIREO_OK);
    CHECK_EQ_U64(w.h->wait, OBJ_WAIT_RECV);
    /* nor wait for calls */
    ipc_reply_wait(w.vcpu, 0);
    CHECK_EQ_U64(fake_status(w.vcpu), VIREO_E_BAD_ADDRESS);
    CHECK_EQ_U64(w.vcpu->state, OBJ_EC_READY);
    CHECK(!hsc->queued);
    CHECK_EQ_U64(fake_vcpu_of(w.vcpu)->exits + fake_vcpu_of(w.vcpu)->replies, 0);
    CHECK_EQ_U64(fake_unhandled, 0);
    finish();
}

int main(void)
{
    test_create_checks();
    test_exit_to_waiting_handler();
    test_exit_starts_handler();
    test_busy_handler_queues_fifo();
    test_no_usable_portal();
    test_dead_handler_portal();
    test_handler_utcb_unmapped();
    test_handler_dies();
    test_handler_fault_nested();
    test_reply_words();
    test_recall_while_in_exit();
    test_vcpu_dies_during_exit();
    test_vcpu_is_no_handler_and_no_caller();
    return check_report("sched_vcpu_exit");
}
