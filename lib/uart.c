/* Polled 16550A output: waits for transmit-holding-register empty before
 * each byte, so it works on every emulator and on hardware. */
#include <vireo/uart.h>
#include <x86/io.h>

enum {
    UART_DATA = 0,
    UART_IER = 1,
    UART_FCR = 2,
    UART_LCR = 3,
    UART_MCR = 4,
    UART_LSR = 5,
    UART_DLL = 0,
    UART_DLM = 1,
    LCR_8N1 = 0x03,
    LCR_DLAB = 0x80,
    LSR_DR = 0x01,
    LSR_THRE = 0x20,
};

bool uart_try_getc(uint16_t base, uint8_t *c)
{
    uint8_t lsr = inb(base + UART_LSR);
    if (lsr == 0xff || !(lsr & LSR_DR))
        return false; /* nothing received, or no UART at all */
    *c = inb(base + UART_DATA);
    return true;
}

void uart_init(uint16_t base)
{
    outb(base + UART_IER, 0x00);
    outb(base + UART_LCR, LCR_DLAB);
    outb(base + UART_DLL, 1); /* 115200 / 1 */
    outb(base + UART_DLM, 0);
    outb(base + UART_LCR, LCR_8N1);
    outb(base + UART_FCR, 0x07); /* enable and clear FIFOs */
    outb(base + UART_MCR, 0x03); /* DTR, RTS */
}

static void uart_putc(uint16_t base, char c)
{
    /* Bounded wait: a missing UART reads 0xff (THRE set), a stuck one
     * must not hang the console forever. */
    for (unsigned spins = 0; spins < 100000; spins++) {
        if (inb(base + UART_LSR) & LSR_THRE)
            break;
    }
    outb(base + UART_DATA, (uint8_t)c);
}

void uart_write_raw(uint16_t base, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        uart_putc(base, s[i]);
}

void uart_write(uint16_t base, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n')
            uart_putc(base, '\r');
        uart_putc(base, s[i]);
    }
}
