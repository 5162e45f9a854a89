/*
 * The port-I/O bus: maps port ranges to device models. An access the
 * range's device takes at its size goes to it in one call; any other access
 * is split into byte accesses, each to whichever range holds that port.
 * Ports nobody claims read as all ones and ignore writes (an ISA bus with
 * nothing driving it).
 */
#ifndef VIREO_DEVICES_PORT_BUS_H
#define VIREO_DEVICES_PORT_BUS_H

#include <vireo/types.h>

/* offset: port - range base; size: 1, 2 or 4 bytes. */
typedef u32 (*port_read_fn)(void *dev, u16 offset, unsigned size);
typedef void (*port_write_fn)(void *dev, u16 offset, unsigned size, u32 value);

/* Access sizes a device takes whole (others are split into bytes). */
#define PORT_SIZE_1 1u
#define PORT_SIZE_2 2u
#define PORT_SIZE_4 4u

struct port_range {
    u16 base;
    u16 count; /* ports, >= 1; base + count <= 0x10000 */
    u8 sizes;  /* PORT_SIZE_* mask; must include PORT_SIZE_1 */
    port_read_fn read;
    port_write_fn write;
    void *dev;
    const char *name;
};

#define PORT_BUS_MAX 32u

struct port_bus {
    struct port_range range[PORT_BUS_MAX];
    unsigned count;
};

void port_bus_init(struct port_bus *bus);
/* 0, or -1 if the range is malformed, overlaps another or the bus is full. */
int port_bus_add(struct port_bus *bus, const struct port_range *r);
/* The range holding port, or 0. */
const struct port_range *port_bus_find(const struct port_bus *bus, u32 port);
/* size 1, 2 or 4; any other reads all ones and writes nothing. claimed
 * (may be 0) says whether any byte of the access reached a device. */
u32 port_bus_read(const struct port_bus *bus, u16 port, unsigned size, bool *claimed);
void port_bus_write(const struct port_bus *bus, u16 port, unsigned size, u32 value, bool *claimed);

#endif
