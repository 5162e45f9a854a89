#include "pit.h"
#include <x86/io.h>

enum {
    PIT_CHANNEL2 = 0x42,
    PIT_COMMAND = 0x43,
    PORT_B = 0x61, /* system control port B */
    PORT_B_GATE2 = 0x01,
    PORT_B_SPEAKER = 0x02,
    PORT_B_OUT2 = 0x20,
    /* channel 2, lobyte/hibyte access, mode 0 (interrupt on terminal
     * count), binary */
    PIT_CH2_MODE0 = 0xb0,
};

void pit_oneshot_start(u16 ticks)
{
    u8 b = inb(PORT_B) & ~(PORT_B_GATE2 | PORT_B_SPEAKER);
    outb(PORT_B, b); /* gate low: hold the counter */
    outb(PIT_COMMAND, PIT_CH2_MODE0);
    outb(PIT_CHANNEL2, ticks & 0xff);
    outb(PIT_CHANNEL2, ticks >> 8);
    outb(PORT_B, b | PORT_B_GATE2); /* gate high: count */
}

bool pit_oneshot_done(void)
{
    return inb(PORT_B) & PORT_B_OUT2;
}
