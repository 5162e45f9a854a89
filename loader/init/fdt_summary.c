/* A full walk of the system description with libfdt: every node, every
 * property. Init's later work (building servers and VMs) walks it the same
 * way; for now it proves libfdt runs in ring 3 with our runtime. */
#include "fdt_summary.h"
#include <libfdt.h>

int fdt_summarize(const void *fdt, size_t size, struct fdt_summary *out)
{
    int err = fdt_check_header(fdt);
    if (err)
        return err;
    if (fdt_totalsize(fdt) > size)
        return -FDT_ERR_TRUNCATED;

    *out = (struct fdt_summary){0};
    int len;
    out->model = fdt_getprop(fdt, 0, "model", &len);

    int depth = 0;
    for (int node = 0; node >= 0; node = fdt_next_node(fdt, node, &depth)) {
        if (depth < 0)
            break;
        out->nodes++;
        if ((unsigned)depth > out->max_depth)
            out->max_depth = (unsigned)depth;
        int prop;
        fdt_for_each_property_offset(prop, fdt, node)
        {
            const char *name = NULL;
            if (!fdt_getprop_by_offset(fdt, prop, &name, &len) || !name)
                return len < 0 ? len : -FDT_ERR_BADSTRUCTURE;
            out->properties++;
        }
        if (fdt_getprop(fdt, node, "module", &len))
            out->modules++;
    }
    return 0;
}
