#include "runq.h"

void runq_init(struct runq *q)
{
    for (u32 p = 0; p < RUNQ_PRIOS; p++)
        q->head[p] = q->tail[p] = NULL;
    for (u32 w = 0; w < RUNQ_PRIOS / 64; w++)
        q->bitmap[w] = 0;
}

void runq_push_tail(struct runq *q, struct obj_sc *sc)
{
    u32 p = sc->priority;
    sc->rq_next = NULL;
    sc->rq_prev = q->tail[p];
    if (q->tail[p])
        q->tail[p]->rq_next = sc;
    else
        q->head[p] = sc;
    q->tail[p] = sc;
    q->bitmap[p / 64] |= 1ull << (p % 64);
    sc->queued = 1;
}

void runq_remove(struct runq *q, struct obj_sc *sc)
{
    u32 p = sc->priority;
    if (sc->rq_prev)
        sc->rq_prev->rq_next = sc->rq_next;
    else
        q->head[p] = sc->rq_next;
    if (sc->rq_next)
        sc->rq_next->rq_prev = sc->rq_prev;
    else
        q->tail[p] = sc->rq_prev;
    sc->rq_next = sc->rq_prev = NULL;
    sc->queued = 0;
    if (!q->head[p])
        q->bitmap[p / 64] &= ~(1ull << (p % 64));
}

struct obj_sc *runq_highest(const struct runq *q)
{
    for (u32 w = RUNQ_PRIOS / 64; w-- > 0;) {
        if (q->bitmap[w])
            return q->head[w * 64 + 63 - (u32)__builtin_clzll(q->bitmap[w])];
    }
    return NULL;
}

void runq_rotate(struct runq *q, struct obj_sc *sc)
{
    runq_remove(q, sc);
    runq_push_tail(q, sc);
}
