/* memory.h over a heap arena for host tests: "physical" addresses are
 * offsets from FAKE_PHYS_BASE into the arena. */
#include "fake_memory.h"
#include <stdlib.h>
#include <string.h>

static u8 *arena;
static u64 next_frame;
u64 fake_frames_used;
u64 fake_frame_limit = FAKE_FRAMES;

void *phys_to_virt(u64 phys)
{
    if (!arena)
        arena = aligned_alloc(4096, FAKE_FRAMES * 4096);
    return arena + (phys - FAKE_PHYS_BASE);
}

u64 virt_to_phys(const void *virt)
{
    return (u64)((const u8 *)virt - arena) + FAKE_PHYS_BASE;
}

u64 frame_alloc(void)
{
    if (!arena)
        arena = aligned_alloc(4096, FAKE_FRAMES * 4096);
    if (next_frame >= fake_frame_limit)
        return 0;
    u64 phys = FAKE_PHYS_BASE + next_frame++ * 4096;
    memset(phys_to_virt(phys), 0, 4096);
    fake_frames_used++;
    return phys;
}

void frame_free(u64 phys)
{
    (void)phys;
    fake_frames_used--;
}
