/* Entries from ring 3, the dispatcher and idle (runtime.h). */
#include "runtime.h"
#include "vcpu_rt.h"
#include "console_input.h"
#include "../log.h"
#include "../page_table.h"
#include "../sched/hooks.h"
#include "../sched/ipc.h"
#include "../sched/sched.h"
#include "../stop.h"
#include "../x86/apic.h"
#include "../x86/ec_context.h"
#include <vireo/format.h>
#include <vireo/ipc.h>
#include <x86/cpu.h>

#define VECTOR_GENERAL_PROTECTION 13
#define VECTOR_PAGE_FAULT         14

struct obj_kernel kobj;
static struct obj_ec *current;

struct obj_ec *rt_current(void)
{
    return current;
}

void rt_forget_current(struct obj_ec *ec)
{
    if (current == ec)
        current = NULL;
}

u64 rt_now_us(void)
{
    u64 khz = tsc_khz();
    if (!khz)
        return apic_timer_ticks() * (1000000 / APIC_TIMER_HZ);
    u64 tsc = rdtsc();
    return tsc / khz * 1000 + tsc % khz * 1000 / khz;
}

void rt_set_result(struct obj_ec *ec, enum vireo_status status, u64 rdx)
{
    struct cpu_frame *f = ec_frame(ec);
    f->rax = status;
    f->rdx = rdx;
}

void rt_account(void)
{
    u64 now = rt_now_us();
    sched_charge(now);
    ipc_expire(now);
    console_input_deliver();
}

static __attribute__((noreturn)) void nothing_left(void)
{
    log_error("kernel: no EC can run again (nothing ready, no timeout pending)\n");
    system_stop(VIREO_STOP_INIT_FAILED, "deadlock: no EC can run again");
}

static void idle_loop(void)
{
    for (;;) {
        if (!sched.timeouts.head && !console_input_awaited())
            nothing_left();
        /* sti's one-instruction shadow makes sti; hlt atomic. */
        __asm__ volatile("sti; hlt; cli" ::: "memory");
        rt_account();
        if (sched_pick())
            rt_exit();
    }
}

void rt_exit(void)
{
    for (;;) {
        struct obj_sc *sc = sched_pick();
        if (!sc) {
            current = NULL;
            ec_context_idle(idle_loop);
        }
        struct obj_ec *ec = sched_chain_end(sc->ec);
        if (ec->flags & VIREO_EC_VCPU) {
            /* Returns when it blocked in an exit or another SC should run. */
            ec->state = OBJ_EC_READY;
            current = ec;
            vcpu_run(ec);
            continue;
        }
        if (!ipc_before_resume(ec))
            continue;
        if (ec_frame(ec)->rip >= USER_HALF_END) {
            /* A handler's reply set it: what IRETQ would refuse. */
            ipc_fault(ec, VIREO_FAULT_EXCEPTION, VECTOR_GENERAL_PROTECTION, 0, 0);
            continue;
        }
        ec->state = OBJ_EC_READY;
        current = ec;
        ec_context_resume(ec);
    }
}

void rt_user_exception(const struct cpu_frame *frame, u64 cr2)
{
    struct obj_ec *ec = current;
    rt_account();
    if (ec) {
        ec_context_save(ec, frame);
        ipc_fault(ec, VIREO_FAULT_EXCEPTION, (u32)frame->vector, frame->error_code,
                  frame->vector == VECTOR_PAGE_FAULT ? cr2 : 0);
    }
    rt_exit();
}

void rt_user_interrupt(const struct cpu_frame *frame)
{
    if (current)
        ec_context_save(current, frame);
    rt_account();
    rt_exit();
}

const char *rt_pd_name(const struct obj_pd *pd, char buf[24])
{
    if (pd->name[0])
        return pd->name;
    snformat(buf, 24, "pd%u", pd->id);
    return buf;
}
