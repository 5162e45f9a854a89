/* The ring-3 runtime every server and init links (lib/user/): syscall
 * stubs and console output. */
#ifndef VIREO_LIB_USER_H
#define VIREO_LIB_USER_H

#include <vireo/types.h>
#include <vireo/status.h>

/* Raw system calls (abi/vireo/syscall.h). */
enum vireo_status sys_console_write(const char *buf, size_t len);
__attribute__((noreturn)) void sys_exit(u64 status);

/* printf to the console, through one console_write per call. Output longer
 * than the internal buffer is written in several calls. */
void printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void puts(const char *s);

/* Reports a failed run-time check and exits with status 1. */
__attribute__((noreturn)) void user_fatal(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

#endif
