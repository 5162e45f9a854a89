/*
 * The kernel's runtime: the object layer's one instance, the EC the CPU
 * runs, and the way back to user mode. Every entry from ring 3 saves the
 * frame into the current EC and ends in rt_exit(), which picks the EC to
 * run (sched_pick, the end of that SC's call chain) and resumes it. No
 * kernel stack survives a block.
 */
#ifndef KERNEL_RT_RUNTIME_H
#define KERNEL_RT_RUNTIME_H

#include "../obj/obj.h"
#include "../x86/frame.h"

extern struct obj_kernel kobj;

/* The EC whose syscall or interrupt the kernel handles now; NULL when it
 * died meanwhile (or while idle). */
struct obj_ec *rt_current(void);
void rt_forget_current(struct obj_ec *ec);

/* Picks the next EC and returns to it (idles while nothing is ready). */
__attribute__((noreturn)) void rt_exit(void);

/* Entries from ring 3 (x86/interrupt.c, x86/syscall_entry.S). */
__attribute__((noreturn)) void rt_user_exception(const struct cpu_frame *frame, u64 cr2);
__attribute__((noreturn)) void rt_user_interrupt(const struct cpu_frame *frame);
/* Charges the running SC up to now and expires due timeouts (every entry
 * from ring 3 and every tick). */
void rt_account(void);

/* The name console lines of pd's ECs carry. */
const char *rt_pd_name(const struct obj_pd *pd, char buf[24]);

/* Carves the kernel-object pool and init's user frames out of the page
 * allocator and sets up the object layer (init's PD and MEM capabilities). */
void rt_objects_init(void);

#endif
