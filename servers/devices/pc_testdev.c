/* QEMU's pc-testdev (pc_testdev.h). */
#include "pc_testdev.h"

#include <string.h>

void pc_testdev_init(struct pc_testdev *t, const struct dev_sink *sink)
{
    t->scratch = 0;
    t->sink = sink;
    t->flushes = 0;
    for (u16 n = 0; n < PC_TESTDEV_IRQ_LINES; n++)
        dev_line_init(&t->irq[n], sink, n);
    memset(t->mem, 0, sizeof(t->mem));
}

/* The bits an access of size bytes at offset (0..3) covers; the port bus
 * never lets one run past offset 3. */
static u32 scratch_mask(u16 offset, unsigned size)
{
    u32 bits = size >= 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
    return bits << (8 * (offset & 3));
}

u32 pc_testdev_scratch_read(void *dev, u16 offset, unsigned size)
{
    const struct pc_testdev *t = dev;
    return (t->scratch & scratch_mask(offset, size)) >> (8 * (offset & 3));
}

void pc_testdev_scratch_write(void *dev, u16 offset, unsigned size, u32 value)
{
    struct pc_testdev *t = dev;
    u32 mask = scratch_mask(offset, size);
    t->scratch = (t->scratch & ~mask) | ((value << (8 * (offset & 3))) & mask);
}

u32 pc_testdev_flush_read(void *dev, u16 offset, unsigned size)
{
    (void)dev, (void)offset, (void)size;
    return 0;
}

void pc_testdev_flush_write(void *dev, u16 offset, unsigned size, u32 value)
{
    struct pc_testdev *t = dev;
    if (offset != 0 || size != 4) /* QEMU's region takes aligned 32-bit writes only */
        return;
    t->flushes++;
    if (t->sink && t->sink->flush_page)
        t->sink->flush_page(t->sink->ctx, value & ~0xfffull);
}

u32 pc_testdev_irq_read(void *dev, u16 offset, unsigned size)
{
    (void)dev, (void)offset, (void)size;
    return 0;
}

void pc_testdev_irq_write(void *dev, u16 offset, unsigned size, u32 value)
{
    struct pc_testdev *t = dev;
    (void)size; /* the range takes bytes only: the bus split wider writes */
    if (offset < PC_TESTDEV_IRQ_LINES)
        dev_line_set(&t->irq[offset], value != 0);
}

/* The bus keeps offset + size inside the window. */
u64 pc_testdev_mem_read(void *dev, u64 offset, unsigned size)
{
    const struct pc_testdev *t = dev;
    u64 v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= (u64)t->mem[offset + i] << (8 * i);
    return v;
}

void pc_testdev_mem_write(void *dev, u64 offset, unsigned size, u64 value)
{
    struct pc_testdev *t = dev;
    for (unsigned i = 0; i < size; i++)
        t->mem[offset + i] = (u8)(value >> (8 * i));
}

static struct port_range ports(struct pc_testdev *t, u16 base, u16 count, u8 sizes,
                               port_read_fn read, port_write_fn write, const char *name)
{
    return (struct port_range){.base = base,
                               .count = count,
                               .sizes = sizes,
                               .read = read,
                               .write = write,
                               .dev = t,
                               .name = name};
}

void pc_testdev_port_ranges(struct pc_testdev *t, struct port_range out[PC_TESTDEV_PORT_RANGES])
{
    const u8 any = PORT_SIZE_1 | PORT_SIZE_2 | PORT_SIZE_4;
    out[0] = ports(t, PC_TESTDEV_SCRATCH_PORT, PC_TESTDEV_PORTS, any, pc_testdev_scratch_read,
                   pc_testdev_scratch_write, "pc-testdev scratch");
    out[1] = ports(t, PC_TESTDEV_FLUSH_PORT, PC_TESTDEV_PORTS, any, pc_testdev_flush_read,
                   pc_testdev_flush_write, "pc-testdev flush-page");
    /* QEMU's "ioport-byte": the bus splits wider accesses into bytes */
    out[2] = ports(t, PC_TESTDEV_SCRATCH_BYTE_PORT, PC_TESTDEV_PORTS, PORT_SIZE_1,
                   pc_testdev_scratch_read, pc_testdev_scratch_write, "pc-testdev scratch bytes");
    out[3] = ports(t, PC_TESTDEV_IRQ_PORT, PC_TESTDEV_IRQ_LINES, PORT_SIZE_1, pc_testdev_irq_read,
                   pc_testdev_irq_write, "pc-testdev irq lines");
}

struct mmio_range pc_testdev_mmio_range(struct pc_testdev *t)
{
    return (struct mmio_range){.base = PC_TESTDEV_MMIO_BASE,
                               .size = PC_TESTDEV_MMIO_SIZE,
                               .sizes = MMIO_SIZE_1 | MMIO_SIZE_2 | MMIO_SIZE_4 | MMIO_SIZE_8,
                               .read = pc_testdev_mem_read,
                               .write = pc_testdev_mem_write,
                               .dev = t,
                               .name = "pc-testdev memory"};
}
