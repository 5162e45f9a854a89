/* A bitmap over init's selectors (selectors.h). */
#include "selectors.h"
#include <vireo/ipc.h>
#include <string.h>

void sel_init(struct sel_pool *s, u64 first)
{
    memset(s, 0, sizeof(*s));
    for (u64 sel = 0; sel < first && sel < VIREO_SEL_COUNT; sel++)
        s->used[sel / 64] |= 1ull << (sel % 64);
    /* Never hand out init's own fault-portal slot: what sat there would
     * receive init's faults. */
    s->used[VIREO_SEL_FAULT_PT / 64] |= 1ull << (VIREO_SEL_FAULT_PT % 64);
    /* Nor the capabilities of init's own thread and time (abi/vireo/cap.h). */
    s->used[VIREO_INIT_SEL_EC / 64] |= 1ull << (VIREO_INIT_SEL_EC % 64);
    s->used[VIREO_INIT_SEL_SC / 64] |= 1ull << (VIREO_INIT_SEL_SC % 64);
}

u64 sel_alloc(struct sel_pool *s)
{
    for (u64 sel = 0; sel < VIREO_SEL_COUNT; sel++) {
        if (!(s->used[sel / 64] & (1ull << (sel % 64)))) {
            s->used[sel / 64] |= 1ull << (sel % 64);
            return sel;
        }
    }
    return VIREO_SEL_COUNT;
}

void sel_free(struct sel_pool *s, u64 sel)
{
    if (sel < VIREO_SEL_COUNT)
        s->used[sel / 64] &= ~(1ull << (sel % 64));
}
