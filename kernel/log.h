/* Kernel console log with levels (CONFIG_LOG_LEVEL from the build). Lines
 * go to the serial console (COM1). */
#ifndef KERNEL_LOG_H
#define KERNEL_LOG_H

#include <vireo/config.h>
#include <stdarg.h>
#include <vireo/types.h>

enum log_level { LOG_ERROR = 0, LOG_WARN = 1, LOG_INFO = 2, LOG_DEBUG = 3 };

/* Prints fmt (printf-style, see lib/include/vireo/format.h) if level is
 * enabled. A line is written whole; callers end it with '\n'. */
void klog(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void vklog(enum log_level level, const char *fmt, va_list ap);
/* Prints regardless of level (register dumps, the stop line). */
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Bytes to the console as they are (console_write_raw), under the lock. */
void log_raw(const char *s, u64 n);

#define log_error(...) klog(LOG_ERROR, __VA_ARGS__)
#define log_warn(...)  klog(LOG_WARN, __VA_ARGS__)
#define log_info(...)  klog(LOG_INFO, __VA_ARGS__)
#define log_debug(...) klog(LOG_DEBUG, __VA_ARGS__)

#endif
