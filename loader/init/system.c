/* init's second half (system.h): build, start, supervise, summarize. */
#include "system.h"
#include "builder.h"
#include "supervisor.h"
#include <vireo/ipc.h>
#include <vireo/user.h>

#define STATUS_BAD_DESCRIPTION 3 /* as the loader's (VIREO_STOP_BAD_BOOT) */

static struct system_desc sys;
static struct init_ctx ctx;

static bool bring_up(u32 i, bool restart)
{
    char why[160];
    if (builder_build(&ctx, i, why, sizeof(why)) && builder_wire(&ctx, i, why, sizeof(why)) &&
        builder_start(&ctx, i, why, sizeof(why)))
        return true;
    printf("server %s: %s %s\n", sys.servers[i].name, restart ? "restart" : "start", why);
    builder_teardown(&ctx, i);
    policy_on_stopped(&ctx.rt[i].rec);
    return false;
}

static u32 live_count(void)
{
    u32 n = 0;
    for (u32 i = 0; i < sys.count; i++)
        n += ctx.rt[i].alive;
    return n;
}

static void stop_all(void)
{
    for (u32 i = 0; i < sys.count; i++) {
        if (ctx.rt[i].alive) {
            printf("server %s stopped with the system\n", sys.servers[i].name);
            builder_teardown(&ctx, i);
            policy_on_stopped(&ctx.rt[i].rec);
        }
    }
}

/* One event from the supervisor; false when the system must stop. */
static bool handle(const struct fault_event *ev)
{
    if (ev->id == 0 || ev->id > sys.count || !ctx.rt[ev->id - 1].alive)
        return true; /* stale: the server is already gone */
    u32 i = (u32)ev->id - 1;
    struct server_rt *r = &ctx.rt[i];
    const char *name = sys.servers[i].name;
    if (ev->kind == VIREO_FAULT_EXIT) {
        printf("server %s exited with status %llu\n", name, (unsigned long long)ev->error_code);
        policy_on_exit(&r->rec, ev->error_code);
        builder_teardown(&ctx, i);
        return !sys.servers[i].stop_on_exit; /* stop-on-exit: the rest stops too */
    }
    enum policy_action action = policy_on_fault(&sys.servers[i], &r->rec, ev->vector, ev->address);
    char what[96];
    policy_describe(&sys.servers[i], &r->rec, action, what, sizeof(what));
    if (ev->kind == VIREO_FAULT_EXCEPTION && ev->vector == 14)
        printf("server %s faulted: #PF at rip %#llx, address %#llx (%s)\n", name,
               (unsigned long long)ev->rip, (unsigned long long)ev->address, what);
    else if (ev->kind == VIREO_FAULT_EXCEPTION)
        printf("server %s faulted: %s at rip %#llx, error %#llx (%s)\n", name,
               exception_name(ev->vector), (unsigned long long)ev->rip,
               (unsigned long long)ev->error_code, what);
    else
        printf("server %s faulted: fault message of kind %llu (%s)\n", name,
               (unsigned long long)ev->kind, what);
    builder_teardown(&ctx, i);
    if (action == ACTION_RESTART)
        bring_up(i, true);
    return action != ACTION_STOP_SYSTEM;
}

static int summarize(void)
{
    struct summary sum = {0};
    int status = 0;
    for (u32 i = 0; i < sys.count; i++) {
        char why[128];
        summary_add(&sum, &ctx.rt[i].rec);
        if (!policy_met(&sys.servers[i], &ctx.rt[i].rec, why, sizeof(why))) {
            printf("server %s did not meet its expectation: %s\n", sys.servers[i].name, why);
            status = 1;
        }
    }
    printf("all servers ended: %u exited 0, %u failed, %u restarts\n", sum.exited_ok, sum.failed,
           sum.restarts);
    if (status == 0)
        printf("every server met its expectation\n");
    return status;
}

int system_run(const struct vireo_init_info *info)
{
    char why[200];
    if (!bindings_parse((const void *)info->dtb_addr, &sys, why, sizeof(why))) {
        printf("system description: %s\n", why);
        return STATUS_BAD_DESCRIPTION;
    }
    if (sys.count == 0)
        return 0;
    ctx.info = info;
    ctx.sys = &sys;
    for (u32 i = 0; i < sys.count; i++) {
        if (!builder_prepare(&ctx, i, why, sizeof(why))) {
            printf("system description: %s\n", why);
            return STATUS_BAD_DESCRIPTION;
        }
    }
    if (!builder_init(&ctx))
        user_fatal("no MEM capabilities to build servers from\n");
    if (!supervisor_setup(&ctx, why, sizeof(why)))
        user_fatal("%s\n", why);
    printf("starting %u servers\n", sys.count);

    /* Everyone's PD and portals first, so that all can be wired before
     * the first one runs. */
    bool ok = true;
    for (u32 i = 0; i < sys.count && ok; i++) {
        ok = builder_build(&ctx, i, why, sizeof(why));
        if (!ok)
            printf("server %s: start %s\n", sys.servers[i].name, why);
    }
    for (u32 i = 0; i < sys.count && ok; i++) {
        ok = builder_wire(&ctx, i, why, sizeof(why));
        if (!ok)
            printf("server %s: start %s\n", sys.servers[i].name, why);
    }
    for (u32 i = 0; i < sys.count && ok; i++) {
        ok = builder_start(&ctx, i, why, sizeof(why));
        if (!ok)
            printf("server %s: start %s\n", sys.servers[i].name, why);
    }
    if (!ok) {
        stop_all();
        return 1;
    }

    while (live_count()) {
        struct fault_event ev;
        supervisor_next(&ev);
        if (!handle(&ev))
            stop_all();
    }
    return summarize();
}
