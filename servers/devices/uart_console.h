/*
 * Guest UART output to the Vireo console, a line at a time: one console
 * write per line keeps guest text from interleaving mid-line with other
 * servers' output. Lines print as "uart: TEXT" (the kernel adds the
 * server's name in front and shows control bytes as '?'). CR is dropped
 * (guests send CR LF); a line longer than the buffer prints in pieces.
 *
 * Raw mode (uart_console_raw: the server holds the terminal's input, and
 * `arg` asks for it): the guest owns the terminal. Its bytes go out as
 * they are, control bytes and partial lines included, gathered per
 * request and written at uart_console_sync(): an interactive shell's
 * prompt, echo and line editing work as on a serial line.
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
    u64 raw_sm;   /* raw mode: the console input semaphore; ~0 line mode */
};

void uart_console_init(struct uart_console *c);
/* A uart_tx_fn: ctx is the struct uart_console. */
void uart_console_tx(void *ctx, u8 byte);
/* Prints a partial line, if any (when the VM stops). */
void uart_console_flush(struct uart_console *c);
/* Raw mode from now on, writing through console_write_raw with sm. */
void uart_console_raw(struct uart_console *c, u64 sm);
/* Raw mode: writes what the guest sent since the last call (after each
 * request); nothing in line mode. */
void uart_console_sync(struct uart_console *c);

#endif
