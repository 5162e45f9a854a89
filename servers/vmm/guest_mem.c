/* The buffer-backed guest memory (guest_mem.h). */
#include "guest_mem.h"
#include <string.h>

static bool buffer_write(void *ctx, u64 gpa, const void *src, u64 len)
{
    struct guest_buffer *b = ctx;
    if (!guest_range_ok(b->size, gpa, len))
        return false;
    memcpy(b->base + gpa, src, len);
    return true;
}

static bool buffer_zero(void *ctx, u64 gpa, u64 len)
{
    struct guest_buffer *b = ctx;
    if (!guest_range_ok(b->size, gpa, len))
        return false;
    memset(b->base + gpa, 0, len);
    return true;
}

void guest_mem_from_buffer(struct guest_mem *mem, struct guest_buffer *buf)
{
    *mem = (struct guest_mem){
        .size = buf->size,
        .write = buffer_write,
        .zero = buffer_zero,
        .ctx = buf,
    };
}
