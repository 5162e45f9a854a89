/* A test-and-test-and-set spinlock that also keeps interrupts off while
 * held, so an interrupt handler on the same CPU cannot deadlock on it. */
#ifndef KERNEL_SPINLOCK_H
#define KERNEL_SPINLOCK_H

#include <vireo/types.h>
#include <x86/cpu.h>

struct spinlock {
    volatile u32 locked;
};

#define SPINLOCK_INIT                                                                              \
    {                                                                                              \
        0                                                                                          \
    }

/* Returns the RFLAGS to hand back to spin_unlock_irqrestore. */
static inline u64 spin_lock_irqsave(struct spinlock *lock)
{
    u64 flags = read_rflags();
    irq_disable();
    while (__atomic_exchange_n(&lock->locked, 1, __ATOMIC_ACQUIRE)) {
        while (__atomic_load_n(&lock->locked, __ATOMIC_RELAXED))
            cpu_relax();
    }
    return flags;
}

static inline void spin_unlock_irqrestore(struct spinlock *lock, u64 flags)
{
    __atomic_store_n(&lock->locked, 0, __ATOMIC_RELEASE);
    if (flags & RFLAGS_IF)
        irq_enable();
}

#endif
