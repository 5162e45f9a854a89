#include "cpu_setup.h"
#include "layout.h"
#include "xsave.h"
#include "../log.h"
#include <string.h>
#include <x86/cpu.h>

bool cpu_smap_enabled;

void cpu_print_identity(void)
{
    char vendor[13];
    struct cpuid_regs r = cpuid(0, 0);
    memcpy(vendor, &r.ebx, 4);
    memcpy(vendor + 4, &r.edx, 4);
    memcpy(vendor + 8, &r.ecx, 4);
    vendor[12] = '\0';

    char brand[49] = "(no brand string)";
    if (cpuid(0x80000000, 0).eax >= 0x80000004) {
        for (u32 i = 0; i < 3; i++) {
            r = cpuid(0x80000002 + i, 0);
            memcpy(brand + 16 * i, &r, 16);
        }
        brand[48] = '\0';
    }
    const char *b = brand;
    while (*b == ' ')
        b++;
    for (size_t n = strlen(brand); n > 0 && brand[n - 1] == ' '; n--)
        brand[n - 1] = '\0';
    log_info("kernel: cpu: %s %s\n", vendor, b);
}

void cpu_features_init(void)
{
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);

    u64 cr0 = read_cr0();
    cr0 |= CR0_WP | CR0_MP | CR0_NE;
    /* Caches on (firmware may leave CD/NW from reset), x87/SSE usable. */
    cr0 &= ~(CR0_EM | CR0_TS | CR0_CD | CR0_NW);
    write_cr0(cr0);

    u64 cr4 = read_cr4() | CR4_PGE | CR4_OSFXSR | CR4_OSXMMEXCPT;
    u32 max_leaf = cpuid(0, 0).eax;
    u32 leaf7_ebx = max_leaf >= 7 ? cpuid(7, 0).ebx : 0;
    if (leaf7_ebx & CPUID_7_EBX_SMEP)
        cr4 |= CR4_SMEP;
    if (leaf7_ebx & CPUID_7_EBX_SMAP) {
        cr4 |= CR4_SMAP;
        cpu_smap_enabled = true;
    }
    write_cr4(cr4);
    xsave_init(); /* CR4.OSXSAVE and XCR0 */
    log_debug("kernel: cpu: SMEP %s, SMAP %s\n", cr4 & CR4_SMEP ? "on" : "off",
              cr4 & CR4_SMAP ? "on" : "off");
}

extern const char syscall_entry[];

void syscall_init(void)
{
    wrmsr(MSR_STAR, ((u64)GDT_USER_CODE32 << 48) | ((u64)GDT_KERNEL_CODE << 32));
    wrmsr(MSR_LSTAR, (u64)syscall_entry);
    wrmsr(MSR_CSTAR, 0); /* no 32-bit user code */
    wrmsr(MSR_SFMASK, RFLAGS_IF | RFLAGS_DF | RFLAGS_TF | RFLAGS_AC | RFLAGS_NT);
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
}
