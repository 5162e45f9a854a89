/* What init reads from the system description at start-up. */
#ifndef INIT_FDT_SUMMARY_H
#define INIT_FDT_SUMMARY_H

#include <vireo/types.h>

struct fdt_summary {
    const char *model; /* root "model", or NULL */
    unsigned nodes;
    unsigned properties;
    unsigned max_depth;
    unsigned modules; /* nodes with a "module" property */
};

/* Walks every node and property of the tree at fdt (size bytes). Returns 0,
 * or a negative libfdt error code. */
int fdt_summarize(const void *fdt, size_t size, struct fdt_summary *out);

#endif
