/*
 * Intercepted exceptions, given back to the guest as the CPU would have
 * delivered them (docs/VMM.md, "Exceptions"). #AC always exits: a guest
 * could otherwise keep a CPU in microcode for good, raising #AC while
 * delivering the last one (CVE-2015-5307), where an exit lets the host in
 * between. (#DB, the same on AMD CPUs, CVE-2015-8104: docs/VMM.md says why
 * it is not intercepted yet.)
 */
#ifndef VIREO_VMM_EXCEPTION_H
#define VIREO_VMM_EXCEPTION_H

#include "exit_ctx.h"

#define EXCEPTION_INTERCEPTS (1u << EXC_AC)

void exception_exit(struct exit_ctx *x);

#endif
