/*
 * Guest-physical memory as the boot code writes it: two callbacks, so the
 * VMM writes through its mapping of the VM's RAM and host tests into a
 * buffer. Callers check ranges before they write; the callbacks check
 * again and refuse anything outside [0, size).
 */
#ifndef VIREO_VMM_GUEST_MEM_H
#define VIREO_VMM_GUEST_MEM_H

#include <vireo/types.h>

struct guest_mem {
    u64 size; /* bytes of RAM from guest-physical 0 */
    /* Copies len bytes from src to [gpa, gpa + len); false if outside. */
    bool (*write)(void *ctx, u64 gpa, const void *src, u64 len);
    /* Zeroes [gpa, gpa + len); false if outside. */
    bool (*zero)(void *ctx, u64 gpa, u64 len);
    void *ctx;
};

/* RAM that is one host mapping: guest-physical 0 at base, size bytes. */
struct guest_buffer {
    u8 *base;
    u64 size;
};

/* *mem writes into *buf (which must outlive it). */
void guest_mem_from_buffer(struct guest_mem *mem, struct guest_buffer *buf);

/* Whether [gpa, gpa + len) lies inside [0, size), without overflow. */
static inline bool guest_range_ok(u64 size, u64 gpa, u64 len)
{
    return gpa <= size && len <= size - gpa;
}

#endif
