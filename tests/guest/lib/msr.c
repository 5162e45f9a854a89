/* MSR accesses that may raise an exception, for checks that expect #GP. */
#include <guest/trap.h>

uint64_t rt_rdmsr_raw(uint32_t msr);
void rt_wrmsr_raw(uint32_t msr, uint64_t value);
extern const char rt_rdmsr_raw_resume[], rt_wrmsr_raw_resume[];

struct rt_trap rt_rdmsr_probe(uint32_t msr, uint64_t *value)
{
    rt_expect(rt_rdmsr_raw_resume);
    uint64_t v = rt_rdmsr_raw(msr);
    struct rt_trap t = rt_expect_end();
    if (value)
        *value = t.count ? 0 : v;
    return t;
}

struct rt_trap rt_wrmsr_probe(uint32_t msr, uint64_t value)
{
    rt_expect(rt_wrmsr_raw_resume);
    rt_wrmsr_raw(msr, value);
    return rt_expect_end();
}
