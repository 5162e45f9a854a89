/*
 * Guest UART output to the Vireo console, a line at a time: one console
 * write per line keeps guest text from interleaving mid-line with other
 * servers' output. Lines print as "uart: TEXT" (the kernel adds the
 * server's name in front and shows control bytes as '?'). CR is dropped
 * (guests send CR LF); a line longer than the buffer prints in pieces.
 */
#ifndef VIREO_DEVICES_UART_CONSOLE_H
#define VIREO_DEVICES_UART_CONSOLE_H

#include <vireo/types.h>

#define UART_CONSOLE_PREFIX "uart: "
#define UART_CONSOLE_TEXT   160u /* bytes of guest text per console line */

struct uart_console {
    /* prefix, text, newline: written with one console write */
    char buf[sizeof(UART_CONSOLE_PREFIX) - 1 + UART_CONSOLE_TEXT + 1];
    unsigned len; /* bytes of text */
};

void uart_console_init(struct uart_console *c);
/* A uart_tx_fn: ctx is the struct uart_console. */
void uart_console_tx(void *ctx, u8 byte);
/* Prints a partial line, if any (when the VM stops). */
void uart_console_flush(struct uart_console *c);

#endif
