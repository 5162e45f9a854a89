/* ticker: the judge of the scheduling tests (configs/sched.dts,
 * sched_protocol.h). The highest priority of them; it measures with timed
 * semaphore waits (a down on its own SM of count 0 must end with
 * VIREO_E_TIMEOUT, woken by the timer tick) and reads everyone's progress
 * from the shared page at each wake-up.
 *
 *   1. Sets up before it first blocks: maps its shared page into each
 *      peer, gives each a go semaphore. (Peers check they ran after it.)
 *   2. Idle: timed waits of 10 and 2 ms while everyone else waits, for
 *      reference and to estimate the TSC rate (the medians differ by
 *      8 ms: a wait ends at the first tick after its timeout).
 *   3. Preemption and round robin: spinner1 and spinner2 (one priority,
 *      lower than the ticker's, different budgets) spin without system
 *      calls. Every timed wait must still end (only the timer can preempt
 *      a spinner), its median length must stay within 5 ms of the idle
 *      one (preemption within about a tick, not at a budget's end),
 *      both spinners must progress and their shares must follow their
 *      budgets (within a factor 2).
 *   4. Donation: the donor (lowest priority) calls the donee (own SC
 *      above the worker's), which spins on the donor's time. Once the
 *      worker (medium priority) spins, the donee's count must stand still
 *      and the worker must progress in most intervals; once the worker is
 *      gone the donee must go on again.
 * Any failed check prints FAIL, releases everyone and exits 1 (the others
 * may then fault on the shared page init takes back: the run ends). A
 * scheduler that lets a spinner starve the ticker never lets it print:
 * the run times out. */
#include "sched_protocol.h"
#include <vireo/cap.h>
#include <vireo/server.h>
#include <vireo/user.h>

enum { P_SPIN1, P_SPIN2, P_WORKER, P_DONEE, P_DONOR, P_COUNT };
static const char *const peer_names[P_COUNT] = {"spinner1", "spinner2", "worker", "donee", "donor"};

#define SEL_TIMER_SM 99u   /* our own SM of count 0: timed waits */
#define SEL_GO0      100u  /* the peers' go SMs in our space: 100 + P_x */
#define SHORT_US     2000u /* the measured waits */
#define LONG_US      10000u
#define IDLE_LONG    5u
#define IDLE_SHORT   10u
#define RR_WAITS     200u
#define DON_WAITS    50u
#define WAIT_TRIES   5000u /* ~10 s or more of 2 ms waits for anything awaited */
#define SLACK_MS     5u    /* preemption: median wait within idle median + this */

static volatile struct sched_shared *sh;
static volatile struct sched_slot *slot[P_COUNT];
static u64 go_sm[P_COUNT];

/* On failure: let everyone finish, so that the run ends at once. */
static void release_all(void)
{
    for (u32 i = 0; i < P_COUNT; i++) {
        if (slot[i])
            slot[i]->stop = 1;
        if (go_sm[i])
            sys_sm_ctrl(go_sm[i], VIREO_SM_OP_UP, 0);
    }
}

#define FAIL(...)                                                                                  \
    do {                                                                                           \
        release_all();                                                                             \
        user_fatal("FAIL: " __VA_ARGS__);                                                          \
    } while (0)

/* One timed wait of us microseconds; returns its length in TSC cycles. */
static u64 timed_wait(u64 us)
{
    u64 t0 = sched_rdtsc();
    enum vireo_status s = sys_sm_ctrl(SEL_TIMER_SM, VIREO_SM_OP_DOWN, us);
    u64 t1 = sched_rdtsc();
    if (s != VIREO_E_TIMEOUT)
        FAIL("a %llu us wait ended with %s, not VIREO_E_TIMEOUT\n", (unsigned long long)us,
             vireo_status_name(s));
    return t1 - t0;
}

/* Waits (2 ms at a time) until *field exceeds above; FAIL after WAIT_TRIES. */
static void wait_above(volatile u64 *field, u64 above, const char *what)
{
    for (u32 i = 0; i < WAIT_TRIES; i++) {
        if (*field > above)
            return;
        timed_wait(SHORT_US);
    }
    FAIL("%s: not within %u waits of %u us\n", what, WAIT_TRIES, SHORT_US);
}

static void sort(u64 *v, u32 n)
{
    for (u32 i = 1; i < n; i++) {
        u64 x = v[i];
        u32 j = i;
        for (; j > 0 && v[j - 1] > x; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
}

static u64 cyc_per_ms;

static unsigned long long us_of(u64 cycles)
{
    return (unsigned long long)(cycles * 1000 / cyc_per_ms);
}

static void setup(const struct vireo_server_info *info)
{
    if (info->own_pd_sel == VIREO_SERVER_SEL_NONE || info->shared_sel == VIREO_SERVER_SEL_NONE)
        user_fatal("needs own-pd and shared-memory-kib\n");
    sh = (volatile struct sched_shared *)info->shared_addr;
    for (u32 i = 0; i < sizeof(struct sched_shared) / 8; i++)
        ((volatile u64 *)sh)[i] = 0;
    sh->magic = SCHED_MAGIC;
    enum vireo_status s = sys_create_sm(SEL_TIMER_SM, info->own_pd_sel, 0);
    if (s != VIREO_OK)
        user_fatal("creating the timer SM: %s\n", vireo_status_name(s));
    u64 map = vireo_crd(VIREO_CRD_MEM, VIREO_MEM_R | VIREO_MEM_W, info->shared_sel);
    for (u32 i = 0; i < P_COUNT; i++) {
        u64 pd = server_peer_sel(info, peer_names[i]);
        u32 id = server_ref_id(info, peer_names[i]);
        if (pd == VIREO_SERVER_SEL_NONE || id == 0 || id >= SCHED_SLOTS)
            user_fatal("needs delegate-to %s\n", peer_names[i]);
        slot[i] = &sh->slot[id];
        s = sys_delegate(pd, map, 0, 1, SCHED_SHARED_ADDR / VIREO_PAGE_SIZE);
        if (s != VIREO_OK)
            user_fatal("mapping the shared page into %s: %s\n", peer_names[i],
                       vireo_status_name(s));
        s = sys_create_sm(SEL_GO0 + i, info->own_pd_sel, 0);
        if (s == VIREO_OK)
            s = sys_delegate(pd, vireo_crd(VIREO_CRD_OBJ, VIREO_SM_DOWN, SEL_GO0 + i), 0, 0,
                             SCHED_SEL_GO);
        if (s != VIREO_OK)
            user_fatal("giving %s its go semaphore: %s\n", peer_names[i], vireo_status_name(s));
        go_sm[i] = SEL_GO0 + i;
    }
    printf("set up %u peers: shared page at %#llx, a go semaphore each\n", P_COUNT,
           SCHED_SHARED_ADDR);
}

static void go(u32 p)
{
    enum vireo_status s = sys_sm_ctrl(go_sm[p], VIREO_SM_OP_UP, 0);
    if (s != VIREO_OK)
        FAIL("releasing %s: %s\n", peer_names[p], vireo_status_name(s));
}

static void stop(u32 p)
{
    slot[p]->stop = 1;
    wait_above(&slot[p]->done, 0, peer_names[p]);
}

static u64 idle_median;

static void idle_phase(void)
{
    u64 lng[IDLE_LONG], sht[IDLE_SHORT];
    for (u32 i = 0; i < IDLE_LONG; i++)
        lng[i] = timed_wait(LONG_US);
    for (u32 i = 0; i < IDLE_SHORT; i++)
        sht[i] = timed_wait(SHORT_US);
    sort(lng, IDLE_LONG);
    sort(sht, IDLE_SHORT);
    /* A timeout never ends early (TSC time) and ends at the first tick
     * after it: a wait lasts its timeout plus under a tick or so, the same
     * lateness for both lengths when the waits follow each other. */
    if (sht[0] * 8 < lng[0] || lng[0] < 2 * sht[0])
        FAIL("2 ms waits took %llu.., 10 ms waits %llu.. TSC cycles: not in proportion\n",
             (unsigned long long)sht[0], (unsigned long long)lng[0]);
    idle_median = sht[IDLE_SHORT / 2];
    cyc_per_ms = (lng[IDLE_LONG / 2] - idle_median) / 8;
    if (cyc_per_ms == 0)
        FAIL("no TSC rate from the idle waits\n");
    printf("idle: 10 ms waits took %llu..%llu TSC cycles, 2 ms waits %llu..%llu: TSC about %llu "
           "kHz\n",
           (unsigned long long)lng[0], (unsigned long long)lng[IDLE_LONG - 1],
           (unsigned long long)sht[0], (unsigned long long)sht[IDLE_SHORT - 1],
           (unsigned long long)cyc_per_ms);
    printf("idle: %u waits of 2 ms took %llu..%llu us, median %llu us\n", IDLE_SHORT, us_of(sht[0]),
           us_of(sht[IDLE_SHORT - 1]), us_of(idle_median));
}

static void round_robin_phase(void)
{
    static u64 len[RR_WAITS];
    u32 progressed[2] = {0, 0};
    u64 last[2] = {0, 0}, last_at[2], stall[2] = {0, 0};
    go(P_SPIN1);
    go(P_SPIN2);
    last_at[0] = last_at[1] = sched_rdtsc();
    for (u32 i = 0; i < RR_WAITS; i++) {
        len[i] = timed_wait(SHORT_US);
        u64 now = sched_rdtsc();
        for (u32 k = 0; k < 2; k++) {
            u64 c = slot[k]->count;
            if (c != last[k]) {
                progressed[k]++;
                last[k] = c;
                last_at[k] = now;
            } else if (now - last_at[k] > stall[k]) {
                stall[k] = now - last_at[k];
            }
        }
    }
    u64 c1 = slot[P_SPIN1]->count, c2 = slot[P_SPIN2]->count;
    u64 b1 = slot[P_SPIN1]->budget_us, b2 = slot[P_SPIN2]->budget_us;
    sort(len, RR_WAITS);
    u64 median = len[RR_WAITS / 2];
    printf("preemption: %u waits of 2 ms while two spinners spin below: all timed out\n", RR_WAITS);
    printf("preemption: they took %llu..%llu us, median %llu us (idle %llu us)\n", us_of(len[0]),
           us_of(len[RR_WAITS - 1]), us_of(median), us_of(idle_median));
    printf("round robin: spinner1 %llu iterations (budget %llu us), spinner2 %llu (budget %llu "
           "us)\n",
           (unsigned long long)c1, (unsigned long long)b1, (unsigned long long)c2,
           (unsigned long long)b2);
    printf("round robin: progress in %u and %u of %u intervals, longest stalls %llu and %llu us\n",
           progressed[0], progressed[1], RR_WAITS, us_of(stall[0]), us_of(stall[1]));
    if (median > idle_median + SLACK_MS * cyc_per_ms)
        FAIL("the median wait grew from %llu us (idle) to %llu us while lower priorities spin\n",
             us_of(idle_median), us_of(median));
    if (c1 == 0 || c2 == 0)
        FAIL("a spinner got no CPU while the other spun (%llu, %llu iterations)\n",
             (unsigned long long)c1, (unsigned long long)c2);
    if (b1 == 0 || b2 == 0)
        FAIL("the spinners did not publish their budgets\n");
    /* Equal priority, round robin: CPU shares as the budgets, c2/c1 ~ b2/b1. */
    u64 ratio = c2 * 100 / c1, expected = b2 * 100 / b1;
    printf("round robin: share ratio spinner2/spinner1 %llu.%02llu, budgets say %llu.%02llu\n",
           (unsigned long long)(ratio / 100), (unsigned long long)(ratio % 100),
           (unsigned long long)(expected / 100), (unsigned long long)(expected % 100));
    if (c2 * b1 * 2 < c1 * b2 || c2 * b1 > 2 * c1 * b2)
        FAIL("the shares do not follow the budgets within a factor 2\n");
    stop(P_SPIN1);
    stop(P_SPIN2);
}

static void donation_phase(void)
{
    volatile struct sched_slot *donee = slot[P_DONEE], *worker = slot[P_WORKER];
    go(P_DONOR);
    wait_above(&donee->count, 0, "the donee spinning on the donor's call");
    go(P_WORKER);
    wait_above(&worker->count, 0, "the worker running while the donee serves the donor");
    /* From the worker's first iteration on it is always ready, and it is
     * above the donor: the donee, on the donor's time, must not run. */
    u64 held = donee->count, w = worker->count, w0 = w, moved = 0;
    u32 progressed = 0;
    for (u32 i = 0; i < DON_WAITS; i++) {
        timed_wait(SHORT_US);
        if (donee->count != held)
            moved++;
        u64 c = worker->count;
        if (c != w)
            progressed++;
        w = c;
    }
    printf("donation: the worker ran %llu iterations in %u of %u intervals while the donee served "
           "the donor\n",
           (unsigned long long)(w - w0), progressed, DON_WAITS);
    printf("donation: meanwhile the donee moved in %llu intervals (count %llu)\n",
           (unsigned long long)moved, (unsigned long long)held);
    if (moved)
        FAIL("the donee ran while a higher priority than its caller's was ready\n");
    if (progressed < DON_WAITS / 2)
        FAIL("the worker progressed in only %u of %u intervals\n", progressed, DON_WAITS);
    stop(P_WORKER);
    wait_above(&donee->count, held, "the donee going on after the worker");
    printf("donation: the donee went on once the worker was gone (%llu -> %llu iterations)\n",
           (unsigned long long)held, (unsigned long long)donee->count);
    donee->stop = 1;
    wait_above(&slot[P_DONOR]->done, 0, "the donor's end");
}

int main(void);
int main(void)
{
    const struct vireo_server_info *info = server_start();
    setup(info);
    for (u32 i = 0; i < P_COUNT; i++)
        wait_above(&slot[i]->ready, 0, peer_names[i]);
    printf("all %u peers wait\n", P_COUNT);
    idle_phase();
    round_robin_phase();
    donation_phase();
    printf("all scheduling checks passed\n");
    return 0;
}
