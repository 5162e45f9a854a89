/* Where every interrupt stub lands: exceptions, the local APIC timer and
 * the spurious vectors. */
#include "apic.h"
#include "exception.h"
#include "frame.h"
#include "../log.h"

void interrupt_dispatch(struct cpu_frame *frame);

void interrupt_dispatch(struct cpu_frame *frame)
{
    u64 vector = frame->vector;
    if (vector < 32) {
        exception_handle(frame);
        return;
    }
    switch (vector) {
    case VECTOR_APIC_TIMER:
        apic_timer_interrupt();
        apic_eoi();
        return;
    case VECTOR_APIC_SPURIOUS:
        return; /* no EOI for spurious interrupts */
    case VECTOR_APIC_ERROR:
        log_warn("kernel: apic: error interrupt, ESR 0x%x\n", apic_read_error());
        apic_eoi();
        return;
    default:
        break;
    }
    if (vector >= VECTOR_PIC_BASE && vector < VECTOR_PIC_BASE + 16) {
        /* The PIC is masked; only its spurious IRQ 7/15 get here, and a
         * spurious IRQ must not be acknowledged. */
        log_debug("kernel: spurious legacy IRQ %llu\n",
                  (unsigned long long)(vector - VECTOR_PIC_BASE));
        return;
    }
    log_warn("kernel: unexpected interrupt vector %llu\n", (unsigned long long)vector);
    apic_eoi();
}
