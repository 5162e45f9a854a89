#include "sched.h"
#include <vireo/cap.h>

struct sched sched;

void sched_reset(void)
{
    runq_init(&sched.rq);
    sched.timeouts.head = NULL;
    sched.running = NULL;
    sched.stamp_us = 0;
}

bool sched_ec_runnable(const struct obj_ec *ec)
{
    return ec->state == OBJ_EC_CREATED || ec->state == OBJ_EC_READY;
}

struct obj_ec *sched_chain_end(struct obj_ec *ec)
{
    while (ec->callee)
        ec = ec->callee;
    return ec;
}

struct obj_ec *sched_chain_root(struct obj_ec *ec)
{
    while (ec->caller)
        ec = ec->caller;
    return ec;
}

bool sched_in_chain(const struct obj_ec *a, const struct obj_ec *ec)
{
    for (; ec; ec = ec->caller) {
        if (ec == a)
            return true;
    }
    return false;
}

static bool sc_eligible(struct obj_sc *sc)
{
    if (sc->hdr.cap_count == 0 || sc->ec->caller)
        return false; /* dead, or its EC serves a call on someone else's time */
    return sched_ec_runnable(sched_chain_end(sc->ec));
}

static void refresh(struct obj_sc *sc)
{
    bool want = sc_eligible(sc);
    if (want && !sc->queued)
        runq_push_tail(&sched.rq, sc);
    else if (!want && sc->queued)
        runq_remove(&sched.rq, sc);
}

static void refresh_bound(struct obj_ec *ec)
{
    for (struct obj_sc *sc = ec->scs; sc; sc = sc->bound_next)
        refresh(sc);
}

void sched_update(struct obj_ec *ec)
{
    refresh_bound(ec);
    struct obj_ec *root = sched_chain_root(ec);
    if (root != ec)
        refresh_bound(root);
}

void sched_bind(struct obj_sc *sc)
{
    sc->bound_next = sc->ec->scs;
    sc->ec->scs = sc;
    sc->bound = 1;
    refresh(sc);
}

void sched_sc_dying(struct obj_sc *sc)
{
    if (sc->queued)
        runq_remove(&sched.rq, sc);
    if (sc->bound) {
        struct obj_sc **link = &sc->ec->scs;
        while (*link && *link != sc)
            link = &(*link)->bound_next;
        if (*link)
            *link = sc->bound_next;
        sc->bound_next = NULL;
        sc->bound = 0;
    }
    if (sched.running == sc)
        sched.running = NULL;
}

void sched_charge(u64 now_us)
{
    struct obj_sc *sc = sched.running;
    if (sc && now_us > sched.stamp_us) {
        u64 used = now_us - sched.stamp_us;
        if (used >= sc->left_us) {
            sc->left_us = sc->budget_us;
            if (sc->queued)
                runq_rotate(&sched.rq, sc);
        } else {
            sc->left_us -= used;
        }
    }
    if (now_us > sched.stamp_us)
        sched.stamp_us = now_us;
}

struct obj_sc *sched_pick(void)
{
    sched.running = runq_highest(&sched.rq);
    return sched.running;
}
