/*
 * cpuregs: what a guest can ask of the CPU's registers without knowing
 * whether a hypervisor answers - CPUID (the policy, topology, XSAVE and
 * address sizes, the hypervisor leaves, leaves out of range), the MSRs
 * Vireo emulates (values, reserved bits, non-canonical addresses) and the
 * indices it must refuse (0x40000000-0x400000ff, a sweep of unknown ones),
 * CR0/CR3/CR4/CR8 and the debug registers (DR4/DR5, DR7.GD, DR6/DR7's
 * fixed bits, privilege). Each check is the architecture's answer, so
 * Bochs and QEMU run it bare (QEMU TCG with documented deviations) and
 * Vireo must pass it on both back ends with nothing excused that it
 * intercepts (docs/GUESTS.md).
 *
 * Command line: "paravirt=none|minimal|kvm" says which provider the VM's
 * node sets (a guest under Vireo otherwise expects "minimal").
 */
#include "tests.h"
#include <guest/rt.h>
#include <stdarg.h>
#include <vireo/format.h>

const char guest_name[] = "cpuregs";

bool cpu_has(uint32_t leaf, enum reg reg, unsigned bit)
{
    uint32_t max = cpuid(leaf & 0x80000000u, 0).eax;
    if (leaf > max)
        return false;
    struct cpuid_regs r = cpuid(leaf, 0);
    uint32_t v = reg == EAX ? r.eax : reg == EBX ? r.ebx : reg == ECX ? r.ecx : r.edx;
    return (v >> bit) & 1;
}

bool cpu_amd(void)
{
    uint32_t b = cpuid(0, 0).ebx;
    return b == 0x68747541u /* "Auth" */ || b == 0x6f677948u /* "Hygo" */;
}

unsigned cpu_phys_bits(void)
{
    if (cpuid(0x80000000u, 0).eax < 0x80000008u)
        return 36;
    return cpuid(0x80000008u, 0).eax & 0xff;
}

bool under_vireo(void)
{
    return rt_under_vireo() || rt_cmdline_has("vireo");
}

bool verdict(bool ok, const char *what, int deviant, const char *details, ...)
{
    if (ok) {
        rt_pass("%s", what);
        return true;
    }
    char text[256];
    va_list ap;
    va_start(ap, details);
    vsnformat(text, sizeof(text), details ? details : "", ap);
    va_end(ap);
    bool here = deviant != NOWHERE && (deviant & 0xff) == (int)rt_platform();
    if (here && !((deviant & TRAPPED) && under_vireo()))
        rt_deviation(what, "%s", text);
    else
        rt_fail(what, "%s", text);
    return false;
}

bool expect_fault(const char *what, struct rt_trap t, unsigned vector, const void *at, int deviant)
{
    bool ok = vector == NO_FAULT
                  ? t.count == 0
                  : t.count == 1 && t.vector == vector && t.error == 0 && t.rip == (uint64_t)at;
    if (vector == NO_FAULT)
        return verdict(ok, what, deviant, "vector %lu at %#lx", t.vector, t.rip);
    return verdict(ok, what, deviant,
                   "%d exceptions, vector %lu error %#lx rip %#lx (want %u at %p)", t.count,
                   t.vector, t.error, t.rip, vector, at);
}

void guest_main(void)
{
    rt_printf("cpuregs: on %s\n", rt_platform_name());
    test_cpuid();
    test_msrs();
    test_control_registers();
    test_debug_registers();
}
