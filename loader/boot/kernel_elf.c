#include "kernel_elf.h"
#include <vireo/stop.h>
#include <vireo/x86/pte.h>
#include <string.h>

/* kernel/kernel.ld puts text (RX), rodata (R) and data+bss (RW) in their
 * own page-aligned segments, so the kernel's image can be held to the same
 * rules as a user program's: no shared pages, never writable and
 * executable. */
static const struct elf64_rules kernel_rules = {
    .low = VIREO_KERNEL_VIRT_BASE,
    .high = VIREO_KERNEL_VIRT_BASE + KERNEL_MAX_SPAN,
    .range_name = "kernel range",
    .separate_pages = true,
    .forbid_wx = true,
};

bool kernel_elf_check(const void *image, u64 size, struct kernel_plan *plan, struct boot_error *err)
{
    char why[sizeof(err->msg) - sizeof("kernel: ")];
    memset(plan, 0, sizeof(*plan));
    if (!elf64_parse(image, size, &kernel_rules, &plan->elf, why, sizeof(why)))
        return boot_fail(err, VIREO_STOP_BAD_BOOT, "bad kernel image", "kernel: %s", why);
    /* high <= BASE + KERNEL_MAX_SPAN, so rounding up cannot wrap. */
    plan->size = (plan->elf.high - VIREO_KERNEL_VIRT_BASE + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    return true;
}
