/*
 * PCI configuration mechanism #1 (PCI Local Bus 3.0, 3.2.2.3.2) with one
 * device behind it: the host bridge at bus 0, device 0, function 0.
 *
 *   0xcf8  CONFIG_ADDRESS: bit 31 enable, 23:16 bus, 15:11 device,
 *          10:8 function, 7:2 register. Only a 32-bit write to 0xcf8
 *          latches it; bits 30:24 and 1:0 read 0, as the spec has them.
 *          Other accesses to 0xcf8..0xcfb do what QEMU's conf register
 *          does: writes are dropped, reads give the low bytes of
 *          CONFIG_ADDRESS. (QEMU's PIIX3/ICH9 reset control register at
 *          0xcf9 is not modelled.)
 *   0xcfc  CONFIG_DATA, 0xcfc..0xcff: any size at any offset, reaching the
 *          latched register plus the offset within the dword.
 *
 * With the enable bit clear, or for any bus, device or function but
 * 00:00.0, reads give all ones and writes are dropped. The host bridge's
 * 256-byte header (type 0) is read-only except the bits QEMU lets a guest
 * write in a device without BARs: command I/O, memory, bus master, SERR#
 * and INTx-disable, cache line size and interrupt line. Its IDs, class
 * and revision are the caller's; status is 0 (no capabilities), and the
 * device-specific registers 0x40..0xff read 0 (no PAM, SMRAM or PCIEXBAR).
 */
#ifndef VIREO_DEVICES_PCI_HOST_H
#define VIREO_DEVICES_PCI_HOST_H

#include "port_bus.h"

#define PCI_HOST_PORT  0xcf8u
#define PCI_HOST_PORTS 8u /* CONFIG_ADDRESS 0xcf8..0xcfb, CONFIG_DATA 0xcfc..0xcff */

#define PCI_CONFIG_ENABLE 0x80000000u
#define PCI_CONFIG_MASK   0x80fffffcu /* the bits CONFIG_ADDRESS keeps */
#define PCI_CONFIG_SIZE   256u

/* CONFIG_ADDRESS for bus:device.function, register reg. */
static inline u32 pci_config_address(unsigned bus, unsigned dev, unsigned fn, unsigned reg)
{
    return PCI_CONFIG_ENABLE | (bus & 0xffu) << 16 | (dev & 0x1fu) << 11 | (fn & 7u) << 8 |
           (reg & 0xfcu);
}

/* Type 0 header offsets. */
enum pci_cfg_reg {
    PCI_CFG_VENDOR = 0x00,
    PCI_CFG_DEVICE = 0x02,
    PCI_CFG_COMMAND = 0x04,
    PCI_CFG_STATUS = 0x06,
    PCI_CFG_REVISION = 0x08,
    PCI_CFG_CLASS = 0x09, /* 24 bits: prog-if, subclass, class */
    PCI_CFG_CACHE_LINE = 0x0c,
    PCI_CFG_LATENCY = 0x0d,
    PCI_CFG_HEADER_TYPE = 0x0e,
    PCI_CFG_BIST = 0x0f,
    PCI_CFG_BAR0 = 0x10,
    PCI_CFG_SUBSYS_VENDOR = 0x2c,
    PCI_CFG_SUBSYS = 0x2e,
    PCI_CFG_ROM = 0x30,
    PCI_CFG_CAP = 0x34,
    PCI_CFG_INT_LINE = 0x3c,
    PCI_CFG_INT_PIN = 0x3d,
};

#define PCI_COMMAND_IO           0x0001u
#define PCI_COMMAND_MEMORY       0x0002u
#define PCI_COMMAND_MASTER       0x0004u
#define PCI_COMMAND_SERR         0x0100u
#define PCI_COMMAND_INTX_DISABLE 0x0400u
#define PCI_HOST_COMMAND_WMASK                                                                     \
    (PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | PCI_COMMAND_SERR |                 \
     PCI_COMMAND_INTX_DISABLE)

#define PCI_CLASS_HOST_BRIDGE 0x060000u

/* What the host bridge says it is. */
struct pci_host_id {
    u16 vendor, device;
    u32 class_code; /* class << 16 | subclass << 8 | prog-if */
    u8 revision;
    u16 subsys_vendor, subsys;
};

struct pci_host {
    u32 address; /* CONFIG_ADDRESS, PCI_CONFIG_MASK bits */
    u8 config[PCI_CONFIG_SIZE];
};

void pci_host_init(struct pci_host *p, const struct pci_host_id *id);

/* Port access (port_bus callbacks; offset 0..7 from 0xcf8, size 1, 2, 4). */
u32 pci_host_read(void *dev, u16 offset, unsigned size);
void pci_host_write(void *dev, u16 offset, unsigned size, u32 value);
/* A port_bus range for the mechanism at base (0xcf8 on a PC). */
struct port_range pci_host_port_range(struct pci_host *p, u16 base);

/* Configuration access by address (bus 23:16, devfn 15:8, register 7:0,
 * as CONFIG_ADDRESS has them; the enable bit is ignored): size bytes from
 * the register on, within the 256 bytes. Absent functions read all ones. */
u32 pci_host_config_read(const struct pci_host *p, u32 addr, unsigned size);
void pci_host_config_write(struct pci_host *p, u32 addr, unsigned size, u32 value);

#endif
