/* rt_printf: lib/format.c's engine writing to the UART. */
#include <guest/rt.h>
#include <guest/uart.h>
#include <vireo/format.h>
#include <stdarg.h>

static void sink(void *ctx, const char *s, size_t n)
{
    (void)ctx;
    uart_write(s, n);
}

void rt_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vformat(sink, NULL, fmt, ap);
    va_end(ap);
}
