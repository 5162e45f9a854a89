#include "task.h"

/* One CPU runs user code so far; with SMP this moves into struct percpu.
 * Kept out of the per-CPU area now because fault paths that read it may run
 * with the user's GS base loaded. */
static struct task *current_task;

void task_set_current(struct task *task)
{
    current_task = task;
}

struct task *task_current(void)
{
    return current_task;
}

const char *task_current_name(void)
{
    return current_task ? current_task->name : "kernel";
}
