/* Builds servers out of capabilities (builder.h). The order matters: the
 * memory and PD first, then the mappings, then threads and portals, and
 * the SC last, so nothing runs before its space is complete. */
#include "builder.h"
#include "vm_builder.h"
#include "layout.h"
#include "modules.h"
#include <vireo/cap.h>
#include <vireo/format.h>
#include <vireo/ipc.h>
#include <vireo/sys.h>
#include <vireo/syscall.h>
#include <vireo/utcb.h>
#include <string.h>

#define PAGE   VIREO_PAGE_SIZE
#define ULL(x) ((unsigned long long)(x))

bool builder_init(struct init_ctx *c)
{
    frames_init(&c->frames);
    u64 sel = VIREO_INIT_SEL_MEM;
    for (; sel < VIREO_SEL_COUNT; sel++) {
        u64 info = 0;
        if (sys_lookup(sel, &info) != VIREO_OK || vireo_capinfo_type(info) != VIREO_CAP_MEM)
            break;
        if (!frames_add_root(&c->frames, sel, vireo_capinfo_pages(info)))
            break;
    }
    sel_init(&c->sels, sel);
    for (u32 i = 0; i < INIT_MAX_SERVERS; i++) {
        struct server_rt *r = &c->rt[i];
        r->pd = r->ec = r->sc = r->pt = r->fault_pt = r->mem = r->shared = SEL_NONE;
        r->vm_pd = r->vm_ram = r->vm_files = SEL_NONE;
    }
    return c->frames.count > 0;
}

bool builder_prepare(struct init_ctx *c, u32 i, char *why, size_t why_size)
{
    struct server_rt *r = &c->rt[i];
    const struct server_desc *d = &c->sys->servers[i];
    r->desc = d;
    r->id = i + 1;
    r->image = module_find(c->info, d->module, &r->image_size);
    if (!r->image) {
        snformat(why, why_size, "/servers/%s: property 'module': no boot module \"%s\"", d->name,
                 d->module);
        return false;
    }
    char elf_why[128];
    if (!elf64_parse(r->image, r->image_size, &server_elf_rules, &r->elf, elf_why,
                     sizeof(elf_why))) {
        snformat(why, why_size, "/servers/%s: property 'module': \"%s\" is no server ELF: %s",
                 d->name, d->module, elf_why);
        return false;
    }
    if (!elf_plan_build(&r->elf, d->memory_kib, &r->plan, elf_why, sizeof(elf_why))) {
        snformat(why, why_size, "/servers/%s: property 'memory-kib': %s", d->name, elf_why);
        return false;
    }
    return vm_prepare(c, r, why, why_size);
}

/* ---- small helpers: each failure names its step ---- */

static bool step(enum vireo_status s, const char *what, char *why, size_t why_size)
{
    if (s == VIREO_OK)
        return true;
    snformat(why, why_size, "%s failed: %s", what, vireo_status_name(s));
    return false;
}

static u64 take_sel(struct init_ctx *c)
{
    return sel_alloc(&c->sels);
}

void builder_drop(struct init_ctx *c, u64 *sel)
{
    if (*sel == SEL_NONE)
        return;
    sys_revoke(vireo_crd(VIREO_CRD_OBJ, 0, *sel), VIREO_REVOKE_SELF);
    sel_free(&c->sels, *sel);
    *sel = SEL_NONE;
}

/* A child MEM capability of `pages` frames, mapped read-write into init at
 * window so init can fill it. */
bool builder_carve(struct init_ctx *c, u64 pages, u64 window, u64 *sel, u64 *root, u64 *offset,
                   char *why, size_t why_size)
{
    if (!frames_alloc(&c->frames, pages, root, offset)) {
        snformat(why, why_size, "no %llu free pages (%llu left)", ULL(pages),
                 ULL(frames_available(&c->frames)));
        return false;
    }
    *sel = take_sel(c);
    enum vireo_status s = sys_delegate(
        VIREO_INIT_SEL_PD, vireo_crd(VIREO_CRD_OBJ, VIREO_MEM_RWX | VIREO_RIGHT_DELEGATE, *root),
        *offset, pages, *sel);
    if (s == VIREO_OK)
        s = sys_delegate(VIREO_INIT_SEL_PD,
                         vireo_crd(VIREO_CRD_MEM, VIREO_MEM_R | VIREO_MEM_W, *sel), 0, pages,
                         window / PAGE);
    if (s != VIREO_OK) {
        builder_drop(c, sel);
        frames_free(&c->frames, *root, *offset, pages);
        return step(s, "carving memory", why, why_size);
    }
    memset((void *)window, 0, pages * PAGE); /* frames come as their last user left them */
    return true;
}

static void fill_ref(struct vireo_server_ref *ref, u64 sel, const struct server_rt *to)
{
    ref->sel = sel;
    ref->id = to->id;
    memcpy(ref->name, to->desc->name, VIREO_SERVER_NAME_LEN);
}

static void fill_info(struct init_ctx *c, const struct server_rt *r, struct vireo_server_info *in)
{
    const struct server_desc *d = r->desc;
    const struct server_plan *p = &r->plan;
    *in = (struct vireo_server_info){
        .magic = VIREO_SERVER_MAGIC,
        .version = VIREO_SERVER_VERSION,
        .size = sizeof(*in),
        .id = r->id,
        .restarts = r->rec.restarts,
        .max_restarts = d->max_restarts,
        .tsc_khz = c->info->tsc_khz,
        .epoch_s = c->info->epoch_s,
        .epoch_tsc = c->info->epoch_tsc,
        .arg = d->arg,
        .utcb_addr = VIREO_SERVER_UTCB_ADDR,
        .stack_top = VIREO_SERVER_STACK_TOP,
        .stack_size = p->stack_pages * PAGE,
        .heap_addr = p->heap_pages ? VIREO_SERVER_HEAP_ADDR : 0,
        .heap_size = p->heap_pages * PAGE,
        .shared_addr = d->shared_kib ? VIREO_SERVER_SHARED_ADDR : 0,
        .shared_size = (u64)d->shared_kib * 1024,
        .shared_sel = d->shared_kib ? VIREO_SERVER_SEL_SHARED : SEL_NONE,
        .own_pd_sel = d->own_pd ? VIREO_SERVER_SEL_OWN_PD : SEL_NONE,
        .console_sel = d->console_input ? VIREO_SERVER_SEL_CONSOLE : SEL_NONE,
        .call_count = d->call_count,
        .peer_count = d->peer_count,
    };
    memcpy(in->name, d->name, VIREO_SERVER_NAME_LEN);
    if (d->vm) {
        in->has_vm = 1;
        vm_fill_info(c, r, &in->vm);
    }
    for (u32 k = 0; k < d->call_count; k++)
        fill_ref(&in->calls[k], VIREO_SERVER_SEL_CALL0 + k, &c->rt[d->calls[k]]);
    for (u32 k = 0; k < d->peer_count; k++)
        fill_ref(&in->peers[k], VIREO_SERVER_SEL_PEER0 + k, &c->rt[d->peers[k]]);
}

/* Copies the ELF's file bytes and writes the info page and UTCB head
 * through init's window onto the server's memory. */
static void fill_memory(struct init_ctx *c, struct server_rt *r)
{
    u8 *win = (u8 *)INIT_WINDOW(r->id);
    const struct server_plan *p = &r->plan;
    for (u32 k = 0; k < p->copy_count; k++)
        memcpy(win + p->copies[k].mem_byte, (const u8 *)r->image + p->copies[k].file_offset,
               p->copies[k].bytes);
    fill_info(c, r, (struct vireo_server_info *)(win + p->info_page * PAGE));
    struct vireo_utcb_head *utcb = (struct vireo_utcb_head *)(win + p->utcb_page * PAGE);
    u64 guard;
    __asm__ volatile("movq %%fs:0x28, %0" : "=r"(guard));
    utcb->self = VIREO_SERVER_UTCB_ADDR;
    /* A canary of its own, derived from init's secret one. */
    utcb->stack_guard = (guard ^ ((u64)r->id << 32 | r->rec.restarts)) * 0x9e3779b97f4a7c15ull;
}

static bool map_server(struct server_rt *r, char *why, size_t why_size)
{
    const struct server_plan *p = &r->plan;
    for (u32 k = 0; k < p->map_count; k++) {
        const struct plan_map *m = &p->maps[k];
        if (!step(sys_delegate(r->pd, vireo_crd(VIREO_CRD_MEM, m->rights, r->mem), m->offset,
                               m->pages, m->vpage),
                  "mapping memory", why, why_size))
            return false;
    }
    if (r->shared != SEL_NONE &&
        !step(sys_delegate(r->pd, vireo_crd(VIREO_CRD_MEM, VIREO_MEM_R | VIREO_MEM_W, r->shared), 0,
                           r->shared_pages, VIREO_SERVER_SHARED_ADDR / PAGE),
              "mapping shared memory", why, why_size))
        return false;
    return true;
}

/* The capabilities a server holds of itself: its fault portal, and as
 * listed its own PD and its shared memory. */
static bool give_own_caps(struct init_ctx *c, struct server_rt *r, char *why, size_t why_size)
{
    const struct server_desc *d = r->desc;
    r->fault_pt = take_sel(c);
    if (!step(sys_create_pt(r->fault_pt, r->pd, c->sup_ec, r->id, 0), "creating the fault portal",
              why, why_size) ||
        /* No rights: the kernel delivers faults through it, the server
         * itself cannot call it (so it cannot forge a fault). */
        !step(
            sys_delegate(r->pd, vireo_crd(VIREO_CRD_OBJ, 0, r->fault_pt), 0, 0, VIREO_SEL_FAULT_PT),
            "delegating the fault portal", why, why_size))
        return false;
    /* DELEGATE_INTO too: a server may copy its own capabilities into its
     * own space with fewer rights or pages (a VMM's RAM chunks). */
    if (d->own_pd &&
        !step(sys_delegate(
                  r->pd, vireo_crd(VIREO_CRD_OBJ, VIREO_PD_CREATE | VIREO_PD_DELEGATE_INTO, r->pd),
                  0, 0, VIREO_SERVER_SEL_OWN_PD),
              "delegating its own PD", why, why_size))
        return false;
    if (d->console_input &&
        !step(sys_delegate(r->pd, vireo_crd(VIREO_CRD_OBJ, VIREO_SM_DOWN, VIREO_INIT_SEL_CONSOLE),
                           0, 0, VIREO_SERVER_SEL_CONSOLE),
              "delegating the console input", why, why_size))
        return false;
    if (r->shared != SEL_NONE &&
        !step(sys_delegate(r->pd,
                           vireo_crd(VIREO_CRD_OBJ,
                                     VIREO_MEM_R | VIREO_MEM_W | VIREO_RIGHT_DELEGATE, r->shared),
                           0, r->shared_pages, VIREO_SERVER_SEL_SHARED),
              "delegating shared memory", why, why_size))
        return false;
    return true;
}

bool builder_build(struct init_ctx *c, u32 i, char *why, size_t why_size)
{
    struct server_rt *r = &c->rt[i];
    const struct server_desc *d = r->desc;
    r->alive = true; /* from here on, teardown cleans up whatever exists */
    r->shared_pages = (u64)d->shared_kib * 1024 / PAGE;
    if (!builder_carve(c, r->plan.total_pages, INIT_WINDOW(r->id), &r->mem, &r->mem_root,
                       &r->mem_offset, why, why_size))
        goto fail;
    if (r->shared_pages && !builder_carve(c, r->shared_pages, INIT_WINDOW_SHARED(r->id), &r->shared,
                                          &r->shared_root, &r->shared_offset, why, why_size))
        goto fail;
    fill_memory(c, r);

    /* The kernel prefixes the server's console lines with this name; node
     * names may be longer than a console name. */
    char console_name[VIREO_PD_NAME_MAX + 1];
    snformat(console_name, sizeof(console_name), "%s", d->name);
    r->pd = take_sel(c);
    if (!step(sys_create_pd(r->pd, VIREO_INIT_SEL_PD, d->quota + vm_vmm_extra_quota(c, r), 0,
                            console_name),
              "creating the PD", why, why_size) ||
        !map_server(r, why, why_size))
        goto fail;
    r->ec = take_sel(c);
    if (!step(sys_create_ec(r->ec, r->pd, VIREO_SERVER_UTCB_ADDR / PAGE, r->plan.entry,
                            VIREO_SERVER_STACK_TOP, 0),
              "creating the EC", why, why_size) ||
        !give_own_caps(c, r, why, why_size) || !vm_build(c, r, why, why_size))
        goto fail;
    if (d->provides_portal) {
        r->pt = take_sel(c);
        if (!step(sys_create_pt(r->pt, r->pd, r->ec, r->id, 0), "creating its portal", why,
                  why_size))
            goto fail;
    }
    return true;
fail:
    builder_teardown(c, i);
    return false;
}

/* Gives holder h the capability its entry k of `calls` (peer false) or
 * `delegate-to` (peer true) names, if that server is alive. */
static bool wire_one(struct init_ctx *c, u32 h, u32 k, bool peer, char *why, size_t why_size)
{
    const struct server_rt *holder = &c->rt[h];
    const struct server_desc *d = holder->desc;
    const struct server_rt *to = &c->rt[peer ? d->peers[k] : d->calls[k]];
    if (!holder->alive || !to->alive)
        return true;
    u64 crd = peer ? vireo_crd(VIREO_CRD_OBJ, VIREO_PD_DELEGATE_INTO, to->pd)
                   : vireo_crd(VIREO_CRD_OBJ, VIREO_PT_CALL, to->pt);
    u64 dst = peer ? VIREO_SERVER_SEL_PEER0 + k : VIREO_SERVER_SEL_CALL0 + k;
    enum vireo_status s = sys_delegate(holder->pd, crd, 0, 0, dst);
    if (s == VIREO_E_OVERLAP)
        return true; /* it still holds the one from before */
    return step(s, peer ? "delegating a peer PD" : "delegating a call portal", why, why_size);
}

bool builder_wire(struct init_ctx *c, u32 i, char *why, size_t why_size)
{
    for (u32 h = 0; h < c->sys->count; h++) {
        const struct server_desc *d = &c->sys->servers[h];
        for (u32 k = 0; k < d->call_count; k++) {
            if ((h == i || d->calls[k] == i) && !wire_one(c, h, k, false, why, why_size))
                return false;
        }
        for (u32 k = 0; k < d->peer_count; k++) {
            if ((h == i || d->peers[k] == i) && !wire_one(c, h, k, true, why, why_size))
                return false;
        }
    }
    return true;
}

bool builder_start(struct init_ctx *c, u32 i, char *why, size_t why_size)
{
    struct server_rt *r = &c->rt[i];
    r->sc = take_sel(c);
    return step(sys_create_sc(r->sc, r->pd, r->ec, r->desc->priority, r->desc->budget_us),
                "creating the SC", why, why_size);
}

void builder_teardown(struct init_ctx *c, u32 i)
{
    struct server_rt *r = &c->rt[i];
    if (!r->alive)
        return;
    /* The SC first, so it stops running; the memory last, so nothing is
     * left mapped onto frames that go back to the pool. */
    builder_drop(c, &r->sc);
    builder_drop(c, &r->pt);
    builder_drop(c, &r->fault_pt);
    builder_drop(c, &r->ec);
    builder_drop(c, &r->pd);
    vm_teardown(c, r);
    if (r->shared != SEL_NONE) {
        builder_drop(c, &r->shared);
        frames_free(&c->frames, r->shared_root, r->shared_offset, r->shared_pages);
    }
    if (r->mem != SEL_NONE) {
        builder_drop(c, &r->mem);
        frames_free(&c->frames, r->mem_root, r->mem_offset, r->plan.total_pages);
    }
    r->alive = false;
}
