/* Kernel console: each call formats one whole line into a local buffer and
 * writes it to COM1 under a lock, so lines from different CPUs never mix. */
#include "log.h"
#include "spinlock.h"
#include <vireo/format.h>
#include <vireo/uart.h>

enum { LOG_LINE_MAX = 256 };

static struct spinlock console_lock = SPINLOCK_INIT;

static void console_emit(const char *fmt, va_list ap)
{
    char line[LOG_LINE_MAX];
    size_t n = vsnformat(line, sizeof(line), fmt, ap);
    if (n >= sizeof(line)) {
        /* Truncated: keep the line a line. */
        n = sizeof(line) - 1;
        line[n - 1] = '\n';
    }
    u64 flags = spin_lock_irqsave(&console_lock);
    uart_write(UART_COM1, line, n);
    spin_unlock_irqrestore(&console_lock, flags);
}

void vklog(enum log_level level, const char *fmt, va_list ap)
{
    if ((int)level > CONFIG_LOG_LEVEL)
        return;
    console_emit(fmt, ap);
}

void klog(enum log_level level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vklog(level, fmt, ap);
    va_end(ap);
}

void kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    console_emit(fmt, ap);
    va_end(ap);
}

void log_raw(const char *s, u64 n)
{
    u64 flags = spin_lock_irqsave(&console_lock);
    uart_write_raw(UART_COM1, s, n);
    spin_unlock_irqrestore(&console_lock, flags);
}
