/* MOV DR exits (the VMM sets MOV_DR_EXIT at STARTUP): MOV to and from
 * DR0-DR7 with the architecture's rules (docs/VMM.md, "Control and debug
 * registers"): #UD for DR4/DR5 with CR4.DE (aliases of DR6/DR7 without),
 * #GP at CPL > 0 and for bits 63:32 of DR6/DR7, #DB with DR6.BD under
 * DR7.GD, DR6/DR7's fixed bits. */
#ifndef VIREO_VMM_DR_H
#define VIREO_VMM_DR_H

#include "exit_ctx.h"

void dr_exit(struct exit_ctx *x);

/* Forgets the guest's breakpoint addresses held here (the next exit's
 * message is taken as they are): for a guest started afresh. */
void dr_reset(void);

#endif
