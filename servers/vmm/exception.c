#include "exception.h"
#include <vireo/x86/cr.h>

void exception_exit(struct exit_ctx *x)
{
    struct vireo_vcpu_state *s = x->s;
    u32 vector = (u32)VIREO_GET(VMX_INTR_INFO, VECTOR, s->info[0]);
    if (VIREO_GET(VMX_INTR_INFO, VALID, s->vect_info) &&
        VIREO_GET(VMX_INTR_INFO, TYPE, s->vect_info) == VMX_EVENT_HW_EXCEPTION &&
        VIREO_GET(VMX_INTR_INFO, VECTOR, s->vect_info) == EXC_DF) {
        /* An exception while delivering a double fault: the CPU shuts
         * down. (Otherwise the intercepted #AC, a benign exception, is
         * delivered; a fault whose delivery it interrupted comes again when
         * its instruction runs again.) */
        vm_stop(x->vm, VM_END_TRIPLE_FAULT, VM_STATUS_TRIPLE_FAULT,
                "triple fault: exception %u while delivering #DF (rip %#llx)", vector,
                (unsigned long long)s->rip);
        return;
    }
    exit_inject_exception(x, vector, VIREO_GET(VMX_INTR_INFO, HAS_ERROR, s->info[0]),
                          (u32)s->info[1]);
    if (vector == EXC_PF) {
        s->cr2 = s->info[2];
        x->changed |= VIREO_MTD(CR2);
    }
}
