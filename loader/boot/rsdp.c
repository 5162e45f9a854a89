/* RSDP layout from the ACPI specification (5.2.5). */
#include "rsdp.h"
#include <string.h>

#define RSDP_V1_SIZE 20

static bool sums_to_zero(const u8 *p, size_t n)
{
    u8 sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += p[i];
    return sum == 0;
}

bool rsdp_valid(const u8 *p, size_t avail)
{
    if (avail < RSDP_V1_SIZE || memcmp(p, "RSD PTR ", 8) != 0 || !sums_to_zero(p, RSDP_V1_SIZE))
        return false;
    if (p[15] < 2)
        return true; /* ACPI 1.0: no extended part */
    u32 length;
    memcpy(&length, p + 20, sizeof(length));
    return length >= RSDP_V1_SIZE && length <= avail && sums_to_zero(p, length);
}

long rsdp_find(const u8 *area, size_t len)
{
    for (size_t off = 0; off + RSDP_V1_SIZE <= len; off += 16) {
        if (rsdp_valid(area + off, len - off))
            return (long)off;
    }
    return -1;
}
