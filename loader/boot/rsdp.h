/* Finding the ACPI RSDP in the BIOS areas when the boot loader passed none
 * (multiboot1). */
#ifndef LOADER_RSDP_H
#define LOADER_RSDP_H

#include <vireo/types.h>

/* Whether p (avail readable bytes) is an RSDP: signature and checksums. */
bool rsdp_valid(const u8 *p, size_t avail);

/* Offset of the first valid RSDP on a 16-byte boundary of area, or -1. */
long rsdp_find(const u8 *area, size_t len);

#endif
