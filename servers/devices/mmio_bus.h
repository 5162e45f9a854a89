/*
 * The device server's MMIO bus: maps guest-physical address ranges to
 * device models, as port_bus.h does for ports. An access the range's
 * device takes at its size and that lies wholly inside the range goes to
 * it in one call, at any alignment; any other access (one that runs past
 * the range's end, or a size the device does not take) is split into byte
 * accesses, each to whichever range holds that byte. Addresses nobody
 * claims read as all ones and ignore writes, as the device protocol's
 * NO_DEVICE says.
 */
#ifndef VIREO_DEVICES_MMIO_BUS_H
#define VIREO_DEVICES_MMIO_BUS_H

#include <vireo/types.h>

/* offset: address - range base; size: 1, 2, 4 or 8 bytes; values are
 * little-endian, in the low `size` bytes. */
typedef u64 (*mmio_read_fn)(void *dev, u64 offset, unsigned size);
typedef void (*mmio_write_fn)(void *dev, u64 offset, unsigned size, u64 value);

/* Access sizes a device takes whole (others are split into bytes). */
#define MMIO_SIZE_1 1u
#define MMIO_SIZE_2 2u
#define MMIO_SIZE_4 4u
#define MMIO_SIZE_8 8u

struct mmio_range {
    u64 base;
    u64 size; /* bytes, >= 1; base + size must not wrap past 2^64 */
    u8 sizes; /* MMIO_SIZE_* mask; must include MMIO_SIZE_1 */
    mmio_read_fn read;
    mmio_write_fn write;
    void *dev;
    const char *name;
};

#define MMIO_BUS_MAX 16u

struct mmio_bus {
    struct mmio_range range[MMIO_BUS_MAX];
    unsigned count;
};

/* Why mmio_bus_add() refused a range. */
enum mmio_bus_refusal {
    MMIO_BUS_ADDED = 0,
    MMIO_BUS_MALFORMED, /* size 0, wraps, no callbacks, or a bad size mask */
    MMIO_BUS_OVERLAP,   /* shares an address with a range already there */
    MMIO_BUS_FULL,      /* MMIO_BUS_MAX ranges already */
};

void mmio_bus_init(struct mmio_bus *bus);
/* MMIO_BUS_ADDED, or why r was refused (the bus is unchanged then). */
enum mmio_bus_refusal mmio_bus_add(struct mmio_bus *bus, const struct mmio_range *r);
/* A few words for a refusal, for the server's start-up message. */
const char *mmio_bus_refusal_name(enum mmio_bus_refusal why);
/* The range holding addr, or 0. */
const struct mmio_range *mmio_bus_find(const struct mmio_bus *bus, u64 addr);
/* The first range sharing an address with [base, base + size), or 0. */
const struct mmio_range *mmio_bus_overlap(const struct mmio_bus *bus, u64 base, u64 size);
/* size 1, 2, 4 or 8; any other reads all ones and writes nothing. claimed
 * (may be 0) says whether any byte of the access reached a device. */
u64 mmio_bus_read(const struct mmio_bus *bus, u64 addr, unsigned size, bool *claimed);
void mmio_bus_write(const struct mmio_bus *bus, u64 addr, unsigned size, u64 value, bool *claimed);

#endif
