/* Guest UART output to the console (uart_console.h). */
#include <vireo/sys.h>
#include <string.h>

#include "uart_console.h"

#define PREFIX_LEN (sizeof(UART_CONSOLE_PREFIX) - 1)

void uart_console_init(struct uart_console *c)
{
    memcpy(c->buf, UART_CONSOLE_PREFIX, PREFIX_LEN);
    c->len = 0;
    c->raw_sm = ~0ull;
}

void uart_console_raw(struct uart_console *c, u64 sm)
{
    uart_console_flush(c);
    c->raw_sm = sm;
}

void uart_console_sync(struct uart_console *c)
{
    if (c->raw_sm != ~0ull && c->len)
        sys_console_write_raw(c->raw_sm, c->buf + PREFIX_LEN, c->len);
    if (c->raw_sm != ~0ull)
        c->len = 0;
}

static void print_line(struct uart_console *c)
{
    c->buf[PREFIX_LEN + c->len] = '\n';
    sys_console_write(c->buf, PREFIX_LEN + c->len + 1);
    c->len = 0;
}

void uart_console_flush(struct uart_console *c)
{
    if (c->raw_sm != ~0ull)
        uart_console_sync(c);
    else if (c->len)
        print_line(c);
}

void uart_console_tx(void *ctx, u8 byte)
{
    struct uart_console *c = ctx;
    if (c->raw_sm != ~0ull) {
        c->buf[PREFIX_LEN + c->len++] = (char)byte;
        if (c->len == UART_CONSOLE_TEXT)
            uart_console_sync(c);
        return;
    }
    if (byte == '\r')
        return;
    if (byte == '\n') {
        print_line(c);
        return;
    }
    c->buf[PREFIX_LEN + c->len++] = (char)byte;
    if (c->len == UART_CONSOLE_TEXT)
        print_line(c);
}
