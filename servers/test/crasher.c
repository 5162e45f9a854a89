/* crasher: its first run touches an unmapped address (a #PF init sees);
 * once restarted it exits cleanly. */
#include <vireo/server.h>
#include <vireo/user.h>

#define CRASH_ADDR 0xdead0000ull /* below every mapping init makes */

int main(void);
int main(void)
{
    const struct vireo_server_info *info = server_start();
    if (info->restarts == 0) {
        printf("run 0, touching %#llx\n", CRASH_ADDR);
        *(volatile u64 *)CRASH_ADDR = 1;
        user_fatal("the write to %#llx did not fault\n", CRASH_ADDR);
    }
    printf("restarted (run %u), exiting cleanly\n", info->restarts);
    return 0;
}
