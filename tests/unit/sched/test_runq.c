/* Ready queues (priority order, FIFO, round robin) and the timeout list. */
#include "check.h"
#include "sched/runq.h"
#include "sched/timeout.h"

static struct runq q;

static void test_priorities_and_fifo(void)
{
    static struct obj_sc sc[6];
    const u32 prio[6] = {10, 200, 10, 0, 255, 200};
    runq_init(&q);
    CHECK(runq_highest(&q) == NULL);
    for (int i = 0; i < 6; i++) {
        sc[i].priority = prio[i];
        runq_push_tail(&q, &sc[i]);
    }
    CHECK(runq_highest(&q) == &sc[4]);
    runq_remove(&q, &sc[4]);
    CHECK(!sc[4].queued);
    CHECK(runq_highest(&q) == &sc[1]); /* first of priority 200 */
    runq_rotate(&q, &sc[1]);
    CHECK(runq_highest(&q) == &sc[5]); /* round robin within 200 */
    runq_remove(&q, &sc[5]);
    runq_remove(&q, &sc[1]);
    CHECK(runq_highest(&q) == &sc[0]);
    runq_remove(&q, &sc[0]);
    CHECK(runq_highest(&q) == &sc[2]);
    runq_remove(&q, &sc[2]);
    CHECK(runq_highest(&q) == &sc[3]);
    runq_remove(&q, &sc[3]);
    CHECK(runq_highest(&q) == NULL);
    for (int w = 0; w < 4; w++)
        CHECK_EQ_U64(q.bitmap[w], 0);
}

static void test_every_priority(void)
{
    static struct obj_sc sc[RUNQ_PRIOS];
    runq_init(&q);
    for (u32 p = 0; p < RUNQ_PRIOS; p++) {
        sc[p].priority = p;
        runq_push_tail(&q, &sc[p]);
    }
    for (u32 p = RUNQ_PRIOS; p-- > 0;) {
        CHECK(runq_highest(&q) == &sc[p]);
        runq_remove(&q, &sc[p]);
    }
    CHECK(runq_highest(&q) == NULL);
}

static void test_timeouts(void)
{
    static struct obj_timeout t[5];
    struct timeout_list l = {NULL};
    timeout_arm(&l, &t[0], 50);
    timeout_arm(&l, &t[1], 10);
    timeout_arm(&l, &t[2], 50); /* after t[0]: same deadline, armed later */
    timeout_arm(&l, &t[3], 30);
    timeout_arm(&l, &t[4], 70);
    timeout_cancel(&l, &t[3]);
    timeout_cancel(&l, &t[3]); /* harmless twice */
    CHECK(timeout_expire_one(&l, 9) == NULL);
    CHECK(timeout_expire_one(&l, 10) == &t[1]);
    CHECK(timeout_expire_one(&l, 49) == NULL);
    timeout_arm(&l, &t[4], 20); /* re-arming moves it */
    CHECK(timeout_expire_one(&l, 100) == &t[4]);
    CHECK(timeout_expire_one(&l, 100) == &t[0]);
    CHECK(timeout_expire_one(&l, 100) == &t[2]);
    CHECK(timeout_expire_one(&l, ~0ull) == NULL);
    CHECK(l.head == NULL);
    for (int i = 0; i < 5; i++)
        CHECK(!t[i].armed);
}

int main(void)
{
    test_priorities_and_fifo();
    test_every_priority();
    test_timeouts();
    return check_report("sched_runq");
}
