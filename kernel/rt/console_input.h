/* Console input (abi/vireo/syscall.h, console_read): bytes COM1 receives,
 * buffered by the kernel and handed to whoever holds the console input
 * semaphore. */
#ifndef KERNEL_RT_CONSOLE_INPUT_H
#define KERNEL_RT_CONSOLE_INPUT_H

#include "../obj/objects.h"
#include <vireo/status.h>

/* The semaphore init gets at VIREO_INIT_SEL_CONSOLE. */
void console_input_init(struct obj_sm *sm);
/* At every timer tick (interrupt context): drains COM1 into the buffer. */
void console_input_poll(void);
/* Outside interrupt context (rt_account): ups the semaphore if bytes came. */
void console_input_deliver(void);
/* Whether an EC waits for console input (typing can still wake it: the
 * system is idle, not deadlocked). */
bool console_input_awaited(void);
/* The CONSOLE_READ syscall for ec; *count = bytes copied. */
enum vireo_status console_read(struct obj_ec *ec, u64 sm_sel, u64 buf, u64 len, u64 *count);
/* console_write_raw (abi/vireo/syscall.h): the input's holder writes the
 * terminal as it is. */
enum vireo_status console_write_raw(struct obj_ec *ec, u64 sm_sel, u64 buf, u64 len);

#endif
