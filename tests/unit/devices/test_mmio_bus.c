/* Host tests of the device server's MMIO bus (servers/devices/mmio_bus.c):
 * which ranges it takes, and how accesses of each size reach the models. */
#include "check.h"
#include "mmio_bus.h"

#define CALLS 16u

/* A model that logs each call; it reads bytes 0x10 + offset, and junk above
 * the access size, which the bus must cut off. */
struct logger {
    unsigned calls;
    u64 offset[CALLS], value[CALLS];
    unsigned size[CALLS];
};

static void log_call(struct logger *l, u64 offset, unsigned size, u64 value)
{
    if (l->calls < CALLS) {
        l->offset[l->calls] = offset;
        l->size[l->calls] = size;
        l->value[l->calls] = value;
    }
    l->calls++;
}

static u64 logger_read(void *dev, u64 offset, unsigned size)
{
    log_call(dev, offset, size, 0);
    u64 v = size < 8 ? 0x5a5a5a5a5a5a5a5aull << (8 * size) : 0;
    for (unsigned i = 0; i < size; i++)
        v |= (u64)((0x10 + offset + i) & 0xff) << (8 * i);
    return v;
}

static void logger_write(void *dev, u64 offset, unsigned size, u64 value)
{
    log_call(dev, offset, size, value);
}

static struct mmio_range window(struct logger *l, u64 base, u64 size, u8 sizes)
{
    return (struct mmio_range){.base = base,
                               .size = size,
                               .sizes = sizes,
                               .read = logger_read,
                               .write = logger_write,
                               .dev = l,
                               .name = "logger"};
}

#define ANY (MMIO_SIZE_1 | MMIO_SIZE_2 | MMIO_SIZE_4 | MMIO_SIZE_8)

static void test_configuration(void)
{
    struct mmio_bus bus;
    struct logger l = {0};
    mmio_bus_init(&bus);
    struct mmio_range r = window(&l, 0xff000000, 0x10000, ANY);
    CHECK_EQ_U64(mmio_bus_add(&bus, &r), MMIO_BUS_ADDED);
    static const struct {
        u64 base, size;
        u8 sizes;
        enum mmio_bus_refusal want;
    } cases[] = {
        {0xff000000, 0x10000, ANY, MMIO_BUS_OVERLAP},        /* the same */
        {0xfeff0000, 0x10001, ANY, MMIO_BUS_OVERLAP},        /* its first byte */
        {0xff00ffff, 1, ANY, MMIO_BUS_OVERLAP},              /* its last byte */
        {0xff008000, 0x10, ANY, MMIO_BUS_OVERLAP},           /* inside */
        {0xf0000000, 0x10000000, ANY, MMIO_BUS_OVERLAP},     /* around it */
        {0xfeff0000, 0x10000, ANY, MMIO_BUS_ADDED},          /* just below */
        {0xff010000, 0x1000, ANY, MMIO_BUS_ADDED},           /* just above */
        {0x1000, 0, ANY, MMIO_BUS_MALFORMED},                /* empty */
        {~0ull - 0xff, 0x101, ANY, MMIO_BUS_MALFORMED},      /* wraps */
        {~0ull - 0xff, 0x100, ANY, MMIO_BUS_ADDED},          /* ends at 2^64 - 1 */
        {0x2000, 0x10, MMIO_SIZE_4, MMIO_BUS_MALFORMED},     /* no byte access */
        {0x2000, 0x10, ANY | 0x10, MMIO_BUS_MALFORMED},      /* unknown size bit */
        {~0ull, 1, MMIO_SIZE_1, MMIO_BUS_OVERLAP},           /* the top byte is taken */
        {0x0, 1, MMIO_SIZE_1 | MMIO_SIZE_8, MMIO_BUS_ADDED}, /* address 0 */
    };
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        r = window(&l, cases[i].base, cases[i].size, cases[i].sizes);
        CHECK_EQ_U64(mmio_bus_add(&bus, &r), cases[i].want);
    }
    CHECK_EQ_U64(bus.count, 5);
    r = window(&l, 0x3000, 0x10, ANY);
    r.write = 0;
    CHECK_EQ_U64(mmio_bus_add(&bus, &r), MMIO_BUS_MALFORMED);

    /* the range in the way is the one a start-up message names */
    CHECK(mmio_bus_overlap(&bus, 0xff00fff0, 0x20) == &bus.range[0]);
    CHECK(mmio_bus_overlap(&bus, 0xff011000, 0x10) == 0);
    CHECK(mmio_bus_overlap(&bus, 0xff000000, 0) == 0);
    CHECK(mmio_bus_find(&bus, 0xff00ffff) == &bus.range[0]);
    CHECK(mmio_bus_find(&bus, ~0ull) == &bus.range[3]);
    CHECK(mmio_bus_find(&bus, 0x1) == 0);

    for (u64 i = 0; bus.count < MMIO_BUS_MAX; i++) {
        r = window(&l, 0x100000 + i * 0x1000, 0x1000, ANY);
        CHECK_EQ_U64(mmio_bus_add(&bus, &r), MMIO_BUS_ADDED);
    }
    r = window(&l, 0x80000000, 0x1000, ANY);
    CHECK_EQ_U64(mmio_bus_add(&bus, &r), MMIO_BUS_FULL);
    CHECK_EQ_U64(bus.count, MMIO_BUS_MAX);

    CHECK(mmio_bus_refusal_name(MMIO_BUS_OVERLAP)[0] == 'o');
    CHECK(mmio_bus_refusal_name(MMIO_BUS_FULL)[0] != '?');
    CHECK(mmio_bus_refusal_name(MMIO_BUS_MALFORMED)[0] != '?');
}

static void test_open_bus(void)
{
    struct mmio_bus bus;
    mmio_bus_init(&bus);
    static const unsigned sizes[] = {1, 2, 4, 8};
    for (unsigned i = 0; i < 4; i++) {
        bool claimed = true;
        u64 want = sizes[i] == 8 ? ~0ull : (1ull << (8 * sizes[i])) - 1;
        CHECK_EQ_U64(mmio_bus_read(&bus, 0xfed00000, sizes[i], &claimed), want);
        CHECK(!claimed);
        claimed = true;
        mmio_bus_write(&bus, 0xfed00000, sizes[i], 0, &claimed);
        CHECK(!claimed);
    }
    CHECK_EQ_U64(mmio_bus_read(&bus, 0, 3, 0), ~0ull);
    CHECK_EQ_U64(mmio_bus_read(&bus, 0, 16, 0), ~0ull);
}

static void test_routing(void)
{
    struct mmio_bus bus;
    struct logger any = {0}, bytes = {0};
    mmio_bus_init(&bus);
    struct mmio_range r = window(&any, 0x1000, 0x10, ANY);
    CHECK_EQ_U64(mmio_bus_add(&bus, &r), MMIO_BUS_ADDED);
    r = window(&bytes, 0x1010, 0x8, MMIO_SIZE_1);
    CHECK_EQ_U64(mmio_bus_add(&bus, &r), MMIO_BUS_ADDED);

    /* whole accesses at every size, aligned or not: one call each */
    bool claimed = false;
    CHECK_EQ_U64(mmio_bus_read(&bus, 0x1003, 8, &claimed), 0x1a19181716151413ull);
    CHECK(claimed);
    CHECK_EQ_U64(any.calls, 1);
    CHECK_EQ_U64(any.offset[0], 3);
    CHECK_EQ_U64(any.size[0], 8);
    CHECK_EQ_U64(mmio_bus_read(&bus, 0x1001, 2, 0), 0x1211);
    CHECK_EQ_U64(mmio_bus_read(&bus, 0x100c, 4, 0), 0x1f1e1d1c);
    mmio_bus_write(&bus, 0x1008, 8, 0x8877665544332211ull, 0);
    CHECK_EQ_U64(any.value[3], 0x8877665544332211ull);
    mmio_bus_write(&bus, 0x1005, 2, 0xffffabcd, 0); /* bytes above the size are cut */
    CHECK_EQ_U64(any.value[4], 0xabcd);
    CHECK_EQ_U64(any.calls, 5);

    /* a byte-only model gets byte calls in address order */
    mmio_bus_write(&bus, 0x1010, 8, 0x0807060504030201ull, &claimed);
    CHECK(claimed);
    CHECK_EQ_U64(bytes.calls, 8);
    for (unsigned i = 0; i < 8; i++)
        CHECK(bytes.offset[i] == i && bytes.size[i] == 1 && bytes.value[i] == i + 1);
    CHECK_EQ_U64(mmio_bus_read(&bus, 0x1012, 2, 0), 0x1312);

    /* past a range's end: bytes to each range, open bus beyond both */
    any.calls = bytes.calls = 0;
    CHECK_EQ_U64(mmio_bus_read(&bus, 0x100e, 4, 0), 0x11101f1e);
    CHECK_EQ_U64(any.calls, 2);
    CHECK_EQ_U64(bytes.calls, 2);
    CHECK_EQ_U64(mmio_bus_read(&bus, 0x1016, 4, &claimed), 0xffff1716);
    CHECK(claimed);
    CHECK_EQ_U64(mmio_bus_read(&bus, 0xffc, 8, 0), 0x13121110ffffffffull);
    any.calls = 0;
    mmio_bus_write(&bus, 0xffe, 4, 0xa1b2c3d4, &claimed);
    CHECK(claimed);
    CHECK_EQ_U64(any.calls, 2);
    CHECK(any.offset[0] == 0 && any.value[0] == 0xb2 && any.offset[1] == 1 && any.value[1] == 0xa1);
}

int main(void)
{
    test_configuration();
    test_open_bus();
    test_routing();
    return check_report("devices_mmio_bus");
}
