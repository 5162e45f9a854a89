/* IPC state machine (ipc.h). Chains of calls never form cycles: a handler
 * receives only when it serves nobody and calls nobody, and a call into
 * one's own chain is refused. */
#include "ipc.h"
#include "hooks.h"
#include "sched.h"
#include <stddef.h>
#include <vireo/ipc.h>
#include <vireo/utcb.h>
#include <vireo/vmexit.h>

/* Long enough to mean "never" without wrapping the clock. */
#define TIMEOUT_MAX_US (1ull << 62)

static void block(struct obj_ec *ec, u32 wait)
{
    ec->state = OBJ_EC_BLOCKED;
    ec->wait = wait;
}

static void wake(struct obj_ec *ec)
{
    if (ec->state == OBJ_EC_BLOCKED) {
        ec->state = OBJ_EC_READY;
        ec->wait = OBJ_WAIT_NONE;
    }
}

static void q_push(struct obj_ec **head, struct obj_ec **tail, struct obj_ec *ec)
{
    ec->q_next = NULL;
    ec->q_prev = *tail;
    if (*tail)
        (*tail)->q_next = ec;
    else
        *head = ec;
    *tail = ec;
}

static void q_remove(struct obj_ec **head, struct obj_ec **tail, struct obj_ec *ec)
{
    if (ec->q_prev)
        ec->q_prev->q_next = ec->q_next;
    else
        *head = ec->q_next;
    if (ec->q_next)
        ec->q_next->q_prev = ec->q_prev;
    else
        *tail = ec->q_prev;
    ec->q_next = ec->q_prev = NULL;
}

/* Out of a handler's queue, an SM's waiters and the timeout list. */
static void detach(struct obj_ec *ec)
{
    struct obj_ec *h = ec->handler;
    if (h) {
        q_remove(&h->callers_head, &h->callers_tail, ec);
        ec->handler = NULL;
    }
    struct obj_sm *sm = ec->sm;
    if (sm) {
        q_remove(&sm->wait_head, &sm->wait_tail, ec);
        ec->sm = NULL;
    }
    timeout_cancel(&sched.timeouts, &ec->timeout);
}

static void set_and_wake(struct obj_ec *ec, enum vireo_status status, u64 rdx)
{
    rt_set_result(ec, status, rdx);
    wake(ec);
    sched_update(ec);
}

/* ---- stopping ---- */

/* Stops ec and, through a work list (no recursion), every EC whose fault
 * call that abandons: a fault call cannot return a status. */
static void stop_push(struct obj_ec **work, struct obj_ec *ec)
{
    detach(ec);
    ec->state = OBJ_EC_STOPPED;
    ec->q_next = *work;
    *work = ec;
}

/* c's call ends without a reply. */
static void abort_call(struct obj_ec **work, struct obj_ec *c, enum vireo_status status)
{
    if (!c->fault_kind) {
        set_and_wake(c, status, 0);
        return;
    }
    rt_fault_unhandled(c, c->fault_kind == RT_KIND_VMEXIT ? "its exit handler went away"
                                                          : "its fault handler went away");
    if (c->state != OBJ_EC_STOPPED)
        stop_push(work, c);
}

static void stop_one(struct obj_ec **work, struct obj_ec *ec)
{
    ec->fault_kind = 0;
    ec->recall = 0;
    ec->wait = OBJ_WAIT_NONE;
    struct obj_ec *c;
    while ((c = ec->callers_head)) {
        q_remove(&ec->callers_head, &ec->callers_tail, c);
        c->handler = NULL;
        abort_call(work, c, VIREO_E_ABORTED);
    }
    if ((c = ec->caller)) {
        ec->caller = NULL;
        c->callee = NULL;
        abort_call(work, c, VIREO_E_ABORTED);
    }
    struct obj_ec *h = ec->callee;
    if (h) {
        /* h's reply will go nowhere; it runs on its own SC, if any. */
        ec->callee = NULL;
        h->caller = NULL;
        sched_update(h);
    }
    sched_update(ec);
}

void ipc_ec_stop(struct obj_ec *ec)
{
    struct obj_ec *work = NULL;
    stop_push(&work, ec);
    while (work) {
        struct obj_ec *next = work;
        work = next->q_next;
        next->q_next = NULL;
        stop_one(&work, next);
    }
}

/* A call that failed before it was handled. */
static void call_failed(struct obj_ec *c, enum vireo_status status)
{
    struct obj_ec *work = NULL;
    abort_call(&work, c, status);
    if (work)
        ipc_ec_stop(work);
}

/* ---- calls ---- */

static bool receiving(const struct obj_ec *h)
{
    if (h->state == OBJ_EC_BLOCKED)
        return h->wait == OBJ_WAIT_RECV;
    /* An EC that never ran and has no SC starts on its first caller's
     * time, as if returning from reply_wait. */
    return h->state == OBJ_EC_CREATED && !h->scs && !h->caller && !h->callee;
}

static bool accept(struct obj_ec *h, struct obj_ec *c)
{
    enum rt_xfer x = rt_transfer_call(c, h, c->call_words, c->call_badge);
    if (x != RT_XFER_OK) {
        call_failed(c, x == RT_XFER_SRC_BAD ? VIREO_E_BAD_ADDRESS : VIREO_E_ABORTED);
        return false;
    }
    h->caller = c;
    c->callee = h;
    block(c, OBJ_WAIT_REPLY);
    h->state = OBJ_EC_READY;
    h->wait = OBJ_WAIT_NONE;
    rt_set_result(h, VIREO_OK, c->call_badge);
    sched_update(h);
    sched_update(c);
    return true;
}

static void call_start(struct obj_ec *c, struct obj_ec *h, u64 badge, u64 words)
{
    c->call_badge = badge;
    c->call_words = words;
    if (receiving(h)) {
        accept(h, c);
        return;
    }
    c->handler = h;
    q_push(&h->callers_head, &h->callers_tail, c);
    block(c, OBJ_WAIT_QUEUED);
    sched_update(c);
}

/* Can h take calls at all? */
static bool handler_usable(const struct obj_ec *h)
{
    return !(h->flags & VIREO_EC_VCPU) && h->hdr.cap_count && h->state != OBJ_EC_STOPPED;
}

void ipc_call(struct obj_ec *ec, u64 pt_sel, u64 words)
{
    if (words > VIREO_MSG_WORDS) {
        rt_set_result(ec, VIREO_E_INVALID_ARG, 0);
        return;
    }
    struct obj_pt *pt;
    enum vireo_status status = obj_lookup_portal(ec->pd, pt_sel, &pt);
    if (status != VIREO_OK) {
        rt_set_result(ec, status, 0);
        return;
    }
    struct obj_ec *h = pt->ec;
    if (!handler_usable(h)) {
        rt_set_result(ec, VIREO_E_ABORTED, 0);
        return;
    }
    if (sched_in_chain(h, ec)) {
        rt_set_result(ec, VIREO_E_BUSY, 0); /* it waits for us: a cycle */
        return;
    }
    if (ec->flags & VIREO_EC_VCPU) {
        /* No UTCB to send from (the kernel makes a vCPU's calls: exits):
         * what a waiting handler's transfer would say, and never queued
         * behind a busy one, where the vCPU would block outside an exit. */
        rt_set_result(ec, VIREO_E_BAD_ADDRESS, 0);
        return;
    }
    call_start(ec, h, pt->badge, words);
}

static void reply(struct obj_ec *h, u64 words)
{
    struct obj_ec *c = h->caller;
    if (!c)
        return;
    h->caller = NULL;
    c->callee = NULL;
    if (c->fault_kind) {
        bool resume = rt_fault_reply(h, c, words);
        c->fault_kind = 0;
        if (resume) {
            wake(c);
            sched_update(c);
        } else {
            ipc_ec_stop(c);
        }
    } else {
        enum rt_xfer x = rt_transfer_reply(h, c, words);
        if (x == RT_XFER_OK)
            set_and_wake(c, VIREO_OK, words);
        else
            set_and_wake(c, x == RT_XFER_DST_BAD ? VIREO_E_BAD_ADDRESS : VIREO_E_ABORTED, 0);
    }
    sched_update(h);
}

static void receive(struct obj_ec *h)
{
    for (;;) {
        struct obj_ec *c = h->callers_head;
        if (!c) {
            block(h, OBJ_WAIT_RECV);
            sched_update(h);
            return;
        }
        q_remove(&h->callers_head, &h->callers_tail, c);
        c->handler = NULL;
        if (accept(h, c))
            return;
    }
}

void ipc_reply_wait(struct obj_ec *ec, u64 words)
{
    if (words > VIREO_MSG_WORDS) {
        rt_set_result(ec, VIREO_E_INVALID_ARG, 0);
        return;
    }
    if (!rt_utcb_ok(ec)) {
        rt_set_result(ec, VIREO_E_BAD_ADDRESS, 0);
        return;
    }
    reply(ec, words);
    receive(ec);
}

/* ---- semaphores ---- */

static void sm_unwait(struct obj_ec *w)
{
    detach(w);
}

enum vireo_status ipc_sm_signal(struct obj_sm *sm)
{
    struct obj_ec *w = sm->wait_head;
    if (!w)
        return obj_sm_up(sm);
    sm_unwait(w); /* the count goes straight to the first waiter */
    set_and_wake(w, VIREO_OK, 0);
    return VIREO_OK;
}

void ipc_sm_ctrl(struct obj_ec *ec, u64 sm_sel, u64 op, u64 timeout_us)
{
    /* The object layer's order of checks: type, op, right. */
    struct obj_node *node;
    enum vireo_status status = obj_lookup(ec->pd, sm_sel, VIREO_CAP_SM, 0, &node);
    if (status == VIREO_OK && op != VIREO_SM_OP_UP && op != VIREO_SM_OP_DOWN)
        status = VIREO_E_INVALID_ARG;
    if (status == VIREO_OK)
        status = obj_lookup(ec->pd, sm_sel, VIREO_CAP_SM,
                            op == VIREO_SM_OP_UP ? VIREO_SM_UP : VIREO_SM_DOWN, &node);
    if (status != VIREO_OK) {
        rt_set_result(ec, status, 0);
        return;
    }
    struct obj_sm *sm = (struct obj_sm *)node->u.obj;
    if (op == VIREO_SM_OP_UP) {
        rt_set_result(ec, ipc_sm_signal(sm), 0);
        return;
    }
    status = obj_sm_try_down(sm);
    if (status == VIREO_OK || timeout_us == VIREO_TIMEOUT_POLL) {
        rt_set_result(ec, status, 0);
        return;
    }
    ec->sm = sm;
    q_push(&sm->wait_head, &sm->wait_tail, ec);
    block(ec, OBJ_WAIT_SM);
    if (timeout_us != VIREO_TIMEOUT_NEVER) {
        u64 delta = timeout_us < TIMEOUT_MAX_US ? timeout_us : TIMEOUT_MAX_US;
        timeout_arm(&sched.timeouts, &ec->timeout, rt_now_us() + delta);
    }
    sched_update(ec);
}

void ipc_expire(u64 now_us)
{
    struct obj_timeout *t;
    while ((t = timeout_expire_one(&sched.timeouts, now_us))) {
        struct obj_ec *ec = (struct obj_ec *)((u8 *)t - offsetof(struct obj_ec, timeout));
        sm_unwait(ec);
        set_and_wake(ec, VIREO_E_TIMEOUT, 0);
    }
}

/* ---- faults and recall ---- */

/* The kernel calls the portal at pt_sel of ec's PD for ec (ec->fault_kind
 * says what for). It uses the portal for where it sits, not for a right
 * the PD holds: init delegates fault portals with no rights, so a server
 * cannot call one and forge a fault message. */
static void kernel_call(struct obj_ec *ec, u64 pt_sel, u64 words)
{
    struct obj_node *node;
    const struct obj_pt *pt = NULL;
    const char *why = NULL;
    if (obj_lookup(ec->pd, pt_sel, VIREO_CAP_PT, 0, &node) != VIREO_OK) {
        why = ec->fault_kind == RT_KIND_VMEXIT ? "no exit portal" : "no fault portal";
    } else {
        pt = (const struct obj_pt *)node->u.obj;
        if (!handler_usable(pt->ec))
            why = "its handler is gone";
        else if (sched_in_chain(pt->ec, ec))
            why = "its handler is itself or waits for it";
    }
    if (why) {
        rt_fault_unhandled(ec, why);
        ipc_ec_stop(ec);
        return;
    }
    ec->exit_mtd = pt->mtd;
    call_start(ec, pt->ec, pt->badge, words);
}

void ipc_fault(struct obj_ec *ec, u32 kind, u32 vector, u64 error, u64 address)
{
    ec->fault_kind = (u8)kind;
    ec->fault_vector = (u8)vector;
    ec->fault_error = error;
    ec->fault_address = address;
    kernel_call(ec, VIREO_SEL_FAULT_PT, VIREO_FAULT_MSG_WORDS);
}

void ipc_vcpu_exit(struct obj_ec *ec, u64 pt_sel)
{
    ec->fault_kind = RT_KIND_VMEXIT;
    ec->fault_vector = 0;
    ec->fault_error = 0;
    ec->fault_address = 0;
    kernel_call(ec, pt_sel, VIREO_VCPU_STATE_WORDS);
}

bool ipc_before_resume(struct obj_ec *ec)
{
    if (!ec->recall)
        return true;
    ec->recall = 0;
    ipc_fault(ec, VIREO_FAULT_RECALL, 0, 0, 0);
    return sched_ec_runnable(ec);
}

void ipc_ec_recall(struct obj_ec *ec, u64 target_sel)
{
    struct obj_ec *t;
    enum vireo_status status = obj_lookup_ec(ec->pd, target_sel, VIREO_EC_RECALL, &t);
    if (status == VIREO_OK && t->state != OBJ_EC_STOPPED)
        t->recall = 1;
    rt_set_result(ec, status, 0);
}

/* ---- lifetime ---- */

void ipc_ec_created(struct obj_ec *ec)
{
    struct obj_pd *pd = ec->pd;
    ec->pd_prev = NULL;
    ec->pd_next = pd->ecs;
    if (pd->ecs)
        pd->ecs->pd_prev = ec;
    pd->ecs = ec;
}

static void ec_forget(struct obj_ec *ec)
{
    struct obj_pd *pd = ec->pd;
    if (ec->pd_prev)
        ec->pd_prev->pd_next = ec->pd_next;
    else if (pd->ecs == ec)
        pd->ecs = ec->pd_next;
    if (ec->pd_next)
        ec->pd_next->pd_prev = ec->pd_prev;
    ec->pd_next = ec->pd_prev = NULL;
}

void ipc_object_dying(struct obj_header *obj)
{
    switch (obj->type) {
    case VIREO_CAP_EC: {
        struct obj_ec *ec = (struct obj_ec *)obj;
        ipc_ec_stop(ec);
        ec_forget(ec);
        break;
    }
    case VIREO_CAP_SC:
        sched_sc_dying((struct obj_sc *)obj);
        break;
    case VIREO_CAP_SM: {
        struct obj_sm *sm = (struct obj_sm *)obj;
        struct obj_ec *w;
        while ((w = sm->wait_head)) {
            sm_unwait(w);
            set_and_wake(w, VIREO_E_ABORTED, 0);
        }
        break;
    }
    case VIREO_CAP_PD:
        for (struct obj_ec *ec = ((struct obj_pd *)obj)->ecs; ec; ec = ec->pd_next) {
            if (ec->state != OBJ_EC_STOPPED)
                ipc_ec_stop(ec);
        }
        break;
    default:
        break;
    }
}
