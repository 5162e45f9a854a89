#include "timeout.h"

void timeout_arm(struct timeout_list *l, struct obj_timeout *t, u64 deadline_us)
{
    timeout_cancel(l, t);
    t->deadline_us = deadline_us;
    struct obj_timeout *prev = NULL, *cur = l->head;
    while (cur && cur->deadline_us <= deadline_us) {
        prev = cur;
        cur = cur->next;
    }
    t->prev = prev;
    t->next = cur;
    if (prev)
        prev->next = t;
    else
        l->head = t;
    if (cur)
        cur->prev = t;
    t->armed = 1;
}

void timeout_cancel(struct timeout_list *l, struct obj_timeout *t)
{
    if (!t->armed)
        return;
    if (t->prev)
        t->prev->next = t->next;
    else
        l->head = t->next;
    if (t->next)
        t->next->prev = t->prev;
    t->next = t->prev = NULL;
    t->armed = 0;
}

struct obj_timeout *timeout_expire_one(struct timeout_list *l, u64 now_us)
{
    struct obj_timeout *t = l->head;
    if (!t || t->deadline_us > now_us)
        return NULL;
    timeout_cancel(l, t);
    return t;
}
