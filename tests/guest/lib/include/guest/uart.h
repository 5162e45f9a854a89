/* Polled output on the COM1 16550A. */
#ifndef GUEST_UART_H
#define GUEST_UART_H

#include <stddef.h>
#include <stdint.h>

#define UART_COM1 0x3f8
/* Register offsets from the base port. */
#define UART_THR 0 /* DLL with DLAB set */
#define UART_IER 1 /* DLM with DLAB set */
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_SCR 7

#define UART_LCR_8N1  0x03
#define UART_LCR_DLAB 0x80
#define UART_LSR_THRE 0x20
#define UART_LSR_TEMT 0x40

/* 115200 baud (divisor 1), 8N1, FIFOs on, no interrupts. The guest sets the
 * line control itself: Bochs honours the word length, and nothing before
 * us (BIOS, GRUB, a VMM) is trusted to have left it at 8 bits. */
void uart_init(void);
/* Writes n bytes, "\n" as "\r\n", polling LSR.THRE before each. */
void uart_write(const char *s, size_t n);
/* Waits (bounded) until the last byte has left the transmitter: Bochs
 * sends at the emulated baud rate and would lose it at shutdown. */
void uart_drain(void);

#endif
