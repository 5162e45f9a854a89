/* The stop sequence shared by loader and kernel (abi/vireo/stop.h). */
#ifndef VIREO_LIB_RING0_STOP_H
#define VIREO_LIB_RING0_STOP_H

/* Prints "vireo: system stop, status N: REASON" on COM1, asks QEMU and Bochs
 * to exit, then halts this CPU with interrupts off. */
__attribute__((noreturn)) void ring0_system_stop(unsigned status, const char *reason);

#endif
