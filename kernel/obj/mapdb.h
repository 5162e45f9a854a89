/*
 * The mapping database: a mapping is a node of the derivation tree, child
 * of the MEM capability it was delegated from and held in the target PD's
 * mapping table. Removing the node unmaps its pages and shoots down the
 * target's TLB entries, so revoking a MEM capability unmaps everywhere.
 */
#ifndef KERNEL_OBJ_MAPDB_H
#define KERNEL_OBJ_MAPDB_H

#include "obj.h"

/* Does any mapping of pd cover a page of [vpage, vpage + pages)? */
bool mapdb_overlaps(const struct obj_pd *pd, u64 vpage, u64 pages);
/* Maps pages [offset, offset + pages) of MEM capability src into dst at
 * vpage with rights. Every argument is checked and dst has a free mapping
 * slot within quota; only map_page can still fail, and then every page
 * already mapped is unmapped again and its status returned. */
enum vireo_status mapdb_map(struct obj_kernel *k, struct obj_node *src, u64 offset, u64 pages,
                            struct obj_pd *dst, u64 vpage, u32 rights);
/* Unmaps the pages of a mapping node (it stays in its slot). */
void mapdb_unmap(struct obj_kernel *k, struct obj_node *mapping);

#endif
