/* Host tests of QEMU's isa-debug-exit model (servers/devices/debug_exit.c). */
#include "check.h"
#include "debug_exit.h"
#include "recorder.h"

static void test_status(void)
{
    struct recorder rec;
    struct debug_exit d;
    recorder_init(&rec);
    debug_exit_init(&d, &rec.sink);
    CHECK(!d.stopped);
    CHECK_EQ_U64(debug_exit_read(&d, 0, 1), 0);
    CHECK_EQ_U64(debug_exit_read(&d, 3, 4), 0);
    CHECK_EQ_U64(rec.stops, 0);
    debug_exit_write(&d, 0, 1, 0);
    CHECK(d.stopped);
    CHECK_EQ_U64(d.status, 1); /* even 0 ends with an odd status */
    CHECK_EQ_U64(rec.stops, 1);
    CHECK_EQ_U64(rec.status, 1);
    debug_exit_write(&d, 0, 1, 5); /* the first status stands */
    CHECK_EQ_U64(rec.stops, 1);
    CHECK_EQ_U64(d.status, 1);
}

static void test_bus(void)
{
    static const struct {
        unsigned size;
        u32 value;
        u64 status;
    } cases[] = {
        {1, 0x10, 0x21},
        {1, 0x1ff, 0x1ff},
        {2, 0x1234, 0x2469},
        {4, 0xffffffffu, 0x1ffffffffull},
    };
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct recorder rec;
        struct debug_exit d;
        struct port_bus bus;
        recorder_init(&rec);
        debug_exit_init(&d, &rec.sink);
        port_bus_init(&bus);
        struct port_range r = debug_exit_port_range(&d, DEBUG_EXIT_PORT, DEBUG_EXIT_PORTS);
        CHECK_EQ_U64(port_bus_add(&bus, &r), 0);
        bool claimed = false;
        port_bus_write(&bus, DEBUG_EXIT_PORT, cases[i].size, cases[i].value, &claimed);
        CHECK(claimed);
        CHECK_EQ_U64(rec.stops, 1);
        CHECK_EQ_U64(rec.status, cases[i].status);
        CHECK_EQ_U64(port_bus_read(&bus, DEBUG_EXIT_PORT, 4, 0), 0);
    }
}

static void test_unconnected(void)
{
    struct debug_exit d;
    debug_exit_init(&d, 0);
    debug_exit_write(&d, 0, 1, 3);
    CHECK(d.stopped);
    CHECK_EQ_U64(d.status, 7);
    /* a sink without a stop callback is fine too */
    struct dev_sink s = {0};
    debug_exit_init(&d, &s);
    debug_exit_write(&d, 2, 1, 1);
    CHECK_EQ_U64(d.status, 3);
}

int main(void)
{
    test_status();
    test_bus();
    test_unconnected();
    return check_report("devices_debug_exit");
}
