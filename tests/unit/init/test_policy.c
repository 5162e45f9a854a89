/* The supervisor's decisions: restart counting, policies, expectations,
 * the summary and the fault-line wording. */
#include "check.h"
#include "policy.h"
#include <string.h>

static struct server_desc desc(enum restart_policy p, u32 max, const char *expect)
{
    struct server_desc d = {.restart = p, .max_restarts = max};
    CHECK(expectation_parse(expect, &d.expect));
    return d;
}

static void test_restart(void)
{
    struct server_desc d = desc(POLICY_RESTART, 2, "fault then exit 0");
    struct server_record r = {0};
    char text[96];
    CHECK_EQ_U64(policy_on_fault(&d, &r, 14, 0x10), ACTION_RESTART);
    policy_describe(&d, &r, ACTION_RESTART, text, sizeof(text));
    CHECK(strcmp(text, "restart 1 of 2") == 0);
    CHECK_EQ_U64(policy_on_fault(&d, &r, 13, 0), ACTION_RESTART);
    CHECK_EQ_U64(r.restarts, 2);
    CHECK(!r.ended);
    /* Past max-restarts the policy becomes stop. */
    CHECK_EQ_U64(policy_on_fault(&d, &r, 14, 0x10), ACTION_STOP_SYSTEM);
    CHECK(r.ended && !r.exited);
    policy_describe(&d, &r, ACTION_STOP_SYSTEM, text, sizeof(text));
    CHECK(strcmp(text, "restarts used up: 2 of 2, stopping the system") == 0);
    CHECK_EQ_U64(r.faults, 3);

    struct server_desc zero = desc(POLICY_RESTART, 0, "fault");
    struct server_record z = {0};
    CHECK_EQ_U64(policy_on_fault(&zero, &z, 14, 0), ACTION_STOP_SYSTEM);
}

static void test_stop_ignore(void)
{
    struct server_desc stop = desc(POLICY_STOP, 3, "exit 0");
    struct server_desc ignore = desc(POLICY_IGNORE, 3, "fault");
    struct server_record r = {0};
    char text[96];
    CHECK_EQ_U64(policy_on_fault(&stop, &r, 6, 0), ACTION_STOP_SYSTEM);
    policy_describe(&stop, &r, ACTION_STOP_SYSTEM, text, sizeof(text));
    CHECK(strcmp(text, "policy stop: stopping the system") == 0);
    r = (struct server_record){0};
    CHECK_EQ_U64(policy_on_fault(&ignore, &r, 14, 0), ACTION_END);
    CHECK(r.ended && r.restarts == 0);
    policy_describe(&ignore, &r, ACTION_END, text, sizeof(text));
    CHECK(strcmp(text, "no restart: policy ignore") == 0);
}

/* Whether r met d's expectation; the reason must read want_why. */
static bool met(const struct server_desc *d, const struct server_record *r, const char *want_why)
{
    char why[128];
    bool ok = policy_met(d, r, why, sizeof(why));
    CHECK(strcmp(why, want_why) == 0);
    if (strcmp(why, want_why) != 0)
        fprintf(stderr, "  why: \"%s\", expected \"%s\"\n", why, want_why);
    return ok;
}

static void test_expectations(void)
{
    struct server_desc exit0 = desc(POLICY_STOP, 3, "exit 0");
    struct server_record r = {0};
    policy_on_exit(&r, 0);
    CHECK(met(&exit0, &r, ""));
    r = (struct server_record){0};
    policy_on_exit(&r, 2);
    CHECK(!met(&exit0, &r, "expected exit 0, got exit 2"));
    r = (struct server_record){0};
    policy_on_stopped(&r);
    CHECK(!met(&exit0, &r, "expected exit 0, got no exit"));
    r = (struct server_record){0};
    policy_on_fault(&exit0, &r, 14, 0);
    CHECK(!met(&exit0, &r, "expected no fault, got 1"));

    struct server_desc at = desc(POLICY_IGNORE, 0, "fault at 0x3000");
    r = (struct server_record){0};
    policy_on_fault(&at, &r, 14, 0x3000);
    CHECK(met(&at, &r, ""));
    r = (struct server_record){0};
    policy_on_fault(&at, &r, 14, 0x4000);
    CHECK(!met(&at, &r, "expected the fault at 0x3000, got one at 0x4000"));
    r = (struct server_record){0};
    policy_on_exit(&r, 0);
    CHECK(!met(&at, &r, "expected a fault, got none"));

    struct server_desc then = desc(POLICY_RESTART, 3, "fault then exit 0");
    r = (struct server_record){0};
    CHECK_EQ_U64(policy_on_fault(&then, &r, 14, 0xdead0000), ACTION_RESTART);
    policy_on_exit(&r, 0);
    CHECK(met(&then, &r, ""));
    struct server_desc fault_only = desc(POLICY_RESTART, 3, "fault");
    CHECK(!met(&fault_only, &r, "expected to end by a fault, got exit 0"));
}

static void test_summary(void)
{
    struct summary s = {0};
    struct server_record ok = {.ended = true, .exited = true, .restarts = 1};
    struct server_record bad = {.ended = true, .exited = true, .exit_status = 1};
    struct server_record faulted = {.ended = true, .faults = 1};
    summary_add(&s, &ok);
    summary_add(&s, &bad);
    summary_add(&s, &faulted);
    CHECK_EQ_U64(s.exited_ok, 1);
    CHECK_EQ_U64(s.failed, 2);
    CHECK_EQ_U64(s.restarts, 1);
    CHECK(strcmp(exception_name(14), "#PF") == 0);
    CHECK(strcmp(exception_name(13), "#GP") == 0);
    CHECK(strcmp(exception_name(15), "#?") == 0);
    CHECK(strcmp(exception_name(99), "#?") == 0);
}

int main(void)
{
    test_restart();
    test_stop_ignore();
    test_expectations();
    test_summary();
    return check_report("init_policy");
}
