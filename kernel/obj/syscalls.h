/* The handlers obj_syscall() dispatches to, one file per family. Each
 * checks every argument before it changes anything. */
#ifndef KERNEL_OBJ_SYSCALLS_H
#define KERNEL_OBJ_SYSCALLS_H

#include "obj.h"

enum vireo_status sys_create_pd(struct obj_kernel *k, struct obj_pd *caller, const u64 *args);
enum vireo_status sys_create_ec(struct obj_kernel *k, struct obj_pd *caller, const u64 *args);
enum vireo_status sys_create_sc(struct obj_kernel *k, struct obj_pd *caller, const u64 *args);
enum vireo_status sys_create_pt(struct obj_kernel *k, struct obj_pd *caller, const u64 *args);
enum vireo_status sys_create_sm(struct obj_kernel *k, struct obj_pd *caller, const u64 *args);
enum vireo_status sys_delegate(struct obj_kernel *k, struct obj_pd *caller, const u64 *args);

/* Installs the root capability of a new object at the (checked) empty
 * selector sel of pd, with every right of its type. */
void install_root_cap(struct obj_kernel *k, struct obj_pd *pd, u64 sel, struct obj_header *obj);

#endif
