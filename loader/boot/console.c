#include "console.h"
#include <vireo/format.h>
#include <vireo/ring0_stop.h>
#include <vireo/uart.h>
#include <stdarg.h>

static void uart_sink(void *ctx, const char *s, size_t n)
{
    (void)ctx;
    uart_write(UART_COM1, s, n);
}

void loader_print(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vformat(uart_sink, NULL, fmt, ap);
    va_end(ap);
}

void loader_stop(const struct boot_error *err)
{
    loader_print("loader: %s\n", err->msg);
    ring0_system_stop(err->status, err->reason);
}
