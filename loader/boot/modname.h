/* The module naming rule: a boot module's command line is split into words;
 * a first word holding '/' is the file's path (QEMU's -initrd and GRUB pass
 * it) and is dropped; the name is the next word, or the path's basename when
 * there is none; the rest, trimmed, is the module's arguments. */
#ifndef LOADER_MODNAME_H
#define LOADER_MODNAME_H

#include "boot_error.h"
#include <vireo/boot_info.h>

/* Splits cmdline (len bytes, may stop early at a NUL) into name and args.
 * Fails when the name is empty or either part does not fit. */
bool module_name_split(const char *cmdline, size_t len, char name[VIREO_BOOT_NAME_LEN],
                       char args[VIREO_BOOT_NAME_LEN], struct boot_error *err);

/* The loader's own command line without a leading path word, trimmed. */
bool loader_cmdline_strip(const char *cmdline, size_t len, char out[VIREO_BOOT_CMDLINE_LEN],
                          struct boot_error *err);

#endif
