/* Further threads of a server in its own PD (lib/include/vireo/thread.h). */
#include <vireo/thread.h>
#include <vireo/cap.h>
#include <vireo/heap.h>
#include <vireo/sys.h>
#include <vireo/user.h>
#include <string.h>

enum vireo_status thread_create(u64 own_pd, u64 ec_sel, void (*entry)(void), u64 stack_bytes,
                                struct vireo_utcb **utcb_out)
{
    /* A UTCB is one page-aligned page; the stack follows it. */
    u64 stack = (stack_bytes + 15) & ~15ull;
    u8 *block = malloc(VIREO_PAGE_SIZE * 2 + stack);
    if (!block)
        return VIREO_E_NO_MEMORY;
    u64 page = ((u64)block + VIREO_PAGE_SIZE - 1) & ~(u64)(VIREO_PAGE_SIZE - 1);
    struct vireo_utcb *utcb = (struct vireo_utcb *)page;
    memset(utcb, 0, sizeof(*utcb));
    utcb->head.self = page;
    /* The same canary as the creating thread: one program, one secret. */
    utcb->head.stack_guard = utcb_self()->head.stack_guard;
    /* Entered as if called: the return-address slot keeps the ABI's
     * alignment (%rsp + 8 a multiple of 16). */
    u64 top = (page + VIREO_PAGE_SIZE + stack) & ~15ull;
    enum vireo_status s =
        sys_create_ec(ec_sel, own_pd, page >> VIREO_PAGE_SHIFT, (u64)entry, top - 8, 0);
    if (s != VIREO_OK) {
        free(block);
        return s;
    }
    *utcb_out = utcb;
    return VIREO_OK;
}
