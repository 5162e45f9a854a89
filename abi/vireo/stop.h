/*
 * How the system stops. Whoever stops it (loader, kernel) prints one line
 *     vireo: system stop, status N: REASON
 * on the serial console, then writes N to QEMU's isa-debug-exit port
 * (VIREO_STOP_QEMU_PORT; QEMU exits with (N << 1) | 1) and "Shutdown" to
 * Bochs' shutdown port, then halts with interrupts off. tools/run reads the
 * line to return N in --batch mode on every platform.
 */
#ifndef VIREO_ABI_STOP_H
#define VIREO_ABI_STOP_H

#define VIREO_STOP_LINE_PREFIX "vireo: system stop, status "

enum vireo_stop_status {
    VIREO_STOP_OK = 0,           /* init finished and exited with 0 */
    VIREO_STOP_INIT_FAILED = 1,  /* init exited non-zero or faulted */
    VIREO_STOP_KERNEL_FAULT = 2, /* unexpected exception in the kernel */
    VIREO_STOP_BAD_BOOT = 3,     /* bad boot modules or system description */
    VIREO_STOP_NO_VIRT = 4,      /* CPU lacks the virtualization Vireo needs */
    VIREO_STOP_NO_MEMORY = 5,    /* not enough memory to boot */
};

#define VIREO_STOP_QEMU_PORT  0xf4   /* isa-debug-exit, iobase=0xf4, iosize=4 */
#define VIREO_STOP_BOCHS_PORT 0x8900 /* write the bytes of "Shutdown" */

#endif
