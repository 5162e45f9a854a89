/*
 * Where nodes live: a PD's capability space (selector -> node) and its
 * mapping table (slot -> mapping node). Both are arrays of chunk pointers
 * in the PD; a chunk of 16 nodes is allocated, charged to the PD itself,
 * when its first node is claimed and freed when its last node goes.
 */
#ifndef KERNEL_OBJ_CSPACE_H
#define KERNEL_OBJ_CSPACE_H

#include "obj.h"

/* The capability at sel, or NULL if sel is out of range or empty. */
struct obj_node *cspace_cap(const struct obj_pd *pd, u64 sel);
/* Would claiming sel (< VIREO_SEL_COUNT) need a new chunk? */
bool cspace_needs_chunk(const struct obj_pd *pd, u64 sel);
/* Claims the empty slot sel; the caller checked the quota for a chunk.
 * Returns the zeroed node with holder and index set. */
struct obj_node *cspace_claim(struct obj_kernel *k, struct obj_pd *pd, u64 sel);

/* The lowest free mapping slot of pd, or -1 if all VIREO_MAP_RANGES_MAX
 * are in use; *needs_chunk says whether claiming it allocates a chunk. */
int maptable_lowest_free(const struct obj_pd *pd, bool *needs_chunk);
struct obj_node *maptable_claim(struct obj_kernel *k, struct obj_pd *pd, unsigned slot);
/* The mapping node in slot, or NULL. */
struct obj_node *maptable_node(const struct obj_pd *pd, unsigned slot);

/* Empties the slot of a node that is already out of the tree, freeing
 * its chunk if it was the last one in use. */
void node_release(struct obj_kernel *k, struct obj_node *node);

#endif
