/* Port 0x80, POST codes and I/O delays (post_port.h). */
#include "post_port.h"

void post_port_init(struct post_port *p)
{
    p->last = 0;
    p->writes = 0;
}

u32 post_port_read(void *dev, u16 offset, unsigned size)
{
    const struct post_port *p = dev;
    (void)offset, (void)size;
    return p->last;
}

void post_port_write(void *dev, u16 offset, unsigned size, u32 value)
{
    struct post_port *p = dev;
    (void)offset, (void)size;
    p->last = (u8)value;
    p->writes++;
}

struct port_range post_port_port_range(struct post_port *p, u16 base)
{
    return (struct port_range){.base = base,
                               .count = 1,
                               .sizes = PORT_SIZE_1,
                               .read = post_port_read,
                               .write = post_port_write,
                               .dev = p,
                               .name = "post"};
}
