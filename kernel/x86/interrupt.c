/* Where every interrupt stub lands: exceptions, the local APIC timer and
 * the spurious vectors. From ring 3 the runtime takes over afterwards
 * (faults become IPC, a tick may preempt); in the kernel (only the idle
 * loop runs with interrupts on) the stub returns to where it was. */
#include "apic.h"
#include "exception.h"
#include "frame.h"
#include "../log.h"
#include "../rt/console_input.h"
#include "../rt/runtime.h"
#include "../stop.h"
#include <x86/cpu.h>

#define VECTOR_DEBUG         1
#define VECTOR_NMI           2
#define VECTOR_DOUBLE_FAULT  8
#define VECTOR_MACHINE_CHECK 18

void interrupt_dispatch(struct cpu_frame *frame);

/* The kernel never uses the debug registers or TF, so a #DB in ring 0 is a
 * guest's leaking through: a breakpoint of its DR7 in force, or a single
 * step an emulator delivers after the exit (Bochs' AMD-V does, right after
 * VMRUN, for an intercepted instruction run with TF). Harmless: noted
 * once, and RF set so an instruction breakpoint lets the kernel go on. */
static void stray_debug(struct cpu_frame *frame)
{
    static bool logged;
    if (!logged)
        log_warn("kernel: stray #DB in the kernel at 0x%llx (DR6 0x%llx), ignored\n",
                 (unsigned long long)frame->rip, (unsigned long long)read_dr6());
    logged = true;
    frame->rflags |= RFLAGS_RF; /* DR6 stays: on VMX it holds the guest's */
}

static void device_interrupt(u64 vector)
{
    switch (vector) {
    case VECTOR_APIC_TIMER:
        apic_timer_interrupt();
        console_input_poll();
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

void interrupt_dispatch(struct cpu_frame *frame)
{
    u64 vector = frame->vector;
    if (!frame_from_user(frame)) {
        if (vector == VECTOR_NMI) {
            /* An NMI the kernel itself took (after an SVM guest's NMI
             * exit, or in the idle loop): nothing sends one on purpose. */
            log_warn("kernel: NMI in the kernel\n");
            return;
        }
        if (vector == VECTOR_DEBUG) {
            stray_debug(frame);
            return;
        }
        if (vector < 32)
            exception_handle(frame);
        else
            device_interrupt(vector);
        return;
    }
    if (vector < 32) {
        if (vector == VECTOR_NMI) {
            log_warn("kernel: NMI in user mode\n");
            rt_user_interrupt(frame);
        }
        if (vector == VECTOR_MACHINE_CHECK || vector == VECTOR_DOUBLE_FAULT) {
            exception_dump(frame, read_cr2());
            system_stop(VIREO_STOP_KERNEL_FAULT, "machine check");
        }
        rt_user_exception(frame, read_cr2());
    }
    device_interrupt(vector);
    rt_user_interrupt(frame);
}
