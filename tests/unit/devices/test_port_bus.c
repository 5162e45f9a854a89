/* Host tests of the port-I/O bus (servers/devices/port_bus.c). */
#include "check.h"
#include "port_bus.h"

/* A device that records its calls and reads back offset-derived bytes. */
struct probe {
    unsigned calls;
    u16 offset[16];
    unsigned size[16];
    u32 value[16];
};

static u32 probe_read(void *dev, u16 offset, unsigned size)
{
    struct probe *p = dev;
    if (p->calls < 16) {
        p->offset[p->calls] = offset;
        p->size[p->calls] = size;
    }
    p->calls++;
    u32 v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= (u32)(0xa0 + offset + i) << (8 * i);
    return v | 0xdead0000u * (size < 4); /* junk above size: the bus must cut it */
}

static void probe_write(void *dev, u16 offset, unsigned size, u32 value)
{
    struct probe *p = dev;
    if (p->calls < 16) {
        p->offset[p->calls] = offset;
        p->size[p->calls] = size;
        p->value[p->calls] = value;
    }
    p->calls++;
}

static struct port_range range(struct probe *p, u16 base, u16 count, u8 sizes)
{
    return (struct port_range){.base = base,
                               .count = count,
                               .sizes = sizes,
                               .read = probe_read,
                               .write = probe_write,
                               .dev = p,
                               .name = "probe"};
}

static void test_add(void)
{
    struct port_bus bus;
    struct probe p = {0};
    port_bus_init(&bus);
    struct port_range r = range(&p, 0x100, 0x10, PORT_SIZE_1);
    CHECK_EQ_U64(port_bus_add(&bus, &r), 0);
    static const struct {
        u16 base, count;
        u8 sizes;
        int ok;
    } cases[] = {
        {0x100, 0x10, PORT_SIZE_1, -1},        /* same */
        {0x0f8, 0x09, PORT_SIZE_1, -1},        /* overlaps the start */
        {0x10f, 0x01, PORT_SIZE_1, -1},        /* the last port */
        {0x0f0, 0x40, PORT_SIZE_1, -1},        /* contains it */
        {0x104, 0x02, PORT_SIZE_1, -1},        /* inside it */
        {0x0f8, 0x08, PORT_SIZE_1, 0},         /* just below */
        {0x110, 0x01, PORT_SIZE_1, 0},         /* just above */
        {0x200, 0x00, PORT_SIZE_1, -1},        /* empty */
        {0xffff, 0x02, PORT_SIZE_1, -1},       /* past 0xffff */
        {0xffff, 0x01, PORT_SIZE_1, 0},        /* the last port */
        {0x300, 0x04, PORT_SIZE_2, -1},        /* byte access is required */
        {0x300, 0x04, 0x08 | PORT_SIZE_1, -1}, /* unknown size bit */
    };
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        r = range(&p, cases[i].base, cases[i].count, cases[i].sizes);
        CHECK_EQ_U64((u64)(s64)port_bus_add(&bus, &r), (u64)(s64)cases[i].ok);
    }
    CHECK_EQ_U64(bus.count, 4);
    r = range(&p, 0x400, 1, PORT_SIZE_1);
    r.read = 0;
    CHECK_EQ_U64((u64)(s64)port_bus_add(&bus, &r), (u64)-1);
    /* the bus fills up */
    for (unsigned i = 0; i < 40; i++) {
        r = range(&p, (u16)(0x1000 + i), 1, PORT_SIZE_1);
        port_bus_add(&bus, &r);
    }
    CHECK_EQ_U64(bus.count, PORT_BUS_MAX);
    CHECK(port_bus_find(&bus, 0x105) != 0);
    CHECK(port_bus_find(&bus, 0x111) == 0);
    CHECK(port_bus_find(&bus, 0x10000) == 0);
}

static void test_unclaimed(void)
{
    struct port_bus bus;
    port_bus_init(&bus);
    bool claimed = true;
    CHECK_EQ_U64(port_bus_read(&bus, 0x80, 1, &claimed), 0xff);
    CHECK(!claimed);
    CHECK_EQ_U64(port_bus_read(&bus, 0x80, 2, 0), 0xffff);
    CHECK_EQ_U64(port_bus_read(&bus, 0x80, 4, 0), 0xffffffff);
    claimed = true;
    port_bus_write(&bus, 0x80, 4, 0x12345678, &claimed);
    CHECK(!claimed);
    /* bad sizes: all ones, nothing claimed */
    CHECK_EQ_U64(port_bus_read(&bus, 0x80, 3, &claimed), 0xffffffff);
    CHECK_EQ_U64(port_bus_read(&bus, 0x80, 0, &claimed), 0xffffffff);
}

static void test_whole_and_split(void)
{
    struct port_bus bus;
    struct probe wide = {0}, narrow = {0};
    port_bus_init(&bus);
    struct port_range r = range(&wide, 0x40, 4, PORT_SIZE_1 | PORT_SIZE_2 | PORT_SIZE_4);
    CHECK_EQ_U64(port_bus_add(&bus, &r), 0);
    r = range(&narrow, 0x44, 4, PORT_SIZE_1);
    CHECK_EQ_U64(port_bus_add(&bus, &r), 0);

    /* a size the device takes: one call, result cut to the size */
    bool claimed = false;
    CHECK_EQ_U64(port_bus_read(&bus, 0x41, 2, &claimed), 0xa2a1);
    CHECK(claimed);
    CHECK_EQ_U64(wide.calls, 1);
    CHECK_EQ_U64(wide.offset[0], 1);
    CHECK_EQ_U64(wide.size[0], 2);
    CHECK_EQ_U64(port_bus_read(&bus, 0x40, 4, 0), 0xa3a2a1a0);
    port_bus_write(&bus, 0x42, 1, 0xabcd, 0);
    CHECK_EQ_U64(wide.value[2], 0xcd);

    /* a byte-only device gets byte calls, little-endian */
    port_bus_write(&bus, 0x44, 4, 0x44332211, 0);
    CHECK_EQ_U64(narrow.calls, 4);
    for (unsigned i = 0; i < 4; i++) {
        CHECK_EQ_U64(narrow.offset[i], i);
        CHECK_EQ_U64(narrow.size[i], 1);
        CHECK_EQ_U64(narrow.value[i], 0x11 * (i + 1));
    }
    CHECK_EQ_U64(port_bus_read(&bus, 0x44, 2, 0), 0xa1a0);

    /* across two devices: bytes go to each */
    wide.calls = narrow.calls = 0;
    CHECK_EQ_U64(port_bus_read(&bus, 0x42, 4, 0), 0xa1a0a3a2);
    CHECK_EQ_U64(wide.calls, 2);
    CHECK_EQ_U64(narrow.calls, 2);

    /* partly unclaimed: open-bus bytes in their lanes */
    CHECK_EQ_U64(port_bus_read(&bus, 0x3e, 4, &claimed), 0xa1a0ffff);
    CHECK(claimed);
    CHECK_EQ_U64(port_bus_read(&bus, 0x47, 2, 0), 0xffa3);
}

static void test_top_of_space(void)
{
    struct port_bus bus;
    struct probe p = {0};
    port_bus_init(&bus);
    struct port_range r = range(&p, 0xffff, 1, PORT_SIZE_1 | PORT_SIZE_2);
    CHECK_EQ_U64(port_bus_add(&bus, &r), 0);
    /* the byte above 0xffff belongs to nobody */
    CHECK_EQ_U64(port_bus_read(&bus, 0xffff, 2, 0), 0xffa0);
    CHECK_EQ_U64(p.calls, 1);
    CHECK_EQ_U64(p.size[0], 1);
    port_bus_write(&bus, 0xfffe, 4, 0xaabbccdd, 0);
    CHECK_EQ_U64(p.calls, 2);
    CHECK_EQ_U64(p.value[1], 0xcc); /* byte 1 of the access */
}

int main(void)
{
    test_add();
    test_unclaimed();
    test_whole_and_split();
    test_top_of_space();
    return check_report("devices_port_bus");
}
