/* Port I/O exits: IN/OUT and the string forms INS/OUTS with REP, each
 * element one device-server access (docs/VMM.md). */
#ifndef VIREO_VMM_IO_H
#define VIREO_VMM_IO_H

#include "exit_ctx.h"

/* The items the handler needs. */
#define IO_EXIT_MTD (VIREO_MTD_EMUL)

void io_exit(struct exit_ctx *x);

#endif
