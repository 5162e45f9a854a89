#ifndef KERNEL_X86_VIRT_PROBE_H
#define KERNEL_X86_VIRT_PROBE_H

#include <vireo/init_info.h>

/* Prints the "kernel: virt:" lines; returns VMX or SVM, or stops the system
 * with VIREO_STOP_NO_VIRT. */
enum vireo_virt_kind virt_probe_and_report(void);

#endif
