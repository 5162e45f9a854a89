/* The architecture-neutral vCPU layer (kernel/x86/vcpu.h): creating and
 * freeing vCPUs, running them, delivering every exit to its portal and
 * checking and loading the replies. */
#include "vcpu_rt.h"
#include "runtime.h"
#include "../log.h"
#include "../memory.h"
#include "../sched/ipc.h"
#include "../sched/sched.h"
#include "../vcpu/entry_check.h"
#include <vireo/vcpu_state.h>
#include "../x86/ec_context.h"
#include <string.h>
#include <vireo/config.h>
#include <x86/cpu.h>

const struct vcpu_backend *vcpu_backend;
static struct entry_caps caps;
/* Tags (VPIDs, ASIDs) in use: 1..VCPU_TAGS-1; the lowest free one goes to
 * a new vCPU, so live vCPUs never share one. */
#define VCPU_TAGS 4096u
static u64 tags_used[VCPU_TAGS / 64] = {1}; /* tag 0 is the host's */

static u32 tag_alloc(void)
{
    for (u32 w = 0; w < VCPU_TAGS / 64; w++) {
        if (tags_used[w] == ~0ull)
            continue;
        u32 bit = (u32)__builtin_ctzll(~tags_used[w]);
        tags_used[w] |= 1ull << bit;
        return w * 64 + bit;
    }
    return 0;
}

static void tag_free(u32 tag)
{
    if (tag && tag < VCPU_TAGS)
        tags_used[tag / 64] &= ~(1ull << (tag % 64));
}

void vcpu_boot_init(enum vireo_virt_kind kind)
{
    const struct vcpu_backend *b = kind == VIREO_VIRT_VMX   ? &vmx_backend
                                   : kind == VIREO_VIRT_SVM ? &svm_backend
                                                            : NULL;
    if (!b)
        return;
    if (!b->cpu_init()) {
        log_error("kernel: vcpu: %s could not be enabled; no VM can run\n", b->name);
        return;
    }
    vcpu_backend = b;
    entry_caps_probe(&caps, b->arch);
    log_info("kernel: vcpu: %s enabled\n", b->name);
}

/* ---- lifetime (the object layer's vcpu hooks) ---- */

enum vireo_status vcpu_create(void *ctx, struct obj_ec *ec)
{
    (void)ctx;
    if (!vcpu_backend)
        return VIREO_E_NO_MEMORY; /* the boot log said why */
    u64 page = frame_alloc();
    u64 hw = page ? frame_alloc() : 0;
    if (!hw) {
        if (page)
            frame_free(page);
        return VIREO_E_NO_MEMORY;
    }
    struct vcpu *v = phys_to_virt(page);
    v->ec = ec;
    v->hw = phys_to_virt(hw);
    v->hw_phys = hw;
    v->pending = VIREO_EXIT_STARTUP;
    /* The back ends flush a tag's translations on a vCPU's first entry,
     * so a tag a dead vCPU used starts clean. */
    v->tag = tag_alloc();
    ec->arch = (u64)v;
    enum vireo_status status = v->tag ? vcpu_backend->init(v) : VIREO_E_NO_MEMORY;
    if (status != VIREO_OK) {
        tag_free(v->tag);
        frame_free(hw);
        frame_free(page);
        ec->arch = 0;
    }
    return status;
}

void vcpu_destroy(void *ctx, struct obj_ec *ec)
{
    (void)ctx;
    struct vcpu *v = vcpu_of(ec);
    if (!v)
        return;
    vcpu_backend->fini(v);
    tag_free(v->tag);
    frame_free(v->hw_phys);
    frame_free(virt_to_phys(v));
    ec->arch = 0;
}

u64 vcpu_gpa_leaf_flags(u32 rights)
{
    return vcpu_backend ? vcpu_backend->gpa_leaf_flags(rights) : 0;
}

void vcpu_gpa_flush(struct obj_pd *vm)
{
    if (vcpu_backend)
        vcpu_backend->gpa_flush(vm);
}

/* ---- running ---- */

/* Calls the portal of the exit's class; the vCPU blocks until the reply. */
static void deliver(struct obj_ec *ec, struct vcpu *v, u32 cls, bool by_hw)
{
    v->exit_class = cls;
    v->exit_by_hw = by_hw;
    ipc_vcpu_exit(ec, ec->utcb_page + cls);
}

/* The benchmark's baseline (VIREO_BENCH_EXIT_SHORTCUT): a CPUID exit
 * answered here with the host's values, and the guest resumed at once. */
static bool bench_shortcut(struct vcpu *v, u32 cls)
{
    if (!CONFIG_BENCH_EXIT_SHORTCUT || cls != VIREO_EXIT_CPUID)
        return false;
    struct vireo_vcpu_state s;
    u64 mtd = VIREO_MTD(GPR_ACDB) | VIREO_MTD(RIP_LEN);
    v->exit_by_hw = 1;
    vcpu_backend->read(v, mtd, &s);
    struct cpuid_regs r = cpuid((u32)s.rax, (u32)s.rcx);
    s.rax = r.eax, s.rbx = r.ebx, s.rcx = r.ecx, s.rdx = r.edx;
    s.rip += s.insn_len ? s.insn_len : 2; /* 0f a2 */
    vcpu_backend->write(v, mtd, &s);
    return true;
}

/* The interrupt that made a HOST exit is still pending: take it here. */
static void take_host_interrupts(void)
{
    __asm__ volatile("sti; nop; cli" ::: "memory");
}

void vcpu_run(struct obj_ec *ec)
{
    struct vcpu *v = vcpu_of(ec);
    for (;;) {
        if (ec->recall) {
            ec->recall = 0;
            deliver(ec, v, VIREO_EXIT_RECALL, false);
            return;
        }
        if (v->pending != VCPU_NO_EXIT) {
            u32 cls = v->pending;
            v->pending = VCPU_NO_EXIT;
            deliver(ec, v, cls, false);
            return;
        }
        ec_context_fpu_load(ec);
        u32 cls = vcpu_backend->run(v);
        if (cls == VIREO_EXIT_ENTRY_FAILURE) {
            deliver(ec, v, cls, false); /* the back end set fail_* */
            return;
        }
        if (bench_shortcut(v, cls))
            continue;
        if (cls != VIREO_EXIT_HOST) {
            deliver(ec, v, cls, true);
            return;
        }
        take_host_interrupts();
        rt_account();
        /* Go on unless the scheduler now wants something else. */
        struct obj_sc *sc = sched_pick();
        if (!sc || sched_chain_end(sc->ec) != ec)
            return;
    }
}

/* ---- the message ---- */

void vcpu_exit_message(struct obj_ec *ec, struct vireo_vcpu_state *out)
{
    struct vcpu *v = vcpu_of(ec);
    u64 mtd = ec->exit_mtd & VIREO_MTD_ALL;
    memset(out, 0, sizeof(*out));
    out->mtd = mtd;
    out->exit_class = v->exit_class;
    out->arch = vcpu_backend->arch;
    if (v->exit_class == VIREO_EXIT_ENTRY_FAILURE) {
        out->raw_reason = v->fail_raw;
        out->info[0] = v->fail_check;
        out->info[1] = v->fail_detail;
        out->info[2] = v->fail_item;
    }
    vcpu_backend->read(v, mtd, out);
    if (v->exit_class == VIREO_EXIT_ENTRY_FAILURE) {
        /* read() may have put the hardware's words there; the check wins. */
        out->info[0] = v->fail_check;
        out->info[1] = v->fail_detail;
        out->info[2] = v->fail_item;
    }
}

/* The reply failed a check: nothing of it is applied, and the vCPU exits
 * again at once with ENTRY_FAILURE naming it. */
static void reply_failed(struct obj_ec *ec, struct vcpu *v, u32 check, u64 detail, u32 item)
{
    char name[24];
    v->fail_check = check;
    v->fail_detail = detail;
    v->fail_item = item;
    v->fail_raw = 0;
    v->pending = VIREO_EXIT_ENTRY_FAILURE;
    log_debug("kernel: %s: vCPU %u: reply refused: %s (detail 0x%llx)\n", rt_pd_name(ec->pd, name),
              ec->id, vireo_entry_check_name(check), (unsigned long long)detail);
}

bool vcpu_reply(struct obj_ec *ec, const u64 *msg, u64 words)
{
    struct vcpu *v = vcpu_of(ec);
    if (words == 0)
        return false; /* a reply without words stops the vCPU */
    struct vireo_vcpu_state in;
    u64 n = words < VIREO_VCPU_STATE_WORDS ? words : VIREO_VCPU_STATE_WORDS;
    memcpy(&in, msg, n * 8);
    memset((u64 *)&in + n, 0, (VIREO_VCPU_STATE_WORDS - n) * 8); /* missing words read 0 */
    if (in.mtd & ~VIREO_MTD_ALL) {
        reply_failed(ec, v, VIREO_CHECK_MTD_RESERVED, in.mtd & ~VIREO_MTD_ALL, ~0u);
        return true;
    }
    u64 mtd = in.mtd & VIREO_MTD_WRITABLE; /* exit-only items are ignored */
    if (!mtd)
        return true;
    /* The state after the reply: what the vCPU has, with the reply's
     * items over it. */
    struct vireo_vcpu_state next; /* entry_check reads only the items read here */
    vcpu_backend->read(v, entry_check_items(mtd), &next);
    vireo_state_copy_items(&next, &in, mtd);
    u64 detail = 0;
    u32 item = ~0u;
    u32 check = entry_check(&next, mtd, &caps, &detail, &item);
    if (check == VIREO_CHECK_NONE)
        check = vcpu_backend->check(v, &next, mtd, &detail, &item);
    if (check != VIREO_CHECK_NONE) {
        reply_failed(ec, v, check, detail, item);
        return true;
    }
    vcpu_backend->write(v, mtd, &in);
    return true;
}
