/*
 * Which machine runs the guest, so that a guest can tell a documented
 * emulator deviation from a failure. QEMU TCG names itself in the CPUID
 * brand string ("QEMU TCG CPU ..."); Bochs with port_e9_hack (as
 * tools/run-bare configures it) reads 0xe9 back from port 0xe9, where
 * QEMU without a debug console reads 0xff.
 */
#include <guest/cpu.h>
#include <guest/rt.h>
#include <string.h>

static bool brand_has(const char *word)
{
    if (cpuid(0x80000000, 0).eax < 0x80000004)
        return false;
    char brand[49];
    for (unsigned i = 0; i < 3; i++) {
        struct cpuid_regs r = cpuid(0x80000002 + i, 0);
        memcpy(brand + 16 * i, &r, 16);
    }
    brand[48] = 0;
    size_t n = strlen(word);
    for (const char *p = brand; *p; p++)
        if (!strncmp(p, word, n))
            return true;
    return false;
}

enum rt_platform rt_platform(void)
{
    static int cached = -1;
    if (cached < 0) {
        if (brand_has("QEMU"))
            cached = RT_PLATFORM_QEMU_TCG;
        else if (inb(0xe9) == 0xe9)
            cached = RT_PLATFORM_BOCHS;
        else
            cached = RT_PLATFORM_OTHER;
    }
    return (enum rt_platform)cached;
}

bool rt_under_vireo(void)
{
    static int cached = -1;
    if (cached < 0) {
        struct cpuid_regs r = cpuid(0x40000000, 0);
        char sig[13];
        memcpy(sig, &r.ebx, 4);
        memcpy(sig + 4, &r.ecx, 4);
        memcpy(sig + 8, &r.edx, 4);
        sig[12] = 0;
        cached = (cpuid(1, 0).ecx & (1u << 31)) && !strcmp(sig, "Vireo VMM");
    }
    return cached;
}

const char *rt_platform_name(void)
{
    bool vireo = rt_under_vireo();
    switch (rt_platform()) {
    case RT_PLATFORM_QEMU_TCG:
        return vireo ? "Vireo on QEMU TCG" : "QEMU TCG";
    case RT_PLATFORM_BOCHS:
        return "Bochs";
    default:
        return vireo ? "Vireo" : "this machine";
    }
}
