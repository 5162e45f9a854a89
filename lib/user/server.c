/* Server start-up (lib/include/vireo/server.h). */
#include <vireo/server.h>
#include <vireo/heap.h>
#include <vireo/user.h>
#include <string.h>

const struct vireo_server_info *server_start(void)
{
    const struct vireo_server_info *info = (const struct vireo_server_info *)VIREO_SERVER_INFO_ADDR;
    if (info->magic != VIREO_SERVER_MAGIC || info->version != VIREO_SERVER_VERSION ||
        info->size != sizeof(*info))
        user_fatal("server: no valid server info at %#llx\n", VIREO_SERVER_INFO_ADDR);
    heap_init(&user_heap, (void *)info->heap_addr, info->heap_size);
    user_utcb = (struct vireo_utcb *)info->utcb_addr;
    return info;
}

static const struct vireo_server_ref *find(const struct vireo_server_ref *refs, u32 count, u32 max,
                                           const char *name)
{
    for (u32 i = 0; i < count && i < max; i++) {
        if (strncmp(refs[i].name, name, VIREO_SERVER_NAME_LEN) == 0)
            return &refs[i];
    }
    return NULL;
}

u64 server_call_sel(const struct vireo_server_info *info, const char *name)
{
    const struct vireo_server_ref *r =
        find(info->calls, info->call_count, VIREO_SERVER_MAX_CALLS, name);
    return r ? r->sel : VIREO_SERVER_SEL_NONE;
}

u64 server_peer_sel(const struct vireo_server_info *info, const char *name)
{
    const struct vireo_server_ref *r =
        find(info->peers, info->peer_count, VIREO_SERVER_MAX_PEERS, name);
    return r ? r->sel : VIREO_SERVER_SEL_NONE;
}

u32 server_ref_id(const struct vireo_server_info *info, const char *name)
{
    const struct vireo_server_ref *r =
        find(info->calls, info->call_count, VIREO_SERVER_MAX_CALLS, name);
    if (!r)
        r = find(info->peers, info->peer_count, VIREO_SERVER_MAX_PEERS, name);
    return r ? r->id : 0;
}
