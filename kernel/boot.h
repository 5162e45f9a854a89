#ifndef KERNEL_BOOT_H
#define KERNEL_BOOT_H

#include <vireo/boot_info.h>

/* Checks the loader's hand-over and copies it into the kernel, so the
 * loader's memory can be reclaimed. Stops with VIREO_STOP_BAD_BOOT when it
 * is malformed. The copy's strings are NUL-terminated. */
const struct vireo_boot_info *boot_info_take(u64 boot_info_phys);

/* "kernel: boot: <multiboot1|multiboot2>, N modules: kernel, init, ..." */
void boot_info_print(const struct vireo_boot_info *boot);

#endif
