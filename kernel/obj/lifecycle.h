/*
 * Object lifetime. An object is alive while capabilities name it
 * (hdr.cap_count). When the last one goes it is torn down (a PD's spaces
 * are emptied, the platform is told) and becomes a zombie until no kernel
 * reference (hdr.kref: objects it pays for, portals and SCs bound to it)
 * is left; then its block goes back to the pool and its cost back to the
 * quota of the PD that paid for it. Both steps run from a pending list, so
 * nothing recurses however deep PDs nest.
 */
#ifndef KERNEL_OBJ_LIFECYCLE_H
#define KERNEL_OBJ_LIFECYCLE_H

#include "obj.h"

/* Blocks an object costs its payer. */
u64 object_cost(const struct obj_header *obj);
/* A zeroed object of `type` charged to payer (quota already checked; NULL
 * payer only for init) with no capability yet. */
struct obj_header *object_alloc(struct obj_kernel *k, struct obj_pd *payer, u32 type, u64 cost);
/* Undoes object_alloc of an object that never had a capability. */
void object_unalloc(struct obj_kernel *k, struct obj_header *obj);

void object_get(struct obj_header *obj);
void object_put(struct obj_kernel *k, struct obj_header *obj);
void object_cap_added(struct obj_header *obj);
void object_cap_dropped(struct obj_kernel *k, struct obj_header *obj);

/* Runs pending teardowns and frees until none is left. */
void obj_settle(struct obj_kernel *k);

#endif
