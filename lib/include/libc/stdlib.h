/* The part of <stdlib.h> the freestanding runtime provides (libfdt needs
 * strtoul). */
#ifndef VIREO_LIB_STDLIB_H
#define VIREO_LIB_STDLIB_H

#include <stddef.h>

unsigned long strtoul(const char *s, char **end, int base);

#endif
