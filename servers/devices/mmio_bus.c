/* The device server's MMIO bus (mmio_bus.h). */
#include "mmio_bus.h"

#define ALL_SIZES (MMIO_SIZE_1 | MMIO_SIZE_2 | MMIO_SIZE_4 | MMIO_SIZE_8)

void mmio_bus_init(struct mmio_bus *bus)
{
    bus->count = 0;
}

/* Offsets, not ends, so that a range reaching 2^64 - 1 compares right. */
static bool holds(const struct mmio_range *r, u64 addr)
{
    return addr >= r->base && addr - r->base < r->size;
}

const struct mmio_range *mmio_bus_find(const struct mmio_bus *bus, u64 addr)
{
    for (unsigned i = 0; i < bus->count; i++)
        if (holds(&bus->range[i], addr))
            return &bus->range[i];
    return 0;
}

const struct mmio_range *mmio_bus_overlap(const struct mmio_bus *bus, u64 base, u64 size)
{
    for (unsigned i = 0; i < bus->count; i++) {
        const struct mmio_range *o = &bus->range[i];
        /* two intervals meet iff each starts before the other ends */
        if (size && (holds(o, base) || (base < o->base && o->base - base < size)))
            return o;
    }
    return 0;
}

enum mmio_bus_refusal mmio_bus_add(struct mmio_bus *bus, const struct mmio_range *r)
{
    if (r->size == 0 || r->base + (r->size - 1) < r->base || !(r->sizes & MMIO_SIZE_1) ||
        (r->sizes & ~ALL_SIZES) || !r->read || !r->write)
        return MMIO_BUS_MALFORMED;
    if (mmio_bus_overlap(bus, r->base, r->size))
        return MMIO_BUS_OVERLAP;
    if (bus->count >= MMIO_BUS_MAX)
        return MMIO_BUS_FULL;
    bus->range[bus->count++] = *r;
    return MMIO_BUS_ADDED;
}

const char *mmio_bus_refusal_name(enum mmio_bus_refusal why)
{
    switch (why) {
    case MMIO_BUS_ADDED:
        return "added";
    case MMIO_BUS_MALFORMED:
        return "malformed range";
    case MMIO_BUS_OVERLAP:
        return "overlaps another range";
    case MMIO_BUS_FULL:
        return "the MMIO bus is full";
    }
    return "?";
}

static bool valid_size(unsigned size)
{
    return size == 1 || size == 2 || size == 4 || size == 8;
}

static u64 low_bytes(u64 v, unsigned size)
{
    return size >= 8 ? v : v & ((1ull << (8 * size)) - 1);
}

/* The range that takes the whole access in one call, or 0. */
static const struct mmio_range *whole(const struct mmio_bus *bus, u64 addr, unsigned size)
{
    const struct mmio_range *r = mmio_bus_find(bus, addr);
    if (r && (r->sizes & size) && r->size - (addr - r->base) >= size)
        return r;
    return 0;
}

u64 mmio_bus_read(const struct mmio_bus *bus, u64 addr, unsigned size, bool *claimed)
{
    bool any = false;
    u64 value = ~0ull;
    if (valid_size(size)) {
        const struct mmio_range *r = whole(bus, addr, size);
        if (r) {
            value = low_bytes(r->read(r->dev, addr - r->base, size), size);
            any = true;
        } else {
            value = 0;
            for (unsigned i = 0; i < size; i++) {
                u64 byte = 0xff;
                r = mmio_bus_find(bus, addr + i);
                if (r) {
                    byte = r->read(r->dev, addr + i - r->base, 1) & 0xffu;
                    any = true;
                }
                value |= byte << (8 * i);
            }
        }
    }
    if (claimed)
        *claimed = any;
    return value;
}

void mmio_bus_write(const struct mmio_bus *bus, u64 addr, unsigned size, u64 value, bool *claimed)
{
    bool any = false;
    if (valid_size(size)) {
        const struct mmio_range *r = whole(bus, addr, size);
        if (r) {
            r->write(r->dev, addr - r->base, size, low_bytes(value, size));
            any = true;
        } else {
            for (unsigned i = 0; i < size; i++) {
                r = mmio_bus_find(bus, addr + i);
                if (r) {
                    r->write(r->dev, addr + i - r->base, 1, (value >> (8 * i)) & 0xffu);
                    any = true;
                }
            }
        }
    }
    if (claimed)
        *claimed = any;
}
