/* Builds every server of the description, supervises them until all have
 * ended, prints the summary; returns init's exit status (0 iff every
 * server met its expectation). */
#ifndef INIT_SYSTEM_H
#define INIT_SYSTEM_H

#include <vireo/init_info.h>

int system_run(const struct vireo_init_info *info);

#endif
