/* The exit handler: the portal handler of every exit class (the badge is
 * the class), on the vCPU's time. */
#ifndef VIREO_VMM_EXITS_H
#define VIREO_VMM_EXITS_H

#include "mb1_boot.h"
#include "fuzz.h"
#include "irqchip.h"
#include "lapic.h"
#include "linux_boot.h"
#include "msr.h"
#include "vm.h"
#include <vireo/utcb.h>

struct vcpu_ctx {
    struct vm *vm;
    bool linux;           /* a bzImage: linux_boot, else the multiboot boot */
    struct mb1_boot boot; /* the guest's start (STARTUP) */
    struct linux_boot linux_boot;
    struct msr_state msrs;
    struct lapic lapic;
    struct irqchip irqchip;    /* vm->irqchip: the i8259 pair and the IOAPIC */
    u64 tsc_offset;            /* the guest's, as last set */
    volatile u64 timer_next;   /* guest TSC of the APIC's next event (main thread recalls) */
    volatile bool halted;      /* waiting in HLT: no recall needed */
    volatile bool window_open; /* AMD-V: an interrupt window is open (main.c's backstop) */
    u32 handled;               /* exits handled (the crash test counts them) */
    bool fuzzing;              /* the reply fuzzer is on (fuzz.h) */
    struct fuzz fuzz;
};

/* The MTD the portal of class cls asks for. */
u64 exits_portal_mtd(u32 cls);

/* ipc_handler for the exit portals (ctx: struct vcpu_ctx). */
u64 exits_handle(void *ctx, u64 badge, struct vireo_utcb *utcb, u64 words);

#endif
