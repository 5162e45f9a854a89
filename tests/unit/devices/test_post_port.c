/* Host tests of the POST diagnostic port (servers/devices/post_port.c). */
#include "check.h"
#include "post_port.h"

static void test_direct(void)
{
    struct post_port p;
    post_port_init(&p);
    CHECK_EQ_U64(p.last, 0);
    CHECK_EQ_U64(p.writes, 0);
    CHECK_EQ_U64(post_port_read(&p, 0, 1), 0); /* before any write */
    post_port_write(&p, 0, 1, 0x55);
    CHECK_EQ_U64(p.last, 0x55);
    CHECK_EQ_U64(p.writes, 1);
    CHECK_EQ_U64(post_port_read(&p, 0, 1), 0x55);
    CHECK_EQ_U64(post_port_read(&p, 0, 1), 0x55); /* reads change nothing */
    CHECK_EQ_U64(p.writes, 1);
    for (unsigned i = 0; i < 1000; i++)
        post_port_write(&p, 0, 1, 0); /* Linux's I/O delay */
    CHECK_EQ_U64(p.writes, 1001);
    CHECK_EQ_U64(post_port_read(&p, 0, 1), 0);
    post_port_write(&p, 0, 1, 0x1ab); /* a byte port keeps the low byte */
    CHECK_EQ_U64(p.last, 0xab);
    CHECK_EQ_U64(p.writes, 1002);
    post_port_init(&p);
    CHECK_EQ_U64(p.last, 0);
    CHECK_EQ_U64(p.writes, 0);
}

static void test_bus(void)
{
    struct post_port p;
    struct port_bus bus;
    post_port_init(&p);
    port_bus_init(&bus);
    struct port_range r = post_port_port_range(&p, POST_PORT);
    CHECK_EQ_U64(r.base, 0x80);
    CHECK_EQ_U64(r.count, 1);
    CHECK_EQ_U64(r.sizes, PORT_SIZE_1);
    CHECK(r.dev == &p);
    CHECK_EQ_U64(port_bus_add(&bus, &r), 0);
    bool claimed = false;
    port_bus_write(&bus, 0x80, 1, 0x3c, &claimed);
    CHECK(claimed);
    CHECK_EQ_U64(p.last, 0x3c);
    CHECK_EQ_U64(p.writes, 1);
    claimed = false;
    CHECK_EQ_U64(port_bus_read(&bus, 0x80, 1, &claimed), 0x3c);
    CHECK(claimed);
    /* a word is split: its low byte lands here, once; 0x81 is nobody's */
    port_bus_write(&bus, 0x80, 2, 0x1234, 0);
    CHECK_EQ_U64(p.last, 0x34);
    CHECK_EQ_U64(p.writes, 2);
    CHECK_EQ_U64(port_bus_read(&bus, 0x80, 2, 0), 0xff34);
    CHECK_EQ_U64(port_bus_read(&bus, 0x80, 4, 0), 0xffffff34);
    /* a word at 0x7f puts its high byte here */
    port_bus_write(&bus, 0x7f, 2, 0xa5ff, 0);
    CHECK_EQ_U64(p.last, 0xa5);
    CHECK_EQ_U64(p.writes, 3);
    claimed = true;
    port_bus_write(&bus, 0x81, 1, 0x77, &claimed);
    CHECK(!claimed);
    CHECK_EQ_U64(p.writes, 3);
}

int main(void)
{
    test_direct();
    test_bus();
    return check_report("devices_post_port");
}
