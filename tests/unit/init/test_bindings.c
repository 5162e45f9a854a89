/* init's reading of /servers: valid trees give the described servers;
 * every kind of bad property is rejected with a message naming node and
 * property. */
#include "check.h"
#include "bindings.h"
#include <libfdt.h>
#include <string.h>

static char tree[8192];

enum { ECHO_PHANDLE = 1, PEER_PHANDLE = 2 };

/* Applies one change to the otherwise valid tree while it is built:
 * (node, prop) names where; kind says what. */
struct mutation {
    const char *node, *prop;
    enum { M_NONE, M_DROP, M_U32, M_STR, M_BYTES, M_U32X2 } kind;
    u32 value;
    const char *text;
};

static void prop_u32(const char *node, const char *prop, u32 v, const struct mutation *m)
{
    if (m->kind != M_NONE && strcmp(m->node, node) == 0 && strcmp(m->prop, prop) == 0) {
        if (m->kind == M_DROP)
            return;
        if (m->kind == M_U32)
            v = m->value;
        if (m->kind == M_STR) {
            CHECK(fdt_property_string(tree, prop, m->text) == 0);
            return;
        }
        if (m->kind == M_BYTES) {
            CHECK(fdt_property(tree, prop, "abc", 3) == 0);
            return;
        }
        if (m->kind == M_U32X2) {
            u32 two[2] = {cpu_to_fdt32(v), cpu_to_fdt32(m->value)};
            CHECK(fdt_property(tree, prop, two, sizeof(two)) == 0);
            return;
        }
    }
    CHECK(fdt_property_u32(tree, prop, v) == 0);
}

static void prop_str(const char *node, const char *prop, const char *v, const struct mutation *m)
{
    if (m->kind != M_NONE && strcmp(m->node, node) == 0 && strcmp(m->prop, prop) == 0) {
        if (m->kind == M_DROP)
            return;
        if (m->kind == M_STR)
            v = m->text;
        if (m->kind == M_U32) {
            CHECK(fdt_property_u32(tree, prop, m->value) == 0);
            return;
        }
    }
    CHECK(fdt_property_string(tree, prop, v) == 0);
}

static void extra(const char *node, const struct mutation *m)
{
    /* A property the valid tree lacks, added by the mutation. */
    if (m->kind == M_NONE || strcmp(m->node, node) != 0)
        return;
    if ((strcmp(m->prop, "calls") || strcmp(node, "client")) && strcmp(m->prop, "priority") &&
        strcmp(m->prop, "module") && strcmp(m->prop, "restart") && strcmp(m->prop, "quota") &&
        strcmp(m->prop, "memory-kib") && strcmp(m->prop, "expect")) {
        if (m->kind == M_U32)
            CHECK(fdt_property_u32(tree, m->prop, m->value) == 0);
        else if (m->kind == M_STR)
            CHECK(fdt_property_string(tree, m->prop, m->text) == 0);
        else if (m->kind == M_BYTES)
            CHECK(fdt_property(tree, m->prop, "abc", 3) == 0);
    }
}

static void build(const struct mutation *m)
{
    CHECK(fdt_create(tree, sizeof(tree)) == 0);
    CHECK(fdt_finish_reservemap(tree) == 0);
    CHECK(fdt_begin_node(tree, "") == 0);
    CHECK(fdt_property_string(tree, "compatible", "vireo,system") == 0);
    CHECK(fdt_begin_node(tree, "servers") == 0);

    CHECK(fdt_begin_node(tree, "echo") == 0);
    prop_str("echo", "module", "echo", m);
    prop_u32("echo", "priority", 20, m);
    prop_u32("echo", "quota", 16, m);
    prop_u32("echo", "memory-kib", 128, m);
    CHECK(fdt_property(tree, "provides-portal", NULL, 0) == 0);
    CHECK(fdt_property_u32(tree, "phandle", ECHO_PHANDLE) == 0);
    prop_u32("echo", "arg", 2, m);
    extra("echo", m);
    CHECK(fdt_end_node(tree) == 0);

    CHECK(fdt_begin_node(tree, "client") == 0);
    prop_str("client", "module", "client", m);
    prop_u32("client", "priority", 10, m);
    prop_u32("client", "quota", 16, m);
    prop_u32("client", "memory-kib", 96, m);
    prop_u32("client", "calls", ECHO_PHANDLE, m);
    prop_str("client", "restart", "restart", m);
    prop_str("client", "expect", "fault at 0xdead0000 then exit 0", m);
    extra("client", m);
    CHECK(fdt_end_node(tree) == 0);

    CHECK(fdt_begin_node(tree, "peer") == 0);
    CHECK(fdt_property_string(tree, "module", "peer") == 0);
    CHECK(fdt_property_u32(tree, "priority", 5) == 0);
    CHECK(fdt_property_u32(tree, "quota", 8) == 0);
    CHECK(fdt_property_u32(tree, "memory-kib", 64) == 0);
    CHECK(fdt_property_u32(tree, "phandle", PEER_PHANDLE) == 0);
    extra("peer", m);
    CHECK(fdt_end_node(tree) == 0);

    CHECK(fdt_end_node(tree) == 0);
    CHECK(fdt_end_node(tree) == 0);
    CHECK(fdt_finish(tree) == 0);
}

static void expect_error(struct mutation m, const char *message)
{
    struct system_desc sys;
    char why[200];
    build(&m);
    bool ok = bindings_parse(tree, &sys, why, sizeof(why));
    CHECK(!ok);
    if (ok || strcmp(why, message) != 0)
        fprintf(stderr, "  %s/%s: got \"%s\"\n  expected \"%s\"\n", m.node, m.prop,
                ok ? "(accepted)" : why, message);
}

static void test_valid(void)
{
    struct system_desc sys;
    char why[200];
    build(&(struct mutation){.kind = M_NONE});
    CHECK(bindings_parse(tree, &sys, why, sizeof(why)));
    CHECK_EQ_U64(sys.count, 3);
    const struct server_desc *echo = &sys.servers[0], *client = &sys.servers[1];
    const struct server_desc *peer = &sys.servers[2];
    CHECK(strcmp(echo->name, "echo") == 0 && strcmp(echo->module, "echo") == 0);
    CHECK_EQ_U64(echo->priority, 20);
    CHECK_EQ_U64(echo->budget_us, SERVER_DEFAULT_BUDGET_US);
    CHECK(echo->provides_portal && !echo->own_pd);
    CHECK_EQ_U64(echo->arg, 2);
    CHECK_EQ_U64(echo->restart, POLICY_STOP);
    CHECK_EQ_U64(echo->max_restarts, SERVER_DEFAULT_MAX_RESTARTS);
    CHECK(echo->expect.exit && echo->expect.exit_status == 0 && !echo->expect.fault);
    CHECK_EQ_U64(client->call_count, 1);
    CHECK_EQ_U64(client->calls[0], 0);
    CHECK_EQ_U64(client->restart, POLICY_RESTART);
    CHECK(client->expect.fault && client->expect.fault_at_set && client->expect.exit);
    CHECK_EQ_U64(client->expect.fault_at, 0xdead0000);
    CHECK_EQ_U64(peer->quota, 8);

    /* A 64-bit arg, options, own-pd and delegate-to. */
    build(&(struct mutation){"echo", "arg", M_U32X2, 5, NULL});
    CHECK(bindings_parse(tree, &sys, why, sizeof(why)));
    CHECK_EQ_U64(sys.servers[0].arg, (2ull << 32) | 5);
    build(&(struct mutation){"peer", "budget-us", M_U32, 500, NULL});
    CHECK(bindings_parse(tree, &sys, why, sizeof(why)));
    CHECK_EQ_U64(sys.servers[2].budget_us, 500);
    build(&(struct mutation){"peer", "delegate-to", M_U32, ECHO_PHANDLE, NULL});
    CHECK(bindings_parse(tree, &sys, why, sizeof(why)));
    CHECK_EQ_U64(sys.servers[2].peer_count, 1);
    build(&(struct mutation){"peer", "shared-memory-kib", M_U32, 8, NULL});
    CHECK(bindings_parse(tree, &sys, why, sizeof(why)));
    CHECK_EQ_U64(sys.servers[2].shared_kib, 8);

    /* No /servers: no servers, no error. */
    CHECK(fdt_create(tree, sizeof(tree)) == 0);
    CHECK(fdt_finish_reservemap(tree) == 0);
    CHECK(fdt_begin_node(tree, "") == 0);
    CHECK(fdt_end_node(tree) == 0);
    CHECK(fdt_finish(tree) == 0);
    CHECK(bindings_parse(tree, &sys, why, sizeof(why)));
    CHECK_EQ_U64(sys.count, 0);
}

static void test_errors(void)
{
    expect_error((struct mutation){"echo", "module", M_DROP, 0, NULL},
                 "/servers/echo: property 'module' is missing");
    expect_error((struct mutation){"echo", "module", M_U32, 0, NULL},
                 "/servers/echo: property 'module' must be one non-empty string");
    expect_error((struct mutation){"echo", "priority", M_DROP, 0, NULL},
                 "/servers/echo: property 'priority' is missing");
    expect_error((struct mutation){"echo", "priority", M_U32, 0, NULL},
                 "/servers/echo: property 'priority' is 0, must be 1..255");
    expect_error((struct mutation){"echo", "priority", M_U32, 256, NULL},
                 "/servers/echo: property 'priority' is 256, must be 1..255");
    expect_error((struct mutation){"echo", "priority", M_BYTES, 0, NULL},
                 "/servers/echo: property 'priority' must be one u32 cell, not 3 bytes");
    expect_error((struct mutation){"echo", "quota", M_U32, 2, NULL},
                 "/servers/echo: property 'quota' is 2, must be 8..65536");
    expect_error((struct mutation){"echo", "memory-kib", M_U32, 8, NULL},
                 "/servers/echo: property 'memory-kib' is 8, must be 64..1048576");
    expect_error((struct mutation){"echo", "memory-kib", M_U32, 66, NULL},
                 "/servers/echo: property 'memory-kib' is 66, not a multiple of 4 (pages)");
    expect_error((struct mutation){"peer", "budget-us", M_U32, 0, NULL},
                 "/servers/peer: property 'budget-us' is 0, must be 1..1000000");
    expect_error((struct mutation){"peer", "max-restarts", M_U32, 5000, NULL},
                 "/servers/peer: property 'max-restarts' is 5000, must be 0..1000");
    expect_error((struct mutation){"peer", "shared-memory-kib", M_U32, 6, NULL},
                 "/servers/peer: property 'shared-memory-kib' is 6, not a multiple of 4 (pages)");
    expect_error((struct mutation){"client", "restart", M_STR, 0, "sometimes"},
                 "/servers/client: property 'restart' is \"sometimes\", must be \"restart\", "
                 "\"stop\" or \"ignore\"");
    expect_error((struct mutation){"client", "expect", M_STR, 0, "exit"},
                 "/servers/client: property 'expect' is \"exit\", must be \"exit N\", \"fault "
                 "[at ADDR]\" or \"fault [at ADDR] then exit N\"");
    expect_error((struct mutation){"client", "calls", M_U32, PEER_PHANDLE, NULL},
                 "/servers/client: property 'calls' names peer, which has no provides-portal");
    expect_error((struct mutation){"client", "calls", M_U32, 77, NULL},
                 "/servers/client: property 'calls' entry 0 is not a server under /servers");
    expect_error((struct mutation){"echo", "calls", M_U32, ECHO_PHANDLE, NULL},
                 "/servers/echo: property 'calls' names the server itself");
    expect_error((struct mutation){"client", "calls", M_BYTES, 0, NULL},
                 "/servers/client: property 'calls' must be a list of phandles");
    expect_error((struct mutation){"peer", "own-pd", M_U32, 1, NULL},
                 "/servers/peer: property 'own-pd' takes no value");
    expect_error((struct mutation){"echo", "arg", M_BYTES, 0, NULL},
                 "/servers/echo: property 'arg' must be one or two cells, not 3 bytes");
    expect_error((struct mutation){"peer", "prioirty", M_U32, 1, NULL},
                 "/servers/peer: property 'prioirty' is unknown");
}

static void test_expect_strings(void)
{
    struct expectation e;
    CHECK(expectation_parse("exit 0", &e) && e.exit && !e.fault && e.exit_status == 0);
    CHECK(expectation_parse("exit 7", &e) && e.exit_status == 7);
    CHECK(expectation_parse("fault", &e) && e.fault && !e.exit && !e.fault_at_set);
    CHECK(expectation_parse("fault at 0x1000", &e) && e.fault_at_set && e.fault_at == 0x1000);
    CHECK(expectation_parse("fault then exit 0", &e) && e.fault && e.exit);
    CHECK(expectation_parse("fault at 4096 then exit 3", &e) && e.fault_at == 4096 &&
          e.exit_status == 3);
    const char *bad[] = {"",
                         "exit",
                         "exit x",
                         "exit 1 2",
                         "fault at",
                         "fault then",
                         "fault then exit",
                         "faults",
                         "fault at 0x10 exit 0",
                         "exit 0 then"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CHECK(!expectation_parse(bad[i], &e));
}

int main(void)
{
    test_valid();
    test_errors();
    test_expect_strings();
    return check_report("init_bindings");
}
