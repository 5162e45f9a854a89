/* COM1 16550A, polled. */
#include <guest/cpu.h>
#include <guest/uart.h>

void uart_init(void)
{
    outb(UART_COM1 + UART_IER, 0);
    outb(UART_COM1 + UART_LCR, UART_LCR_DLAB);
    outb(UART_COM1 + UART_THR, 1); /* divisor 1: 115200 baud */
    outb(UART_COM1 + UART_IER, 0);
    outb(UART_COM1 + UART_LCR, UART_LCR_8N1);
    outb(UART_COM1 + UART_FCR, 0x07); /* FIFOs on and cleared */
    outb(UART_COM1 + UART_MCR, 0x03); /* DTR, RTS; OUT2 off: no interrupts */
}

static void put(char c)
{
    /* Bounded: a missing UART must not hang the guest. */
    for (unsigned i = 0; i < 1000000 && !(inb(UART_COM1 + UART_LSR) & UART_LSR_THRE); i++)
        ;
    outb(UART_COM1 + UART_THR, (uint8_t)c);
}

void uart_write(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n')
            put('\r');
        put(s[i]);
    }
}

void uart_drain(void)
{
    for (unsigned i = 0; i < 1000000 && !(inb(UART_COM1 + UART_LSR) & UART_LSR_TEMT); i++)
        ;
}
