#ifndef KERNEL_INIT_TASK_H
#define KERNEL_INIT_TASK_H

#include <vireo/boot_info.h>
#include <vireo/init_info.h>

/* Validates the "init" module, builds its address space (segments, stack,
 * UTCB, init-info page, system description) and enters it in ring 3. Stops
 * the system with VIREO_STOP_BAD_BOOT for a bad module. */
__attribute__((noreturn)) void init_task_start(const struct vireo_boot_info *boot,
                                               enum vireo_virt_kind virt);

#endif
