#ifndef TESTS_UNIT_KERNEL_FAKE_MEMORY_H
#define TESTS_UNIT_KERNEL_FAKE_MEMORY_H

#include "memory.h"

#define FAKE_PHYS_BASE 0x200000ull
#define FAKE_FRAMES    256

extern u64 fake_frames_used;
/* frame_alloc fails once this many frames were handed out */
extern u64 fake_frame_limit;

#endif
