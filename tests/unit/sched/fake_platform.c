/* The platform fakes of the scheduler/IPC tests (fake_platform.h). */
#include "fake_platform.h"
#include "sched/ipc.h"
#include <string.h>
#include <vireo/ipc.h>
#include <vireo/syscall.h>
#include <vireo/vmexit.h>

struct vireo_utcb fake_utcb[FAKE_UTCBS];
struct fake_vcpu fake_vcpus[FAKE_VCPUS];
unsigned fake_vcpus_created, fake_vcpus_destroyed;
u64 fake_now;
unsigned fake_unhandled;
const struct obj_ec *fake_unhandled_ec;
const char *fake_unhandled_why;
unsigned fake_vcpu_results;
unsigned fake_vcpu_xfers;
unsigned fake_vcpu_bad_destroys;

struct vireo_utcb *fake_utcb_of(const struct obj_ec *ec)
{
    if (ec->flags & VIREO_EC_VCPU)
        return NULL; /* utcb_page is its exit-portal base */
    return ec->utcb_page > 0 && ec->utcb_page < FAKE_UTCBS ? &fake_utcb[ec->utcb_page] : NULL;
}

void rt_set_result(struct obj_ec *ec, enum vireo_status status, u64 rdx)
{
    if (ec->flags & VIREO_EC_VCPU)
        fake_vcpu_results++;
    ((u64 *)ec->arch_area)[0] = status;
    ((u64 *)ec->arch_area)[1] = rdx;
}

bool rt_utcb_ok(const struct obj_ec *ec)
{
    return fake_utcb_of(ec) != NULL;
}

enum rt_xfer rt_transfer_call(struct obj_ec *from, struct obj_ec *to, u64 words, u64 badge)
{
    struct vireo_utcb *src = fake_utcb_of(from), *dst = fake_utcb_of(to);
    if ((to->flags & VIREO_EC_VCPU) || ((from->flags & VIREO_EC_VCPU) && !from->fault_kind))
        fake_vcpu_xfers++;
    if (from->fault_kind == RT_KIND_VMEXIT) {
        /* vcpu_exit_message(): the header and the portal's MTD items */
        if (!dst)
            return RT_XFER_DST_BAD;
        struct fake_vcpu *v = fake_vcpu_of(from);
        struct vireo_vcpu_state *s = (struct vireo_vcpu_state *)dst->msg;
        memset(s, 0, sizeof(*s));
        s->mtd = from->exit_mtd;
        s->exit_class = v->exit_class;
        s->raw_reason = FAKE_EXIT_MAGIC + (u64)(v - fake_vcpus);
        v->exits++;
        words = VIREO_VCPU_STATE_WORDS;
    } else if (from->fault_kind) {
        if (!dst)
            return RT_XFER_DST_BAD;
        memset(dst->msg, 0, VIREO_FAULT_MSG_WORDS * 8);
        dst->msg[0] = from->fault_kind;
        dst->msg[1] = from->fault_vector;
        dst->msg[2] = from->fault_error;
        dst->msg[3] = from->fault_address;
        words = VIREO_FAULT_MSG_WORDS;
    } else {
        if (!src)
            return RT_XFER_SRC_BAD;
        if (!dst)
            return RT_XFER_DST_BAD;
        memmove(dst->msg, src->msg, words * 8);
    }
    dst->head.msg_words = words;
    dst->head.badge = badge;
    return RT_XFER_OK;
}

enum rt_xfer rt_transfer_reply(struct obj_ec *from, struct obj_ec *to, u64 words)
{
    struct vireo_utcb *src = fake_utcb_of(from), *dst = fake_utcb_of(to);
    if ((from->flags | to->flags) & VIREO_EC_VCPU)
        fake_vcpu_xfers++;
    if (!src)
        return RT_XFER_SRC_BAD;
    if (!dst)
        return RT_XFER_DST_BAD;
    memmove(dst->msg, src->msg, words * 8);
    dst->head.msg_words = words;
    return RT_XFER_OK;
}

bool rt_fault_reply(struct obj_ec *from, struct obj_ec *to, u64 words)
{
    const struct vireo_utcb *src = fake_utcb_of(from);
    if (to->fault_kind == RT_KIND_VMEXIT) {
        /* vcpu_reply(): no words stop the vCPU; otherwise it resumes (a
         * reply that fails a check resumes it into an ENTRY_FAILURE exit). */
        struct fake_vcpu *v = fake_vcpu_of(to);
        v->replies++;
        v->reply_words = words;
        v->reply_mtd = src && words ? src->msg[0] : 0;
        return src && words != 0;
    }
    return to->fault_kind != VIREO_FAULT_EXIT && words >= 1 && src &&
           src->msg[0] == VIREO_FAULT_RESUME;
}

void rt_fault_unhandled(struct obj_ec *ec, const char *why)
{
    fake_unhandled++;
    fake_unhandled_ec = ec;
    fake_unhandled_why = why;
}

u64 rt_now_us(void)
{
    return fake_now;
}

/* The object layer's vCPU hooks (vcpu_create / vcpu_destroy in kernel/rt). */
enum vireo_status fake_vcpu_create(void *ctx, struct obj_ec *ec)
{
    (void)ctx;
    for (unsigned i = 0; i < FAKE_VCPUS; i++) {
        if (!fake_vcpus[i].live) {
            memset(&fake_vcpus[i], 0, sizeof(fake_vcpus[i]));
            fake_vcpus[i].live = true;
            fake_vcpus[i].exit_class = VIREO_EXIT_STARTUP;
            ec->arch = (u64)&fake_vcpus[i];
            fake_vcpus_created++;
            return VIREO_OK;
        }
    }
    return VIREO_E_NO_MEMORY;
}

void fake_vcpu_destroy(void *ctx, struct obj_ec *ec)
{
    (void)ctx;
    struct fake_vcpu *v = fake_vcpu_of(ec);
    if (!v || !v->live)
        fake_vcpu_bad_destroys++; /* freed twice, or never made */
    if (v)
        v->live = false;
    ec->arch = 0;
    fake_vcpus_destroyed++;
}

void fake_object_dying(void *ctx, struct obj_header *obj)
{
    (void)ctx;
    ipc_object_dying(obj);
}
