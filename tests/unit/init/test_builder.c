/* init's builder against the kernel's real object layer (kernel/obj/),
 * with the system calls routed to obj_syscall on the host: every server
 * gets exactly the capabilities its node lists, a restart rewires its
 * clients, and tearing everything down gives back every block of quota,
 * every frame and every selector. */
#define _GNU_SOURCE
#include "check.h"
#include "builder.h"
#include "obj.h"
#include "cspace.h"
#include <vireo/ipc.h>
#include <vireo/syscall.h>
#include <vireo/sys.h>
#include "layout.h"
#include <string.h>
#include <sys/mman.h>

/* ---- a host "kernel": the object layer with a trivial MMU ---- */

static struct obj_kernel k;
static _Alignas(64) u8 pool_mem[1024 * (OBJ_BLOCK_SIZE + 1)];
static u64 mapped_pages;

static enum vireo_status space_create(void *ctx, struct obj_pd *pd)
{
    pd->arch_space = 1;
    return VIREO_OK;
}
static void space_destroy(void *ctx, struct obj_pd *pd) {}
static enum vireo_status map_page(void *ctx, struct obj_pd *pd, u64 vpage, u64 frame, u32 r)
{
    mapped_pages++;
    return VIREO_OK;
}
static void unmap_page(void *ctx, struct obj_pd *pd, u64 vpage)
{
    mapped_pages--;
}
static void tlb_shootdown(void *ctx, struct obj_pd *pd) {}
static const struct obj_mmu_ops mmu = {
    .space_create = space_create,
    .space_destroy = space_destroy,
    .map_page = map_page,
    .unmap_page = unmap_page,
    .tlb_shootdown = tlb_shootdown,
};

static u64 sys(u64 nr, u64 a0, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5, u64 *result)
{
    const u64 args[6] = {a0, a1, a2, a3, a4, a5};
    u64 r = 0;
    enum vireo_status s = obj_syscall(&k, k.init_pd, nr, args, &r);
    if (result)
        *result = r;
    return s;
}

/* The runtime's stubs, as the builder calls them. */
enum vireo_status sys_create_pd(u64 dst, u64 pd, u64 quota, u64 flags, const char *name)
{
    (void)name; /* the model has no console */
    return sys(VIREO_SYS_CREATE_PD, dst, pd, quota, flags, 0, 0, NULL);
}
enum vireo_status sys_create_ec(u64 dst, u64 pd, u64 utcb_page, u64 ip, u64 sp, u64 flags)
{
    return sys(VIREO_SYS_CREATE_EC, dst, pd, utcb_page, ip, sp, flags, NULL);
}
enum vireo_status sys_create_sc(u64 dst, u64 pd, u64 ec, u64 priority, u64 budget_us)
{
    return sys(VIREO_SYS_CREATE_SC, dst, pd, ec, priority, budget_us, 0, NULL);
}
enum vireo_status sys_create_pt(u64 dst, u64 pd, u64 ec, u64 badge, u64 mtd)
{
    return sys(VIREO_SYS_CREATE_PT, dst, pd, ec, badge, mtd, 0, NULL);
}
enum vireo_status sys_revoke(u64 crd, u64 flags)
{
    return sys(VIREO_SYS_REVOKE, crd, flags, 0, 0, 0, 0, NULL);
}
enum vireo_status sys_lookup(u64 sel, u64 *info)
{
    return sys(VIREO_SYS_LOOKUP, sel, 0, 0, 0, 0, 0, info);
}
/* A mapping into init itself also gets host memory at that address, so
 * the builder can fill it. */
enum vireo_status sys_delegate(u64 dst_pd, u64 crd, u64 offset, u64 pages, u64 dst)
{
    enum vireo_status s = sys(VIREO_SYS_DELEGATE, dst_pd, crd, offset, pages, dst, 0, NULL);
    if (s == VIREO_OK && dst_pd == VIREO_INIT_SEL_PD && vireo_crd_kind(crd) == VIREO_CRD_MEM) {
        void *p = mmap((void *)(dst * VIREO_PAGE_SIZE), pages * VIREO_PAGE_SIZE,
                       PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        CHECK(p != MAP_FAILED);
    }
    return s;
}
const char *vireo_status_name(u64 status)
{
    static char text[16];
    snprintf(text, sizeof(text), "status %llu", (unsigned long long)status);
    return text;
}
const void *module_find(const struct vireo_init_info *info, const char *name, u64 *size)
{
    return NULL;
}

/* ---- the system under test ---- */

static struct system_desc sys_desc;
static struct init_ctx c;
/* What the kernel hands init; the builder copies tsc_khz and the host's
 * date into every server's info. */
static const struct vireo_init_info init_info = {
    .magic = VIREO_INIT_MAGIC, .tsc_khz = 2100000, .epoch_s = 1796193612, .epoch_tsc = 123456789};

static const char *const names[] = {"echo", "client", "sharer"};

static void describe(void)
{
    memset(&sys_desc, 0, sizeof(sys_desc));
    sys_desc.count = 3;
    for (u32 i = 0; i < 3; i++) {
        struct server_desc *d = &sys_desc.servers[i];
        strcpy(d->name, names[i]);
        d->module = names[i];
        d->priority = 10;
        d->budget_us = 1000;
        d->quota = 16;
        d->memory_kib = 96;
        d->max_restarts = 3;
    }
    sys_desc.servers[0].provides_portal = true;
    sys_desc.servers[1].call_count = 1; /* client calls echo */
    sys_desc.servers[1].calls[0] = 0;
    struct server_desc *sharer = &sys_desc.servers[2];
    sharer->call_count = 1; /* sharer calls echo, maps into client */
    sharer->calls[0] = 0;
    sharer->peer_count = 1;
    sharer->peers[0] = 1;
    sharer->own_pd = true;
    sharer->shared_kib = 8;
}

static void prepare(u32 i)
{
    struct server_rt *r = &c.rt[i];
    r->desc = &sys_desc.servers[i];
    r->id = i + 1;
    static const u8 image[0x3000];
    r->image = image;
    r->image_size = sizeof(image);
    r->elf = (struct elf64_image){.entry = 0x400000, .segment_count = 2};
    r->elf.segments[0] = (struct elf64_segment){0x400000, 0x1000, 0x1000, 0x1000, PF_R | PF_X};
    r->elf.segments[1] = (struct elf64_segment){0x401000, 0x2000, 0x2000, 0x800, PF_R | PF_W};
    char why[96];
    CHECK(elf_plan_build(&r->elf, r->desc->memory_kib, &r->plan, why, sizeof(why)));
}

/* The capability at sel in server i's own space: type and rights. */
static u64 cap_of(u32 i, u64 sel)
{
    struct obj_node *pd;
    if (obj_lookup(k.init_pd, c.rt[i].pd, VIREO_CAP_PD, 0, &pd) != VIREO_OK)
        return ~0ull;
    struct obj_node *n = cspace_cap((struct obj_pd *)pd->u.obj, sel);
    return n ? (u64)n->type << 8 | n->rights : 0;
}

static u32 caps_in(u32 i)
{
    struct obj_node *pd;
    if (obj_lookup(k.init_pd, c.rt[i].pd, VIREO_CAP_PD, 0, &pd) != VIREO_OK)
        return ~0u;
    u32 n = 0;
    for (u64 sel = 0; sel < VIREO_SEL_COUNT; sel++)
        n += cspace_cap((struct obj_pd *)pd->u.obj, sel) != NULL;
    return n;
}

static void test_build_and_teardown(void)
{
    const struct obj_frame_range ranges[] = {{0x1000, 64}, {0x4000, 4096}};
    CHECK(obj_kernel_init(&k, pool_mem, sizeof(pool_mem), &mmu, NULL, ranges, 2) == VIREO_OK);
    describe();
    c.sys = &sys_desc;
    c.info = &init_info;
    CHECK(builder_init(&c));
    CHECK_EQ_U64(c.frames.count, 2);
    CHECK_EQ_U64(c.frames.roots[1].pages, 4096);
    /* The supervisor's EC, as supervisor_setup makes it. */
    c.sup_ec = sel_alloc(&c.sels);
    CHECK(sys_create_ec(c.sup_ec, VIREO_INIT_SEL_PD, 0x7fff00020, 0x400000, 0x7fff01000000, 0) ==
          VIREO_OK);
    u64 quota0 = k.init_pd->quota_used, frames0 = frames_available(&c.frames);

    char why[160] = "";
    for (u32 i = 0; i < 3; i++) {
        prepare(i);
        CHECK(builder_build(&c, i, why, sizeof(why)));
    }
    for (u32 i = 0; i < 3; i++)
        CHECK(builder_wire(&c, i, why, sizeof(why)));
    for (u32 i = 0; i < 3; i++)
        CHECK(builder_start(&c, i, why, sizeof(why)));
    if (why[0])
        fprintf(stderr, "  builder: %s\n", why);

    /* Exactly what each node lists. */
    u64 call = (u64)VIREO_CAP_PT << 8 | VIREO_PT_CALL;
    /* The fault portal without rights: the server cannot call it. */
    CHECK_EQ_U64(cap_of(0, VIREO_SEL_FAULT_PT), (u64)VIREO_CAP_PT << 8);
    CHECK_EQ_U64(caps_in(0), 1);
    CHECK_EQ_U64(cap_of(1, VIREO_SERVER_SEL_CALL0), call);
    CHECK_EQ_U64(caps_in(1), 2);
    CHECK_EQ_U64(cap_of(2, VIREO_SERVER_SEL_CALL0), call);
    CHECK_EQ_U64(cap_of(2, VIREO_SERVER_SEL_PEER0),
                 (u64)VIREO_CAP_PD << 8 | VIREO_PD_DELEGATE_INTO);
    CHECK_EQ_U64(cap_of(2, VIREO_SERVER_SEL_OWN_PD),
                 (u64)VIREO_CAP_PD << 8 | VIREO_PD_CREATE | VIREO_PD_DELEGATE_INTO);
    CHECK_EQ_U64(cap_of(2, VIREO_SERVER_SEL_SHARED),
                 (u64)VIREO_CAP_MEM << 8 | VIREO_MEM_R | VIREO_MEM_W | VIREO_RIGHT_DELEGATE);
    CHECK_EQ_U64(caps_in(2), 5);

    /* The info page, seen through init's window. */
    const struct server_rt *sharer = &c.rt[2];
    const struct vireo_server_info *info =
        (const void *)(INIT_WINDOW(sharer->id) + sharer->plan.info_page * VIREO_PAGE_SIZE);
    CHECK_EQ_U64(info->magic, VIREO_SERVER_MAGIC);
    CHECK(strcmp(info->name, "sharer") == 0);
    CHECK_EQ_U64(info->id, 3);
    CHECK_EQ_U64(info->call_count, 1);
    CHECK(strcmp(info->calls[0].name, "echo") == 0 && info->calls[0].id == 1);
    CHECK(strcmp(info->peers[0].name, "client") == 0 && info->peers[0].sel == 32);
    CHECK_EQ_U64(info->shared_size, 8192);
    CHECK_EQ_U64(info->heap_size, 32 * 1024);
    CHECK_EQ_U64(info->tsc_khz, 2100000);
    CHECK_EQ_U64(info->epoch_s, 1796193612);
    CHECK_EQ_U64(info->epoch_tsc, 123456789);

    /* Restarting echo: the clients' portals go with the old one and come
     * back from the new one. */
    builder_teardown(&c, 0);
    CHECK_EQ_U64(cap_of(1, VIREO_SERVER_SEL_CALL0), 0);
    c.rt[0].rec.restarts = 1;
    CHECK(builder_build(&c, 0, why, sizeof(why)) && builder_wire(&c, 0, why, sizeof(why)) &&
          builder_start(&c, 0, why, sizeof(why)));
    CHECK_EQ_U64(cap_of(1, VIREO_SERVER_SEL_CALL0), call);
    CHECK_EQ_U64(cap_of(2, VIREO_SERVER_SEL_CALL0), call);
    const struct vireo_server_info *echo_info =
        (const void *)(INIT_WINDOW(1) + c.rt[0].plan.info_page * VIREO_PAGE_SIZE);
    CHECK_EQ_U64(echo_info->restarts, 1);

    /* Everything back: quota, frames, selectors, mappings of servers. */
    for (u32 i = 0; i < 3; i++)
        builder_teardown(&c, i);
    CHECK_EQ_U64(k.init_pd->quota_used, quota0);
    CHECK_EQ_U64(frames_available(&c.frames), frames0);
    CHECK_EQ_U64(sel_alloc(&c.sels), c.sup_ec + 1);
    CHECK_EQ_U64(mapped_pages, 0);
}

static void test_failure_cleans_up(void)
{
    /* A quota too small for its objects: the build fails and leaves
     * nothing behind. */
    u64 quota0 = k.init_pd->quota_used, frames0 = frames_available(&c.frames);
    sys_desc.servers[2].quota = 1;
    char why[160];
    CHECK(!builder_build(&c, 2, why, sizeof(why)));
    CHECK(strstr(why, "failed") != NULL);
    CHECK(!c.rt[2].alive);
    CHECK_EQ_U64(k.init_pd->quota_used, quota0);
    CHECK_EQ_U64(frames_available(&c.frames), frames0);
    sys_desc.servers[2].quota = 16;
}

int main(void)
{
    test_build_and_teardown();
    test_failure_cleans_up();
    return check_report("init_builder");
}
