/* Host tests of PCI configuration mechanism #1 and the host bridge
 * (servers/devices/pci_host.c), through the port bus as a guest reaches
 * them: accesses the bus hands over whole or splits into bytes. */
#include <string.h>

#include "check.h"
#include "pci_host.h"
#include "port_bus.h"

#define ADDR 0xcf8
#define DATA 0xcfc

static struct port_bus bus;
static struct pci_host pci;

static const struct pci_host_id q35 = {.vendor = 0x8086,
                                       .device = 0x29c0,
                                       .class_code = PCI_CLASS_HOST_BRIDGE,
                                       .revision = 0,
                                       .subsys_vendor = 0x1af4,
                                       .subsys = 0x1100};

static void setup(const struct pci_host_id *id)
{
    port_bus_init(&bus);
    pci_host_init(&pci, id);
    struct port_range r = pci_host_port_range(&pci, PCI_HOST_PORT);
    CHECK_EQ_U64(port_bus_add(&bus, &r), 0);
}

static u32 in(u16 port, unsigned size)
{
    return port_bus_read(&bus, port, size, 0);
}

static void out(u16 port, unsigned size, u32 v)
{
    port_bus_write(&bus, port, size, v, 0);
}

/* A dword of 00:00.0's config space through the ports. */
static u32 cfg32(unsigned reg)
{
    out(ADDR, 4, pci_config_address(0, 0, 0, reg));
    return in(DATA, 4);
}

static void test_address_register(void)
{
    setup(&q35);
    CHECK_EQ_U64(in(ADDR, 4), 0);
    /* what tests/guest/portio checks */
    out(ADDR, 4, 0x80000000);
    CHECK_EQ_U64(in(ADDR, 4), 0x80000000);
    /* enable, bus, device, function, register kept; 30:24 and 1:0 read 0 */
    out(ADDR, 4, 0xffffffff);
    CHECK_EQ_U64(in(ADDR, 4), PCI_CONFIG_MASK);
    CHECK_EQ_U64(PCI_CONFIG_MASK, 0x80fffffc);
    out(ADDR, 4, 0x12345678);
    CHECK_EQ_U64(in(ADDR, 4), 0x00345678);
    CHECK_EQ_U64(pci_config_address(0x12, 0x1f, 7, 0xff), 0x8012fffc);
    CHECK_EQ_U64(pci_config_address(0, 1, 2, 0x10), 0x80000a10);

    /* only a 32-bit OUT to 0xcf8 latches; bytes and words are dropped */
    out(ADDR, 4, 0x80000000);
    out(ADDR, 1, 0x44);
    out(ADDR + 1, 1, 0x44);
    out(ADDR + 2, 1, 0x44);
    out(ADDR + 3, 1, 0x00);
    out(ADDR, 2, 0x1234);
    out(ADDR + 2, 2, 0x1234);
    CHECK_EQ_U64(in(ADDR, 4), 0x80000000);
    /* ... and so is a dword at an odd port that covers 0xcfb/0xcfc
     * (byte by byte: CONFIG_ADDRESS drops its bytes) */
    out(ADDR + 1, 4, 0xffffffff);
    CHECK_EQ_U64(in(ADDR, 4), 0x80000000);
    /* reads of other sizes and offsets give CONFIG_ADDRESS's low bytes (QEMU) */
    out(ADDR, 4, 0x80123456 & PCI_CONFIG_MASK);
    CHECK_EQ_U64(in(ADDR, 1), 0x54);
    CHECK_EQ_U64(in(ADDR, 2), 0x3454);
    CHECK_EQ_U64(in(ADDR + 1, 1), 0x54);
    CHECK_EQ_U64(in(ADDR + 2, 2), 0x3454);
    CHECK_EQ_U64(in(ADDR + 3, 1), 0x54);
    out(ADDR, 4, 0);
    CHECK_EQ_U64(in(ADDR, 4), 0);
}

static void test_enable_bit(void)
{
    setup(&q35);
    /* enable clear: all ones at every size, writes dropped */
    out(ADDR, 4, 0x00000000);
    CHECK_EQ_U64(in(DATA, 4), 0xffffffff);
    CHECK_EQ_U64(in(DATA, 2), 0xffff);
    CHECK_EQ_U64(in(DATA + 2, 2), 0xffff);
    CHECK_EQ_U64(in(DATA + 3, 1), 0xff);
    out(ADDR, 4, 0x00000004);
    out(DATA, 2, PCI_COMMAND_IO);
    CHECK_EQ_U64(pci.config[PCI_CFG_COMMAND], 0);
    /* enabled: the IDs */
    out(ADDR, 4, 0x80000000);
    CHECK_EQ_U64(in(DATA, 4), 0x29c08086);
}

static void test_absent_devices(void)
{
    setup(&q35);
    /* every other bus, device and function: all ones, writes ignored */
    static const unsigned bdf[][3] = {{0, 0, 1}, {0, 0, 7}, {0, 1, 0},   {0, 31, 0},
                                      {0, 2, 3}, {1, 0, 0}, {255, 0, 0}, {255, 31, 7}};
    for (unsigned i = 0; i < sizeof(bdf) / sizeof(bdf[0]); i++) {
        for (unsigned reg = 0; reg < 0x100; reg += 0x3c) {
            out(ADDR, 4, pci_config_address(bdf[i][0], bdf[i][1], bdf[i][2], reg));
            CHECK_EQ_U64(in(DATA, 4), 0xffffffff);
            CHECK_EQ_U64(in(DATA + 1, 2), 0xffff);
            CHECK_EQ_U64(in(DATA + 3, 1), 0xff);
            out(DATA, 4, 0);
        }
    }
    u8 before[PCI_CONFIG_SIZE];
    memcpy(before, pci.config, sizeof(before));
    out(ADDR, 4, pci_config_address(0, 0, 1, PCI_CFG_COMMAND));
    out(DATA, 4, 0xffffffff);
    CHECK(memcmp(before, pci.config, sizeof(before)) == 0);
    /* the host bridge is single-function */
    CHECK_EQ_U64(cfg32(PCI_CFG_REVISION + 4) >> 16 & 0xff, 0x00);
}

static void test_host_bridge_ids(void)
{
    setup(&q35);
    out(ADDR, 4, 0x80000000);
    /* what tests/guest/portio checks: a 32-bit and a 16-bit IN */
    CHECK_EQ_U64(in(DATA, 4), 0x29c08086);
    CHECK_EQ_U64(in(DATA, 2), 0x8086);
    /* every size at every offset */
    CHECK_EQ_U64(in(DATA + 2, 2), 0x29c0);
    CHECK_EQ_U64(in(DATA + 1, 2), 0xc080);
    CHECK_EQ_U64(in(DATA, 1), 0x86);
    CHECK_EQ_U64(in(DATA + 1, 1), 0x80);
    CHECK_EQ_U64(in(DATA + 2, 1), 0xc0);
    CHECK_EQ_U64(in(DATA + 3, 1), 0x29);
    /* past 0xcff the bus splits the access: the rest is unclaimed */
    CHECK_EQ_U64(in(DATA + 3, 2), 0xff29);
    CHECK_EQ_U64(in(DATA + 2, 4), 0xffff29c0);
    CHECK_EQ_U64(in(DATA + 1, 4), 0xff29c080);
    /* a dword straddling CONFIG_ADDRESS and CONFIG_DATA, byte by byte */
    CHECK_EQ_U64(in(ADDR + 2, 4), 0x80860000);

    /* the rest of the header: command 0, status 0, revision 0, class
     * 06/00/00, header type 0, QEMU's subsystem IDs, no BARs, no
     * capabilities, no interrupt pin */
    CHECK_EQ_U64(cfg32(PCI_CFG_COMMAND), 0x00000000);
    CHECK_EQ_U64(cfg32(PCI_CFG_REVISION), 0x06000000);
    CHECK_EQ_U64(cfg32(PCI_CFG_CACHE_LINE), 0x00000000);
    for (unsigned bar = 0; bar < 6; bar++)
        CHECK_EQ_U64(cfg32(PCI_CFG_BAR0 + 4 * bar), 0);
    CHECK_EQ_U64(cfg32(PCI_CFG_SUBSYS_VENDOR), 0x11001af4);
    CHECK_EQ_U64(cfg32(PCI_CFG_ROM), 0);
    CHECK_EQ_U64(cfg32(PCI_CFG_CAP), 0);
    CHECK_EQ_U64(cfg32(PCI_CFG_INT_LINE), 0);
    bool zero = true;
    for (unsigned reg = 0x40; reg < 0x100; reg += 4)
        zero &= cfg32(reg) == 0;
    CHECK(zero);
    /* byte and word reads of a register dword at their offsets */
    out(ADDR, 4, pci_config_address(0, 0, 0, PCI_CFG_REVISION));
    CHECK_EQ_U64(in(DATA + 3, 1), 0x06); /* base class */
    CHECK_EQ_U64(in(DATA + 2, 1), 0x00); /* subclass */
    CHECK_EQ_U64(in(DATA + 2, 2), 0x0600);
    out(ADDR, 4, pci_config_address(0, 0, 0, PCI_CFG_SUBSYS_VENDOR));
    CHECK_EQ_U64(in(DATA + 2, 2), 0x1100);
    CHECK_EQ_U64(in(DATA, 2), 0x1af4);

    /* another configuration: i440FX's IDs, revision 2 */
    const struct pci_host_id i440fx = {.vendor = 0x8086,
                                       .device = 0x1237,
                                       .class_code = PCI_CLASS_HOST_BRIDGE,
                                       .revision = 0x02,
                                       .subsys_vendor = 0x1af4,
                                       .subsys = 0x1100};
    setup(&i440fx);
    CHECK_EQ_U64(cfg32(PCI_CFG_VENDOR), 0x12378086);
    CHECK_EQ_U64(cfg32(PCI_CFG_REVISION), 0x06000002);
    CHECK_EQ_U64(pci_host_config_read(&pci, 0x000, 2), 0x8086);
    CHECK_EQ_U64(pci_host_config_read(&pci, 0x002, 2), 0x1237);
    CHECK_EQ_U64(pci_host_config_read(&pci, 0x100, 4), 0xffffffff); /* 00:00.1 */
    CHECK_EQ_U64(pci_host_config_read(&pci, 0x0fe, 4), 0xffff0000); /* past the end */
}

static void test_read_only(void)
{
    setup(&q35);
    u8 before[PCI_CONFIG_SIZE];
    memcpy(before, pci.config, sizeof(before));
    /* everything but the writable bits ignores writes: IDs, class, BARs,
     * subsystem, device-specific */
    static const unsigned regs[] = {0x00, 0x08, 0x10, 0x14, 0x24, 0x2c,
                                    0x30, 0x34, 0x40, 0x60, 0x90, 0xfc};
    for (unsigned i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
        out(ADDR, 4, pci_config_address(0, 0, 0, regs[i]));
        out(DATA, 4, 0xffffffff);
        out(DATA, 2, 0x5a5a);
        out(DATA + 3, 1, 0xa5);
        out(DATA + 1, 2, 0x1234);
    }
    CHECK(memcmp(before, pci.config, sizeof(before)) == 0);
    CHECK_EQ_U64(cfg32(PCI_CFG_VENDOR), 0x29c08086);

    /* command: I/O, memory, bus master, SERR#, INTx disable, as QEMU */
    out(ADDR, 4, pci_config_address(0, 0, 0, PCI_CFG_COMMAND));
    out(DATA, 4, 0xffffffff); /* status is read-only 0 (its error bits are 0: RW1C no-ops) */
    CHECK_EQ_U64(in(DATA, 4), 0x00000507);
    CHECK_EQ_U64(PCI_HOST_COMMAND_WMASK, 0x0507);
    out(DATA, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_IO);
    CHECK_EQ_U64(in(DATA, 2), 0x0003);
    out(DATA + 1, 1, 0xff); /* the high byte alone */
    CHECK_EQ_U64(in(DATA, 2), 0x0503);
    out(DATA + 2, 2, 0xffff);
    CHECK_EQ_U64(in(DATA + 2, 2), 0);
    out(DATA, 1, 0);
    CHECK_EQ_U64(in(DATA, 4), 0x00000500);
    /* cache line size and interrupt line are writable; latency, header
     * type, BIST and interrupt pin are not */
    out(ADDR, 4, pci_config_address(0, 0, 0, PCI_CFG_CACHE_LINE));
    out(DATA, 4, 0xffffffff);
    CHECK_EQ_U64(in(DATA, 4), 0x000000ff);
    out(DATA, 1, 0x10);
    CHECK_EQ_U64(in(DATA, 4), 0x00000010);
    out(ADDR, 4, pci_config_address(0, 0, 0, PCI_CFG_INT_LINE));
    out(DATA, 4, 0xffffffff);
    CHECK_EQ_U64(in(DATA, 4), 0x000000ff);
    out(DATA, 1, 0x0b);
    CHECK_EQ_U64(in(DATA, 1), 0x0b);
    CHECK_EQ_U64(in(DATA + 1, 1), 0x00);
    /* a write with the enable bit clear changes nothing */
    out(ADDR, 4, 0x0000003c);
    out(DATA, 1, 0x05);
    CHECK_EQ_U64(pci.config[PCI_CFG_INT_LINE], 0x0b);
}

int main(void)
{
    test_address_register();
    test_enable_bit();
    test_absent_devices();
    test_host_bridge_ids();
    test_read_only();
    return check_report("devices_pci_host");
}
