/* hostile: `arg` (default 20000) system calls with random numbers,
 * selectors and arguments from a seeded PRNG, while the rest of the system
 * goes on. It leaves out only what would end or block it for good: exit,
 * reply_wait, create_sc (a thread of its own would start at a random
 * address), calls to portals and recalls of ECs (handlers that never
 * answer), unbounded semaphore waits and revoking its own fault portal.
 * Counts the results by status. */
#include "protocol.h"
#include <vireo/cap.h>
#include <vireo/ipc.h>
#include <vireo/server.h>
#include <vireo/syscall.h>
#include <vireo/user.h>

static u64 seed;

static u64 rnd(void)
{
    return test_rand(&seed);
}

/* Mostly values a real caller might pass, sometimes anything at all. */
static u64 random_arg(void)
{
    static const u64 special[] = {0,
                                  1,
                                  2,
                                  VIREO_SEL_COUNT - 1,
                                  VIREO_SEL_COUNT,
                                  ~0ull,
                                  1ull << 63,
                                  VIREO_USER_PAGES,
                                  VIREO_USER_PAGES - 1,
                                  0xffffffffull,
                                  VIREO_SERVER_SEL_OWN_PD};
    switch (rnd() % 6) {
    case 0:
        return special[rnd() % (sizeof(special) / sizeof(special[0]))];
    case 1:
    case 2:
        return rnd() % 64; /* selectors it may own */
    case 3:
        return vireo_crd(1 + rnd() % 2, (u32)rnd(), rnd() % 64);
    case 4:
        return rnd() % 4096;
    default:
        return rnd();
    }
}

static u64 cap_type(u64 sel)
{
    u64 info = 0;
    return sys_lookup(sel, &info) == VIREO_OK ? vireo_capinfo_type(info) : VIREO_CAP_NULL;
}

/* Turns a random call into one that cannot end or block the server. */
static bool tame(u64 nr, u64 *a)
{
    switch (nr) {
    case VIREO_SYS_EXIT:
    case VIREO_SYS_REPLY_WAIT:
    case VIREO_SYS_CREATE_SC:
        return false;
    case VIREO_SYS_CALL:
        return cap_type(a[0]) != VIREO_CAP_PT;
    case VIREO_SYS_EC_RECALL:
        return cap_type(a[0]) != VIREO_CAP_EC;
    case VIREO_SYS_SM_CTRL:
        a[2] = VIREO_TIMEOUT_POLL;
        return true;
    case VIREO_SYS_REVOKE:
        return vireo_crd_sel(a[0]) != VIREO_SEL_FAULT_PT;
    case VIREO_SYS_CONSOLE_WRITE:
        a[0] |= 1ull << 63; /* never its own memory: no garbage on the console */
        return true;
    default:
        return true;
    }
}

int main(void);
int main(void)
{
    const struct vireo_server_info *info = server_start();
    u64 total = info->arg ? info->arg : 20000;
    seed = 0x9e3779b97f4a7c15ull ^ ((u64)info->id << 32 | info->restarts) ^ total;
    printf("%llu random system calls, seed %#llx\n", (unsigned long long)total,
           (unsigned long long)seed);
    u64 counts[VIREO_STATUS_COUNT + 1] = {0};
    for (u64 n = 0; n < total;) {
        u64 nr = rnd() % 8 ? rnd() % VIREO_SYS_COUNT : rnd() % 4 ? rnd() % 64 : rnd();
        u64 a[6];
        for (int i = 0; i < 6; i++)
            a[i] = random_arg();
        if (!tame(nr, a))
            continue;
        u64 rdx;
        u64 status = sys_raw(nr, a, &rdx);
        counts[status < VIREO_STATUS_COUNT ? status : VIREO_STATUS_COUNT]++;
        n++;
    }
    for (u64 s = 0; s <= VIREO_STATUS_COUNT; s++) {
        if (counts[s])
            printf("%s: %llu\n", s < VIREO_STATUS_COUNT ? vireo_status_name(s) : "other",
                   (unsigned long long)counts[s]);
    }
    printf("%llu calls done, exiting cleanly\n", (unsigned long long)total);
    return 0;
}
