/*
 * QEMU's pc-testdev (QEMU 7.2: -device pc-testdev), the ISA test device
 * that kvm-unit-tests' x86 tests use, so those kernels run unchanged:
 *
 *   0xe0..0xe3      scratch: a 32-bit register, little-endian; an access of
 *                   any size at any offset reads what was last written to
 *                   those bytes. 0 at reset
 *   0xe4..0xe7      flush page: a 32-bit write at 0xe4 of a guest-physical
 *                   address asks that the guest's next access to its 4 KiB
 *                   page exit to the hypervisor (dev_sink.flush_page); any
 *                   other write is dropped (QEMU takes only 32-bit writes at
 *                   0xe4); reads give 0
 *   0xe8..0xeb      the same scratch register, a byte at a time (QEMU's
 *                   "ioport-byte" region: wider accesses are split)
 *   0x2000..0x2017  IRQ lines: a byte v written to 0x2000 + n drives line n
 *                   high if v != 0, low if v == 0; wider accesses are split
 *                   into bytes, one line each; reads give 0
 *   0xff000000      64 KiB of memory: accesses of 1, 2, 4 or 8 bytes at any
 *   + 0x10000       alignment read back what was written, little-endian.
 *                   0 at reset
 *
 * Lines 0..15 are ISA IRQs 0..15, the numbering the UART (4) and the RTC
 * (8) use. QEMU 7.2 aborts on a write to 0x2010..0x2017 (isa_get_irq
 * asserts IRQ < 16); here they drive lines 16..23, the IOAPIC inputs above
 * the ISA ones, since a guest must never crash the VMM.
 *
 * Accesses that are unaligned or run into the next range are split by the
 * buses into byte pieces, each to the range holding it, which gives what
 * QEMU gives under KVM (its I/O and MMIO exits are split into naturally
 * aligned pieces): the flush port's bytes read 0 and take no writes,
 * nothing answers above 0xeb, 0x2017 or the window (all ones; QEMU reads 0
 * past the window). QEMU TCG differs for ports: it hands an unaligned port
 * access whole to the first region, which refuses it (reads 0, writes
 * dropped); that artefact is not modelled.
 */
#ifndef VIREO_DEVICES_PC_TESTDEV_H
#define VIREO_DEVICES_PC_TESTDEV_H

#include "dev.h"
#include "mmio_bus.h"
#include "port_bus.h"

#define PC_TESTDEV_SCRATCH_PORT      0xe0u
#define PC_TESTDEV_FLUSH_PORT        0xe4u
#define PC_TESTDEV_SCRATCH_BYTE_PORT 0xe8u
#define PC_TESTDEV_PORTS             4u /* each of the three above */
#define PC_TESTDEV_IRQ_PORT          0x2000u
#define PC_TESTDEV_IRQ_LINES         24u
#define PC_TESTDEV_MMIO_BASE         0xff000000ull
#define PC_TESTDEV_MMIO_SIZE         0x10000u

struct pc_testdev {
    u32 scratch;
    const struct dev_sink *sink;
    u32 flushes; /* flush-page writes taken */
    struct dev_line irq[PC_TESTDEV_IRQ_LINES];
    u8 mem[PC_TESTDEV_MMIO_SIZE];
};

/* Reset state; line n of the IRQ ports is interrupt line n on sink (may be
 * 0: lines and flushes go nowhere). */
void pc_testdev_init(struct pc_testdev *t, const struct dev_sink *sink);

/* Bus callbacks (offsets from each range's base). */
u32 pc_testdev_scratch_read(void *dev, u16 offset, unsigned size);
void pc_testdev_scratch_write(void *dev, u16 offset, unsigned size, u32 value);
u32 pc_testdev_flush_read(void *dev, u16 offset, unsigned size);
void pc_testdev_flush_write(void *dev, u16 offset, unsigned size, u32 value);
u32 pc_testdev_irq_read(void *dev, u16 offset, unsigned size);
void pc_testdev_irq_write(void *dev, u16 offset, unsigned size, u32 value);
u64 pc_testdev_mem_read(void *dev, u64 offset, unsigned size);
void pc_testdev_mem_write(void *dev, u64 offset, unsigned size, u64 value);

/* The device's port ranges at QEMU's ports, in the order above (scratch,
 * flush, scratch bytes, IRQ lines), and its MMIO window. */
#define PC_TESTDEV_PORT_RANGES 4u
void pc_testdev_port_ranges(struct pc_testdev *t, struct port_range out[PC_TESTDEV_PORT_RANGES]);
struct mmio_range pc_testdev_mmio_range(struct pc_testdev *t);

#endif
