/* sharer: delegation and revoke across PDs. It maps its shared page into
 * the peer's address space, checks both see the same frame, revokes the
 * mapping and checks that the peer's next access faults (its call then
 * ends with VIREO_E_ABORTED when init tears the peer down). A revoke that
 * left the mapping behind makes the peer answer instead: a failure here,
 * and a missed expectation in init. */
#include "protocol.h"
#include <vireo/cap.h>
#include <vireo/server.h>
#include <vireo/user.h>

int main(void);
int main(void)
{
    const struct vireo_server_info *info = server_start();
    u64 pt = server_call_sel(info, "peer"), pd = server_peer_sel(info, "peer");
    if (pt == VIREO_SERVER_SEL_NONE || pd == VIREO_SERVER_SEL_NONE ||
        info->shared_sel == VIREO_SERVER_SEL_NONE)
        user_fatal("needs calls, delegate-to and shared memory for peer\n");
    volatile u64 *page = (volatile u64 *)info->shared_addr;
    const u64 pattern = 0x5ab1e5ab1e000000ull | info->id;
    page[0] = pattern;
    page[1] = 0;

    u64 crd = vireo_crd(VIREO_CRD_MEM, VIREO_MEM_R | VIREO_MEM_W, info->shared_sel);
    enum vireo_status s = sys_delegate(pd, crd, 0, 1, PEER_SHARED_ADDR / VIREO_PAGE_SIZE);
    if (s != VIREO_OK)
        user_fatal("mapping into peer failed: %s\n", vireo_status_name(s));
    u64 msg[3] = {PEER_OP_CHECK, PEER_SHARED_ADDR, pattern}, ok = 0;
    s = ipc_call(pt, msg, 3, &ok, 1, NULL);
    if (s != VIREO_OK || ok != 1 || page[1] != ~pattern)
        user_fatal("peer did not share the page (%s, ok %llu)\n", vireo_status_name(s),
                   (unsigned long long)ok);
    printf("peer shares the page at %#llx both ways\n", PEER_SHARED_ADDR);

    /* Without VIREO_REVOKE_SELF: the peer's mapping goes, our own stays. */
    s = sys_revoke(vireo_crd(VIREO_CRD_OBJ, 0, info->shared_sel), 0);
    if (s != VIREO_OK)
        user_fatal("revoke failed: %s\n", vireo_status_name(s));
    if (page[0] != pattern)
        user_fatal("own mapping lost by the revoke\n");
    printf("revoked the peer's mapping\n");

    u64 touch[2] = {PEER_OP_TOUCH, PEER_SHARED_ADDR}, seen = 0;
    s = ipc_call(pt, touch, 2, &seen, 1, NULL);
    if (s == VIREO_OK)
        user_fatal("FAIL: peer still read %#llx after the revoke\n", (unsigned long long)seen);
    if (s != VIREO_E_ABORTED)
        user_fatal("touch call failed: %s\n", vireo_status_name(s));
    printf("peer faulted on the revoked page, as expected\n");
    return 0;
}
