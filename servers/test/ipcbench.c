/* ipcbench: what an IPC round trip costs, the path every VM exit will take
 * to its handler. Calls echo (its first `calls` portal) `arg` times (default
 * 2000) per message size and prints TSC cycles per round trip beside the
 * cost of a null system call (LOOKUP of an empty slot). Under Bochs the
 * TSC counts instructions, so its figures are exact and repeatable. */
#include "protocol.h"
#include <vireo/cap.h>
#include <vireo/format.h>
#include <vireo/server.h>
#include <vireo/sys.h>
#include <vireo/user.h>

static inline u64 tsc(void)
{
    u32 lo, hi;
    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi)::"memory");
    return (u64)hi << 32 | lo;
}

/* Cycles per call of `words` words (0: an empty message echo answers
 * empty), or 0 if a call failed. */
static u64 time_calls(u64 pt, u64 words, u64 rounds)
{
    u64 start = tsc();
    for (u64 n = 0; n < rounds; n++) {
        if (words)
            user_utcb->msg[0] = ECHO_OP_ECHO;
        if (sys_call(pt, words) != VIREO_OK || user_utcb->head.msg_words != words)
            return 0;
    }
    return (tsc() - start) / rounds;
}

static u64 time_null_syscall(u64 rounds)
{
    u64 info, start = tsc();
    for (u64 n = 0; n < rounds; n++)
        sys_lookup(VIREO_SEL_COUNT - 2, &info); /* an empty slot: reads as NULL */
    return (tsc() - start) / rounds;
}

/* "R.r" for a / b with one decimal, in integers. */
static void print_ratio(const char *what, u64 cycles, u64 base)
{
    u64 tenths = base ? (cycles * 10 + base / 2) / base : 0;
    printf("%s: %llu cycles, %llu.%llu x null syscall\n", what, (unsigned long long)cycles,
           (unsigned long long)(tenths / 10), (unsigned long long)(tenths % 10));
}

int main(void);
int main(void)
{
    const struct vireo_server_info *info = server_start();
    u64 pt = info->calls[0].sel, rounds = info->arg ? info->arg : 2000;
    if (info->call_count < 1)
        user_fatal("needs a portal to echo\n");

    time_calls(pt, 0, 16); /* warm up: first touches of pages and caches */
    u64 null = time_null_syscall(rounds);
    printf("%llu rounds each\n", (unsigned long long)rounds);
    printf("null syscall: %llu cycles\n", (unsigned long long)null);
    static const u64 sizes[] = {0, 8, 64};
    for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        u64 cycles = time_calls(pt, sizes[i], rounds);
        if (!cycles)
            user_fatal("a call of %llu words failed\n", (unsigned long long)sizes[i]);
        char what[48];
        snformat(what, sizeof(what), "call and reply, %llu words", (unsigned long long)sizes[i]);
        print_ratio(what, cycles, null);
    }

    user_utcb->msg[0] = ECHO_OP_DONE;
    sys_call(pt, 1); /* echo exits without replying */
    return 0;
}
