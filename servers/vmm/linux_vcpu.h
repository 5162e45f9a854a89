/* The vCPU state a Linux guest starts in (linux_boot.h's linux_cpu_start
 * as the exit message's items), the counterpart of mb1_vcpu_start. */
#ifndef VIREO_VMM_LINUX_VCPU_H
#define VIREO_VMM_LINUX_VCPU_H

#include "linux_boot.h"
#include <vireo/vmexit.h>

/* Fills the items of MB1_VCPU_MTD in *s and sets s->mtd to it. */
void linux_vcpu_start(const struct linux_cpu_start *cpu, struct vireo_vcpu_state *s);

#endif
