/* The port-I/O bus (port_bus.h). */
#include "port_bus.h"

void port_bus_init(struct port_bus *bus)
{
    bus->count = 0;
}

const struct port_range *port_bus_find(const struct port_bus *bus, u32 port)
{
    for (unsigned i = 0; i < bus->count; i++) {
        const struct port_range *r = &bus->range[i];
        if (port >= r->base && port - r->base < r->count)
            return r;
    }
    return 0;
}

int port_bus_add(struct port_bus *bus, const struct port_range *r)
{
    if (bus->count >= PORT_BUS_MAX || r->count == 0 || (u32)r->base + r->count > 0x10000u ||
        !(r->sizes & PORT_SIZE_1) || (r->sizes & ~(PORT_SIZE_1 | PORT_SIZE_2 | PORT_SIZE_4)) ||
        !r->read || !r->write)
        return -1;
    for (unsigned i = 0; i < bus->count; i++) {
        const struct port_range *o = &bus->range[i];
        if (r->base < (u32)o->base + o->count && o->base < (u32)r->base + r->count)
            return -1;
    }
    bus->range[bus->count++] = *r;
    return 0;
}

static bool valid_size(unsigned size)
{
    return size == 1 || size == 2 || size == 4;
}

/* The range that takes the whole access in one call, or 0. */
static const struct port_range *whole(const struct port_bus *bus, u16 port, unsigned size)
{
    const struct port_range *r = port_bus_find(bus, port);
    if (r && (r->sizes & size) && (u32)port + size <= (u32)r->base + r->count)
        return r;
    return 0;
}

u32 port_bus_read(const struct port_bus *bus, u16 port, unsigned size, bool *claimed)
{
    bool any = false;
    u32 value = 0;
    if (!valid_size(size)) {
        value = 0xffffffffu;
    } else if (whole(bus, port, size)) {
        const struct port_range *r = whole(bus, port, size);
        value = r->read(r->dev, (u16)(port - r->base), size);
        if (size < 4)
            value &= (1u << (8 * size)) - 1;
        any = true;
    } else {
        for (unsigned i = 0; i < size; i++) {
            const struct port_range *r = port_bus_find(bus, (u32)port + i);
            u32 byte = 0xff;
            if (r) {
                byte = r->read(r->dev, (u16)(port + i - r->base), 1) & 0xffu;
                any = true;
            }
            value |= byte << (8 * i);
        }
    }
    if (claimed)
        *claimed = any;
    return value;
}

void port_bus_write(const struct port_bus *bus, u16 port, unsigned size, u32 value, bool *claimed)
{
    bool any = false;
    if (valid_size(size)) {
        const struct port_range *r = whole(bus, port, size);
        if (r) {
            if (size < 4)
                value &= (1u << (8 * size)) - 1;
            r->write(r->dev, (u16)(port - r->base), size, value);
            any = true;
        } else {
            for (unsigned i = 0; i < size; i++) {
                r = port_bus_find(bus, (u32)port + i);
                if (r) {
                    r->write(r->dev, (u16)(port + i - r->base), 1, (value >> (8 * i)) & 0xffu);
                    any = true;
                }
            }
        }
    }
    if (claimed)
        *claimed = any;
}
