#include "../user_copy.h"
#include "../task.h"
#include "../user_range.h"
#include "cpu_setup.h"
#include <string.h>
#include <x86/cpu.h>

bool copy_from_user(void *dst, u64 user_src, size_t len)
{
    struct task *task = task_current();
    if (!task || !user_range_ok(task->pml4, user_src, len, false))
        return false;
    /* Range checked against the live tables, interrupts off (syscall
     * entry), one CPU: the pages cannot go away during the copy. */
    if (cpu_smap_enabled)
        smap_allow_user();
    memcpy(dst, (const void *)user_src, len);
    if (cpu_smap_enabled)
        smap_forbid_user();
    return true;
}
