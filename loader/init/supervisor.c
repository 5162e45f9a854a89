/* The supervisor thread and its hand-over to the main thread (supervisor.h).
 * One producer (the supervisor) and one consumer (the main thread) share a
 * ring; the semaphore counts the entries. */
#include "supervisor.h"
#include "layout.h"
#include <vireo/format.h>
#include <vireo/ipc.h>
#include <vireo/user.h>
#include <string.h>

#define RING 64u /* at most one fault per server thread waits: plenty */

static struct fault_event ring[RING];
static volatile u32 ring_head, ring_tail; /* written by supervisor / main */
static u64 wake_sm = VIREO_SERVER_SEL_NONE;

static __attribute__((noreturn)) void supervisor_main(void)
{
    struct vireo_utcb *utcb = (struct vireo_utcb *)INIT_SUP_UTCB_ADDR;
    u64 reply = 0;
    for (;;) {
        u64 badge = 0;
        if (sys_reply_wait(reply, &badge) != VIREO_OK) {
            reply = 0;
            continue;
        }
        u64 words = utcb->head.msg_words;
        struct fault_event ev = {.id = badge};
        if (words >= 4) {
            const struct vireo_fault_msg *m = (const struct vireo_fault_msg *)utcb->msg;
            ev.kind = m->kind;
            ev.vector = m->vector;
            ev.error_code = m->error_code;
            ev.address = m->address;
            ev.rip = words >= 5 ? m->rip : 0;
        }
        u32 head = ring_head;
        if (head - ring_tail < RING) {
            ring[head % RING] = ev;
            __atomic_store_n(&ring_head, head + 1, __ATOMIC_RELEASE);
            sys_sm_ctrl(wake_sm, VIREO_SM_OP_UP, 0);
        }
        utcb->msg[0] = VIREO_FAULT_STOP; /* the thread stays stopped until torn down */
        reply = 1;
    }
}

static bool fail(enum vireo_status s, const char *what, char *why, size_t why_size)
{
    snformat(why, why_size, "supervisor: %s failed: %s", what, vireo_status_name(s));
    return false;
}

bool supervisor_setup(struct init_ctx *c, char *why, size_t why_size)
{
    u64 pages = 1 + INIT_SUP_STACK_PAGES, root, offset;
    if (!frames_alloc(&c->frames, pages, &root, &offset)) {
        snformat(why, why_size, "supervisor: no %llu free pages", (unsigned long long)pages);
        return false;
    }
    u64 mem = sel_alloc(&c->sels);
    u64 crd = vireo_crd(VIREO_CRD_OBJ, VIREO_MEM_R | VIREO_MEM_W | VIREO_RIGHT_DELEGATE, root);
    enum vireo_status s = sys_delegate(VIREO_INIT_SEL_PD, crd, offset, pages, mem);
    if (s != VIREO_OK)
        return fail(s, "carving memory", why, why_size);
    u64 rw = vireo_crd(VIREO_CRD_MEM, VIREO_MEM_R | VIREO_MEM_W, mem);
    s = sys_delegate(VIREO_INIT_SEL_PD, rw, 0, 1, INIT_SUP_UTCB_ADDR / VIREO_PAGE_SIZE);
    if (s == VIREO_OK)
        s = sys_delegate(VIREO_INIT_SEL_PD, rw, 1, INIT_SUP_STACK_PAGES,
                         INIT_SUP_STACK_TOP / VIREO_PAGE_SIZE - INIT_SUP_STACK_PAGES);
    if (s != VIREO_OK)
        return fail(s, "mapping its UTCB and stack", why, why_size);

    struct vireo_utcb *utcb = (struct vireo_utcb *)INIT_SUP_UTCB_ADDR;
    memset(utcb, 0, sizeof(*utcb));
    utcb->head.self = INIT_SUP_UTCB_ADDR;
    __asm__ volatile("movq %%fs:0x28, %0" : "=r"(utcb->head.stack_guard));

    wake_sm = sel_alloc(&c->sels);
    s = sys_create_sm(wake_sm, VIREO_INIT_SEL_PD, 0);
    if (s != VIREO_OK)
        return fail(s, "creating its semaphore", why, why_size);
    c->sup_ec = sel_alloc(&c->sels);
    /* Entered as if called: (sp + 8) % 16 == 0. */
    s = sys_create_ec(c->sup_ec, VIREO_INIT_SEL_PD, INIT_SUP_UTCB_ADDR / VIREO_PAGE_SIZE,
                      (u64)supervisor_main, INIT_SUP_STACK_TOP - 8, 0);
    if (s != VIREO_OK)
        return fail(s, "creating its EC", why, why_size);
    u64 sc = sel_alloc(&c->sels);
    s = sys_create_sc(sc, VIREO_INIT_SEL_PD, c->sup_ec, VIREO_PRIO_MAX, 10000);
    if (s != VIREO_OK)
        return fail(s, "creating its SC", why, why_size);
    return true;
}

void supervisor_next(struct fault_event *ev)
{
    for (;;) {
        u32 tail = ring_tail;
        if (__atomic_load_n(&ring_head, __ATOMIC_ACQUIRE) != tail) {
            *ev = ring[tail % RING];
            ring_tail = tail + 1;
            return;
        }
        sys_sm_ctrl(wake_sm, VIREO_SM_OP_DOWN, VIREO_TIMEOUT_NEVER);
    }
}
