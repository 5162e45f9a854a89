#include "mmio_route.h"
#include "devices.h"
#include "events.h"
#include "irqchip.h"

/* The APIC's page, while it answers there (enabled, xAPIC mode). A base
 * moved over RAM is not seen: RAM is mapped and never exits. */
static bool on_apic_page(const struct exit_ctx *x, u64 gpa)
{
    const struct lapic *a = x->lapic;
    return a && lapic_enabled(a) && !lapic_x2apic(a) &&
           (gpa & ~(u64)(LAPIC_PAGE_SIZE - 1)) == lapic_mmio_base(a);
}

bool mmio_route_read(struct exit_ctx *x, u64 gpa, u32 size, u64 *value)
{
    if (on_apic_page(x, gpa)) {
        *value = lapic_mmio_read(x->lapic, (u32)(gpa & (LAPIC_PAGE_SIZE - 1)), size,
                                 events_guest_tsc(x));
        return true;
    }
    if (x->vm->irqchip && irqchip_mmio(x->vm->irqchip, gpa, size, false, value))
        return true;
    if (dev_access(x->vm, VIREO_DEV_OP_MMIO_READ, size, gpa, value))
        return true;
    *value = 0;
    return false;
}

bool mmio_route_write(struct exit_ctx *x, u64 gpa, u32 size, u64 value)
{
    if (on_apic_page(x, gpa)) {
        lapic_mmio_write(x->lapic, (u32)(gpa & (LAPIC_PAGE_SIZE - 1)), size, value,
                         events_guest_tsc(x));
        return true;
    }
    if (x->vm->irqchip && irqchip_mmio(x->vm->irqchip, gpa, size, true, &value))
        return true;
    return dev_access(x->vm, VIREO_DEV_OP_MMIO_WRITE, size, gpa, &value);
}
