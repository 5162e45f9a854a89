/* A vCPU's DR0-3, and on VT-x its DR6 (no VMCS field holds it): the
 * kernel and the servers never use debug registers, so a vCPU's stay in
 * them from its entry until another vCPU enters on that CPU. DR7 (and on
 * AMD-V DR6) are the VMCS's and the VMCB's. */
#ifndef KERNEL_X86_VCPU_DR_H
#define KERNEL_X86_VCPU_DR_H

#include "vcpu.h"

/* Before v enters: its registers in, the previous owner's saved (with_dr6:
 * DR6 too, the same for every call). */
void vcpu_dr_load(struct vcpu *v, bool with_dr6);
/* DR n (0-3, 6) of v: the register while v owns them, else its copy. */
u64 vcpu_dr_get(struct vcpu *v, unsigned n);
void vcpu_dr_set(struct vcpu *v, unsigned n, u64 value);
/* v goes away: its registers need no saving. */
void vcpu_dr_forget(struct vcpu *v);

#endif
