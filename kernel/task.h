/* The user task running on the CPU: for now only init. Becomes the
 * execution context (EC) with the capability kernel. */
#ifndef KERNEL_TASK_H
#define KERNEL_TASK_H

#include <vireo/types.h>

struct task {
    const char *name; /* console prefix: "init: ..." */
    u64 pml4;         /* physical address of its page tables */
    u64 utcb;         /* user address of its UTCB */
};

void task_set_current(struct task *task);
struct task *task_current(void);
/* Safe from any context, including a fault with the user's GS loaded. */
const char *task_current_name(void);

#endif
