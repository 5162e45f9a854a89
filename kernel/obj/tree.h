/*
 * The derivation tree: every capability and mapping is a node whose parent
 * is the node it was delegated from. Roots are the capabilities objects
 * were created with and init's MEM capabilities. Revoking a node removes
 * its whole subtree, wherever the nodes are held.
 */
#ifndef KERNEL_OBJ_TREE_H
#define KERNEL_OBJ_TREE_H

#include "obj.h"

void tree_add_child(struct obj_node *parent, struct obj_node *child);
/* Removes every descendant of node (and node itself if include_self),
 * post-order, without recursion. Objects that lose their last capability
 * are queued; the caller runs obj_settle(). */
void tree_revoke(struct obj_kernel *k, struct obj_node *node, bool include_self);

#endif
