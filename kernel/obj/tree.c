/* Derivation-tree links and recursive revocation. */
#include "cspace.h"
#include "lifecycle.h"
#include "mapdb.h"
#include "tree.h"

void tree_add_child(struct obj_node *parent, struct obj_node *child)
{
    child->parent = parent;
    child->prev_sibling = NULL;
    child->next_sibling = parent->first_child;
    if (parent->first_child)
        parent->first_child->prev_sibling = child;
    parent->first_child = child;
}

static void tree_unlink(struct obj_node *node)
{
    if (node->prev_sibling)
        node->prev_sibling->next_sibling = node->next_sibling;
    else if (node->parent)
        node->parent->first_child = node->next_sibling;
    if (node->next_sibling)
        node->next_sibling->prev_sibling = node->prev_sibling;
}

/* Removes a node without children from the tree and its slot. */
static void remove_leaf(struct obj_kernel *k, struct obj_node *node)
{
    tree_unlink(node);
    struct obj_header *obj = NULL;
    if (node->type == OBJ_NODE_MAPPING)
        mapdb_unmap(k, node);
    else if (node->type != VIREO_CAP_MEM)
        obj = node->u.obj;
    node_release(k, node);
    if (obj)
        object_cap_dropped(k, obj);
}

void tree_revoke(struct obj_kernel *k, struct obj_node *root, bool include_self)
{
    struct obj_node *node = root;
    for (;;) {
        while (node->first_child)
            node = node->first_child;
        if (node == root)
            break;
        struct obj_node *parent = node->parent;
#ifdef VIREO_OBJ_PLANTED_BUG_SHALLOW_REVOKE
        /* planted bug: grandchildren are cut loose instead of revoked */
        if (parent != root) {
            tree_unlink(node);
            node->parent = NULL;
            node = root;
            continue;
        }
#endif
        remove_leaf(k, node);
        node = parent;
    }
    if (include_self)
        remove_leaf(k, root);
}
