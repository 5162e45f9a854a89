/* System calls (abi/vireo/syscall.h): the dispatcher. The object layer
 * handles creation, delegation, revocation and lookup; the runtime
 * (kernel/sched) IPC, semaphores, recall and exit. Every argument is
 * checked; a bad one is answered with a status code, never a fault. */
#include "syscall.h"
#include "rt/console.h"
#include "rt/console_input.h"
#include "sched/hooks.h"
#include "rt/runtime.h"
#include "sched/ipc.h"
#include "sched/sched.h"
#include "x86/ec_context.h"
#include <string.h>
#include <vireo/ipc.h>
#include <vireo/syscall.h>

__attribute__((noreturn)) void syscall_dispatch(struct cpu_frame *frame);

static u32 next_ec_id = 1;

/* The object a successful CREATE_* put at dst of pd's space. */
static struct obj_header *created(struct obj_pd *pd, u64 dst, u32 type)
{
    struct obj_node *node;
    return obj_lookup(pd, dst, type, 0, &node) == VIREO_OK ? node->u.obj : NULL;
}

/* What the runtime adds to a new object. */
static void object_created(struct obj_pd *pd, u64 nr, u64 dst, const char *name)
{
    struct obj_header *obj;
    switch (nr) {
    case VIREO_SYS_CREATE_PD:
        if ((obj = created(pd, dst, VIREO_CAP_PD)))
            memcpy(((struct obj_pd *)obj)->name, name, OBJ_PD_NAME_LEN);
        break;
    case VIREO_SYS_CREATE_EC:
        if ((obj = created(pd, dst, VIREO_CAP_EC))) {
            struct obj_ec *ec = (struct obj_ec *)obj;
            ec->id = next_ec_id++;
            if (ec->flags & VIREO_EC_VCPU)
                ec_context_fpu_reset(ec);
            else
                ec_context_init(ec);
            ipc_ec_created(ec);
        }
        break;
    case VIREO_SYS_CREATE_SC:
        if ((obj = created(pd, dst, VIREO_CAP_SC)))
            sched_bind((struct obj_sc *)obj);
        break;
    default:
        break;
    }
}

/* The object layer's syscalls for ec; results go to ec unless it died. */
static void object_syscall(struct obj_ec *ec, u64 nr, const u64 args[6])
{
    struct obj_pd *pd = ec->pd;
    char name[OBJ_PD_NAME_LEN] = {0};
    u64 rdx = 0;
    enum vireo_status s = VIREO_OK;
    if (nr == VIREO_SYS_CREATE_PD && args[4])
        s = console_read_name(pd, args[4], name);
    if (s == VIREO_OK)
        s = obj_syscall(&kobj, pd, nr, args, &rdx);
    if (s == VIREO_OK)
        object_created(pd, nr, args[0], name);
    if (rt_current() == ec)
        rt_set_result(ec, s, rdx);
}

/* Creates an object for init at boot, as init itself would. */
struct obj_header *syscall_boot_create(u64 nr, const u64 args[6])
{
    struct obj_pd *pd = kobj.init_pd;
    u64 rdx;
    if (obj_syscall(&kobj, pd, nr, args, &rdx) != VIREO_OK)
        return NULL;
    object_created(pd, nr, args[0], "");
    return created(pd, args[0],
                   nr == VIREO_SYS_CREATE_EC   ? VIREO_CAP_EC
                   : nr == VIREO_SYS_CREATE_SC ? VIREO_CAP_SC
                                               : VIREO_CAP_SM);
}

void syscall_dispatch(struct cpu_frame *frame)
{
    struct obj_ec *ec = rt_current();
    if (!ec)
        rt_exit();
    ec_context_save(ec, frame);
    rt_account();
    const struct cpu_frame *f = ec_frame(ec);
    const u64 args[6] = {f->rdi, f->rsi, f->rdx, f->r10, f->r8, f->r9};
    switch (f->rax) {
    case VIREO_SYS_CONSOLE_WRITE:
        rt_set_result(ec, console_write(ec->pd, args[0], args[1]), 0);
        break;
    case VIREO_SYS_EXIT:
        ipc_fault(ec, VIREO_FAULT_EXIT, 0, args[0], 0);
        break;
    case VIREO_SYS_CALL:
        ipc_call(ec, args[0], args[1]);
        break;
    case VIREO_SYS_REPLY_WAIT:
        ipc_reply_wait(ec, args[0]);
        break;
    case VIREO_SYS_SM_CTRL:
        ipc_sm_ctrl(ec, args[0], args[1], args[2]);
        break;
    case VIREO_SYS_EC_RECALL:
        ipc_ec_recall(ec, args[0]);
        break;
    case VIREO_SYS_CONSOLE_WRITE_RAW:
        rt_set_result(ec, console_write_raw(ec, args[0], args[1], args[2]), 0);
        break;
    case VIREO_SYS_CONSOLE_READ: {
        u64 count;
        enum vireo_status s = console_read(ec, args[0], args[1], args[2], &count);
        rt_set_result(ec, s, count);
        break;
    }
    case VIREO_SYS_CREATE_PD:
    case VIREO_SYS_CREATE_EC:
    case VIREO_SYS_CREATE_SC:
    case VIREO_SYS_CREATE_PT:
    case VIREO_SYS_CREATE_SM:
    case VIREO_SYS_DELEGATE:
    case VIREO_SYS_REVOKE:
    case VIREO_SYS_LOOKUP:
        object_syscall(ec, f->rax, args);
        break;
    default:
        rt_set_result(ec, VIREO_E_INVALID_SYSCALL, 0);
        break;
    }
    rt_exit();
}
