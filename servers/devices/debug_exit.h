/*
 * QEMU's isa-debug-exit: a write of v ends the VM with status (v << 1) | 1,
 * so a guest can never end with status 0 by accident. Reads give 0. Vireo
 * puts it at port 0xf4 with 4 ports (QEMU: iobase=0xf4,iosize=0x04).
 */
#ifndef VIREO_DEVICES_DEBUG_EXIT_H
#define VIREO_DEVICES_DEBUG_EXIT_H

#include "dev.h"
#include "port_bus.h"

#define DEBUG_EXIT_PORT  0xf4u
#define DEBUG_EXIT_PORTS 4u

struct debug_exit {
    const struct dev_sink *sink;
    bool stopped; /* a write happened; status is what the VM ends with */
    u64 status;
};

void debug_exit_init(struct debug_exit *d, const struct dev_sink *sink);
u32 debug_exit_read(void *dev, u16 offset, unsigned size);
void debug_exit_write(void *dev, u16 offset, unsigned size, u32 value);
struct port_range debug_exit_port_range(struct debug_exit *d, u16 base, u16 count);

#endif
