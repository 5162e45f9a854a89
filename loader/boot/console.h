/* The loader's COM1 console and its way of giving up. */
#ifndef LOADER_CONSOLE_H
#define LOADER_CONSOLE_H

#include "boot_error.h"

void loader_print(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints "loader: <err->msg>" and stops the system with err's status. */
__attribute__((noreturn)) void loader_stop(const struct boot_error *err);

#endif
