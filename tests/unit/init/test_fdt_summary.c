/* init's walk of the system description, on trees built with the host's
 * libfdt: counts must match what was built; damage must be reported. */
#include "check.h"
#include "fdt_summary.h"
#include <libfdt.h>
#include <string.h>

static char tree[4096];

/* Root with a model, n children each with `module`, one grandchild. */
static void build(int children)
{
    CHECK(fdt_create(tree, sizeof(tree)) == 0);
    CHECK(fdt_finish_reservemap(tree) == 0);
    CHECK(fdt_begin_node(tree, "") == 0);
    CHECK(fdt_property_string(tree, "compatible", "vireo,system") == 0);
    CHECK(fdt_property_string(tree, "model", "unit model") == 0);
    for (int i = 0; i < children; i++) {
        char name[32];
        snprintf(name, sizeof(name), "server%d", i);
        CHECK(fdt_begin_node(tree, name) == 0);
        CHECK(fdt_property_string(tree, "module", name) == 0);
        CHECK(fdt_property_u32(tree, "priority", (uint32_t)i) == 0);
        CHECK(fdt_end_node(tree) == 0);
    }
    CHECK(fdt_begin_node(tree, "deep") == 0);
    CHECK(fdt_begin_node(tree, "deeper") == 0);
    CHECK(fdt_property_u32(tree, "x", 1) == 0);
    CHECK(fdt_end_node(tree) == 0);
    CHECK(fdt_end_node(tree) == 0);
    CHECK(fdt_end_node(tree) == 0);
    CHECK(fdt_finish(tree) == 0);
}

int main(void)
{
    struct fdt_summary s;
    for (int n = 0; n < 5; n++) {
        build(n);
        CHECK(fdt_summarize(tree, sizeof(tree), &s) == 0);
        CHECK(s.model && strcmp(s.model, "unit model") == 0);
        CHECK_EQ_U64(s.nodes, 1 + n + 2);
        CHECK_EQ_U64(s.properties, 2 + 2 * n + 1);
        CHECK_EQ_U64(s.max_depth, 2);
        CHECK_EQ_U64(s.modules, n);
    }

    /* Bad magic, and a tree larger than the buffer it claims to fit in. */
    build(1);
    CHECK(fdt_summarize(tree, fdt_totalsize(tree) - 1, &s) == -FDT_ERR_TRUNCATED);
    tree[0] ^= 0xff;
    CHECK(fdt_summarize(tree, sizeof(tree), &s) == -FDT_ERR_BADMAGIC);
    return check_report("test_fdt_summary");
}
