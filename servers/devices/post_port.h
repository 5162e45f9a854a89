/*
 * Port 0x80, the POST diagnostic port: firmware writes its progress codes
 * there (a POST card on the ISA bus shows them), and Linux and other
 * guests write it to delay (outb to 0x80 takes about a microsecond on
 * ISA-era hardware: Linux's outb_p / io_delay). So the model is two
 * stores: the last byte written and a count of writes, for statistics.
 *
 * Reads return the last byte written (0 before any), as Bochs's port 0x80
 * and many chipsets do; QEMU's reads all ones instead, which no guest
 * relies on. One byte port: a wider access is split by the bus, so its
 * first byte lands here and counts once.
 */
#ifndef VIREO_DEVICES_POST_PORT_H
#define VIREO_DEVICES_POST_PORT_H

#include "port_bus.h"

#define POST_PORT 0x80u

struct post_port {
    u8 last;    /* the last byte written */
    u64 writes; /* writes so far */
};

void post_port_init(struct post_port *p);
u32 post_port_read(void *dev, u16 offset, unsigned size);
void post_port_write(void *dev, u16 offset, unsigned size, u32 value);
/* One byte port at base. */
struct port_range post_port_port_range(struct post_port *p, u16 base);

#endif
