/* PCI configuration mechanism #1 and the host bridge (pci_host.h). */
#include <string.h>

#include "pci_host.h"

#define ADDRESS_PORTS 4u /* 0xcf8..0xcfb; CONFIG_DATA from here */

static void put16(u8 *c, unsigned off, u16 v)
{
    c[off] = (u8)v;
    c[off + 1] = (u8)(v >> 8);
}

void pci_host_init(struct pci_host *p, const struct pci_host_id *id)
{
    memset(p, 0, sizeof(*p));
    put16(p->config, PCI_CFG_VENDOR, id->vendor);
    put16(p->config, PCI_CFG_DEVICE, id->device);
    p->config[PCI_CFG_REVISION] = id->revision;
    p->config[PCI_CFG_CLASS] = (u8)id->class_code;
    p->config[PCI_CFG_CLASS + 1] = (u8)(id->class_code >> 8);
    p->config[PCI_CFG_CLASS + 2] = (u8)(id->class_code >> 16);
    put16(p->config, PCI_CFG_SUBSYS_VENDOR, id->subsys_vendor);
    put16(p->config, PCI_CFG_SUBSYS, id->subsys);
    /* command, status, header type (0: single function), BARs, interrupt
     * line and pin: 0 */
}

/* The bits of config byte reg a guest may write. */
static u8 write_mask(unsigned reg)
{
    switch (reg) {
    case PCI_CFG_COMMAND:
        return (u8)PCI_HOST_COMMAND_WMASK;
    case PCI_CFG_COMMAND + 1:
        return (u8)(PCI_HOST_COMMAND_WMASK >> 8);
    case PCI_CFG_CACHE_LINE:
    case PCI_CFG_INT_LINE:
        return 0xff;
    default:
        return 0;
    }
}

static bool is_host_bridge(u32 addr)
{
    return (addr & 0x00ffff00u) == 0; /* bus 0, device 0, function 0 */
}

u32 pci_host_config_read(const struct pci_host *p, u32 addr, unsigned size)
{
    u32 v = 0;
    for (unsigned i = 0; i < size && i < 4; i++) {
        unsigned reg = (addr & 0xffu) + i;
        u32 byte = is_host_bridge(addr) && reg < PCI_CONFIG_SIZE ? p->config[reg] : 0xffu;
        v |= byte << (8 * i);
    }
    return v;
}

void pci_host_config_write(struct pci_host *p, u32 addr, unsigned size, u32 value)
{
    if (!is_host_bridge(addr))
        return;
    for (unsigned i = 0; i < size && i < 4; i++) {
        unsigned reg = (addr & 0xffu) + i;
        if (reg >= PCI_CONFIG_SIZE)
            break;
        u8 m = write_mask(reg);
        p->config[reg] = (u8)((p->config[reg] & ~m) | ((value >> (8 * i)) & m));
    }
}

static u32 size_mask(unsigned size)
{
    return size >= 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
}

/* One access that stays on one side of 0xcfb/0xcfc. */
static u32 read_part(struct pci_host *p, unsigned off, unsigned size)
{
    if (off < ADDRESS_PORTS) /* QEMU: CONFIG_ADDRESS whatever the offset and size */
        return p->address & size_mask(size);
    if (!(p->address & PCI_CONFIG_ENABLE))
        return size_mask(size);
    return pci_host_config_read(p, p->address + (off - ADDRESS_PORTS), size);
}

static void write_part(struct pci_host *p, unsigned off, unsigned size, u32 value)
{
    if (off < ADDRESS_PORTS) {
        if (off == 0 && size == 4) /* only a dword write latches it */
            p->address = value & PCI_CONFIG_MASK;
        return;
    }
    if (p->address & PCI_CONFIG_ENABLE)
        pci_host_config_write(p, p->address + (off - ADDRESS_PORTS), size, value);
}

/* An access across 0xcfb/0xcfc (or past 0xcff) goes byte by byte. */
static bool straddles(unsigned off, unsigned size)
{
    return (off < ADDRESS_PORTS && off + size > ADDRESS_PORTS) || off + size > PCI_HOST_PORTS;
}

u32 pci_host_read(void *dev, u16 offset, unsigned size)
{
    struct pci_host *p = dev;
    if (!straddles(offset, size))
        return read_part(p, offset, size);
    u32 v = 0;
    for (unsigned i = 0; i < size; i++) {
        u32 byte = offset + i < PCI_HOST_PORTS ? read_part(p, offset + i, 1) : 0xffu;
        v |= byte << (8 * i);
    }
    return v;
}

void pci_host_write(void *dev, u16 offset, unsigned size, u32 value)
{
    struct pci_host *p = dev;
    if (!straddles(offset, size)) {
        write_part(p, offset, size, value);
        return;
    }
    for (unsigned i = 0; i < size && offset + i < PCI_HOST_PORTS; i++)
        write_part(p, offset + i, 1, (value >> (8 * i)) & 0xffu);
}

struct port_range pci_host_port_range(struct pci_host *p, u16 base)
{
    return (struct port_range){.base = base,
                               .count = PCI_HOST_PORTS,
                               .sizes = PORT_SIZE_1 | PORT_SIZE_2 | PORT_SIZE_4,
                               .read = pci_host_read,
                               .write = pci_host_write,
                               .dev = p,
                               .name = "pci-host"};
}
