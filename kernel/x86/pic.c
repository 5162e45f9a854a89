#include "pic.h"
#include "layout.h"
#include <x86/io.h>

enum {
    PIC1_CMD = 0x20,
    PIC1_DATA = 0x21,
    PIC2_CMD = 0xa0,
    PIC2_DATA = 0xa1,
    ICW1_INIT_WITH_ICW4 = 0x11,
    ICW3_MASTER_SLAVE_ON_IRQ2 = 0x04,
    ICW3_SLAVE_ID = 0x02,
    ICW4_8086 = 0x01,
    MASK_ALL = 0xff,
};

static void io_delay(void)
{
    outb(0x80, 0); /* the POST port: a write takes about 1 us */
}

static void pic_write(u16 port, u8 value)
{
    outb(port, value);
    io_delay();
}

void pic_disable(void)
{
    pic_write(PIC1_CMD, ICW1_INIT_WITH_ICW4);
    pic_write(PIC2_CMD, ICW1_INIT_WITH_ICW4);
    pic_write(PIC1_DATA, VECTOR_PIC_BASE);
    pic_write(PIC2_DATA, VECTOR_PIC_BASE + 8);
    pic_write(PIC1_DATA, ICW3_MASTER_SLAVE_ON_IRQ2);
    pic_write(PIC2_DATA, ICW3_SLAVE_ID);
    pic_write(PIC1_DATA, ICW4_8086);
    pic_write(PIC2_DATA, ICW4_8086);
    pic_write(PIC1_DATA, MASK_ALL);
    pic_write(PIC2_DATA, MASK_ALL);
}
