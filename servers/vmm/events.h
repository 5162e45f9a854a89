/*
 * Interrupts into the guest (docs/VMM.md, "Events"): after every exit the
 * local APIC is brought up to the guest's time and its highest pending
 * interrupt injected when the guest can take it, else an interrupt window
 * is asked for; HLT waits in the exit handler until the next event; the
 * main thread recalls a running vCPU when its timer is due.
 */
#ifndef VIREO_VMM_EVENTS_H
#define VIREO_VMM_EVENTS_H

#include "exit_ctx.h"
#include "lapic.h"

/* What the events need in every exit message. */
#define EVENTS_MTD (VIREO_MTD_EVENT | VIREO_MTD(INTR_STATE) | VIREO_MTD(PENDING_DBG))

/* The host's TSC now, and the guest's (host TSC + the exit's offset). */
static inline u64 events_host_tsc(void)
{
    u32 lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (u64)hi << 32 | lo;
}
u64 events_guest_tsc(const struct exit_ctx *x);

/* Microseconds from TSC now until next at tsc_khz (0: due, or past; an
 * unknown rate is taken as 1 GHz). */
static inline u64 events_us_until(u64 now, u64 next, u64 tsc_khz)
{
    u64 khz = tsc_khz ? tsc_khz : 1000000;
    return next > now ? (next - now) * 1000 / khz : 0;
}

/* Microseconds from host TSC host_now until the vCPU's next event: the
 * earlier of the APIC timer's next expiry (guest TSC lapic_next, the guest
 * running at host + tsc_offset; LAPIC_NO_EVENT: none) and the device
 * server's next timed event (vm->dev_next, host TSC). VIREO_TIMEOUT_NEVER
 * when neither is armed. */
u64 events_wait_us(const struct vm *vm, u64 host_now, u64 tsc_offset, u64 lapic_next, u64 tsc_khz);

/* Before the exit's handler: the guest's TPR (CR8) into the APIC. */
void events_before(struct exit_ctx *x);

/* After the handler, while the VM runs: the APIC's TPR back into CR8, then
 * the injection or window (above). Returns the guest TSC of the next timer
 * expiry (LAPIC_NO_EVENT: none), for the main thread. */
u64 events_after(struct exit_ctx *x);

/* After the exit's handler: EOIs to the IOAPIC, and a poll of the device
 * server when its next timed event is due or input arrived (devices.h),
 * so their interrupts are pending before events_after. false: the VM was
 * stopped. */
bool events_devices(struct exit_ctx *x);

/* HLT with RFLAGS.IF set, the instruction already finished: waits on the
 * semaphore wake_sm (its up: something for the guest arrived) until the
 * APIC or the i8259 has an interrupt to deliver, polling the device
 * server at its events. false: nothing can ever wake the vCPU
 * (the VM was stopped, saying so). */
bool events_halt(struct exit_ctx *x, u64 wake_sm);

#endif
