/* The multiboot guest's memory (mb1_memory.h). */
#include "mb1_memory.h"
#include "multiboot1.h"
#include <vireo/x86/pte.h>

bool mb1_ram_check(u64 ram_size, const struct mb1_why *why)
{
    if (ram_size < MB1_RAM_MIN || ram_size > MB1_RAM_MAX)
        return mb1_fail(why, "RAM size 0x%llx outside [0x%llx, 0x%llx]", MB1_ULL(ram_size),
                        MB1_ULL(MB1_RAM_MIN), MB1_ULL(MB1_RAM_MAX));
    if (ram_size % PAGE_SIZE)
        return mb1_fail(why, "RAM size 0x%llx is not a whole number of pages", MB1_ULL(ram_size));
    return true;
}

void mb1_memory_map(u64 ram_size, struct mb1_mmap_range map[MB1_MMAP_ENTRIES])
{
    map[0] = (struct mb1_mmap_range){0, MB1_LOW_RAM_END, MB1_MMAP_AVAILABLE};
    map[1] = (struct mb1_mmap_range){MB1_LOW_RAM_END, MB1_HIGH_RAM_START - MB1_LOW_RAM_END,
                                     MB1_MMAP_RESERVED};
    map[2] = (struct mb1_mmap_range){MB1_HIGH_RAM_START, ram_size - MB1_HIGH_RAM_START,
                                     MB1_MMAP_AVAILABLE};
}

/* [a, a + alen) and [b, b + blen) share a byte (no sum overflows: callers
 * have checked a + alen against RAM, and b + blen is a constant). */
static bool overlaps(u64 a, u64 alen, u64 b, u64 blen)
{
    return a < b + blen && b < a + alen;
}

bool mb1_place_check(u64 ram_size, u64 gpa, u64 len, const char *what, const struct mb1_why *why)
{
    if (len == 0)
        return true;
    if (gpa >= ram_size || len > ram_size - gpa)
        return mb1_fail(why, "%s at 0x%llx (0x%llx bytes) lies outside guest RAM (0x%llx bytes)",
                        what, MB1_ULL(gpa), MB1_ULL(len), MB1_ULL(ram_size));
    if (overlaps(gpa, len, MB1_LOW_RAM_END, MB1_HIGH_RAM_START - MB1_LOW_RAM_END))
        return mb1_fail(why,
                        "%s at 0x%llx (0x%llx bytes) overlaps the reserved area [0x%llx, 0x%llx) "
                        "below 1 MiB",
                        what, MB1_ULL(gpa), MB1_ULL(len), MB1_ULL(MB1_LOW_RAM_END),
                        MB1_ULL(MB1_HIGH_RAM_START));
    if (overlaps(gpa, len, MB1_BOOT_PAGE, MB1_BOOT_PAGE_SIZE))
        return mb1_fail(why,
                        "%s at 0x%llx (0x%llx bytes) overlaps the boot information page "
                        "[0x%llx, 0x%llx)",
                        what, MB1_ULL(gpa), MB1_ULL(len), MB1_ULL(MB1_BOOT_PAGE),
                        MB1_ULL(MB1_BOOT_PAGE + MB1_BOOT_PAGE_SIZE));
    return true;
}
