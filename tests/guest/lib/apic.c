/* The local APIC's registers, through the xAPIC page or the x2APIC MSRs. */
#include <guest/apic.h>
#include <guest/cpu.h>

static uint64_t base_msr;
static bool synced;

void rt_apic_sync(void)
{
    base_msr = rdmsr(MSR_APIC_BASE);
    synced = true;
}

uint64_t rt_apic_base_msr(void)
{
    if (!synced)
        rt_apic_sync();
    return base_msr;
}

bool rt_apic_x2apic(void)
{
    return (rt_apic_base_msr() & (APIC_BASE_ENABLE | APIC_BASE_X2APIC)) ==
           (APIC_BASE_ENABLE | APIC_BASE_X2APIC);
}

static volatile uint32_t *reg_at(uint64_t base, unsigned reg)
{
    return (volatile uint32_t *)(uintptr_t)(base + reg);
}

uint32_t rt_apic_read_at(uint64_t base, unsigned reg)
{
    return *reg_at(base, reg);
}

uint32_t rt_apic_read(unsigned reg)
{
    if (rt_apic_x2apic())
        return (uint32_t)rdmsr(MSR_X2APIC_BASE + reg / APIC_REG_STRIDE);
    return *reg_at(rt_apic_base_msr() & APIC_BASE_ADDR_MASK, reg);
}

void rt_apic_write(unsigned reg, uint32_t value)
{
    if (rt_apic_x2apic())
        wrmsr(MSR_X2APIC_BASE + reg / APIC_REG_STRIDE, value);
    else
        *reg_at(rt_apic_base_msr() & APIC_BASE_ADDR_MASK, reg) = value;
}

void rt_apic_eoi(void)
{
    rt_apic_write(APIC_REG_EOI, 0);
}

void rt_apic_icr(uint32_t dest, uint32_t lo)
{
    if (rt_apic_x2apic()) {
        wrmsr(MSR_X2APIC_BASE + APIC_REG_ICR / APIC_REG_STRIDE,
              (uint64_t)dest << APIC_ICR_X2APIC_DEST_SHIFT | lo);
        return;
    }
    rt_apic_write(APIC_REG_ICR_HI, dest << APIC_ID_SHIFT);
    rt_apic_write(APIC_REG_ICR, lo);
}

void rt_apic_self_ipi(unsigned vector)
{
    rt_apic_icr(0, APIC_SHORTHAND_SELF << APIC_ICR_SHORTHAND_SHIFT | (vector & APIC_ICR_VECTOR));
}

uint32_t rt_apic_esr(void)
{
    rt_apic_write(APIC_REG_ESR, 0);
    return rt_apic_read(APIC_REG_ESR);
}

bool rt_apic_vector_set(unsigned reg, unsigned vector)
{
    return rt_apic_read(reg + vector / 32 * APIC_REG_STRIDE) >> (vector % 32) & 1;
}
