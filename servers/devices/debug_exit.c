/* QEMU's isa-debug-exit (debug_exit.h). */
#include "debug_exit.h"

void debug_exit_init(struct debug_exit *d, const struct dev_sink *sink)
{
    d->sink = sink;
    d->stopped = false;
    d->status = 0;
}

u32 debug_exit_read(void *dev, u16 offset, unsigned size)
{
    (void)dev, (void)offset, (void)size;
    return 0;
}

void debug_exit_write(void *dev, u16 offset, unsigned size, u32 value)
{
    struct debug_exit *d = dev;
    (void)offset, (void)size; /* the bus already cut value to the access size */
    if (d->stopped)           /* the VM is ending; the first status stands */
        return;
    d->stopped = true;
    d->status = ((u64)value << 1) | 1;
    if (d->sink && d->sink->stop)
        d->sink->stop(d->sink->ctx, d->status);
}

struct port_range debug_exit_port_range(struct debug_exit *d, u16 base, u16 count)
{
    return (struct port_range){.base = base,
                               .count = count,
                               .sizes = PORT_SIZE_1 | PORT_SIZE_2 | PORT_SIZE_4,
                               .read = debug_exit_read,
                               .write = debug_exit_write,
                               .dev = d,
                               .name = "debug-exit"};
}
