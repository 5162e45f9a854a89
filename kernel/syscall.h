/* The syscall dispatcher (syscall.c) and what boot borrows from it. */
#ifndef KERNEL_SYSCALL_H
#define KERNEL_SYSCALL_H

#include "obj/objects.h"

/* Creates an EC or SC in init's space at boot exactly as init's own
 * CREATE_EC / CREATE_SC would (args as the syscall's registers); returns
 * the object or NULL. */
struct obj_header *syscall_boot_create(u64 nr, const u64 args[6]);

#endif
