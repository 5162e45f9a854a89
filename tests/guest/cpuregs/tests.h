/* The cpuregs guest's groups of checks (one file each) and what they
 * share: the machine as CPUID describes it, and verdicts that may be a
 * documented emulator deviation. */
#ifndef CPUREGS_TESTS_H
#define CPUREGS_TESTS_H

#include <guest/cpu.h>
#include <guest/rt.h>
#include <guest/trap.h>

/* Where a check may come out differently, as a documented emulator
 * deviation: NOWHERE, or an enum rt_platform; | TRAPPED for what a
 * hypervisor intercepts, which under Vireo must be right. */
#define NOWHERE (-1)
#define TRAPPED 0x100

void test_cpuid(void);
void test_msrs(void);
void test_control_registers(void);
void test_debug_registers(void);

/* CPUID leaf 1 ECX/EDX, 7.0 EBX/ECX, 0x80000001 ECX/EDX bits by name. */
enum reg { EAX, EBX, ECX, EDX };
bool cpu_has(uint32_t leaf, enum reg reg, unsigned bit);
bool cpu_amd(void);           /* AuthenticAMD or HygonGenuine: AMD's rules */
unsigned cpu_phys_bits(void); /* CPUID 0x80000008 EAX[7:0], 36 without it */

/* Under Vireo: its signature, or the command-line word "vireo" (for VMs
 * whose provider shows another one). */
bool under_vireo(void);

/* A verdict: PASS, FAIL, or KNOWN DEVIATION where deviant names this
 * platform (and, with TRAPPED, not under Vireo). */
bool verdict(bool ok, const char *what, int deviant, const char *details, ...) PRINTF_LIKE(4, 5);

/* The one exception a probe must raise at its instruction `at`: vector
 * (error code 0 for #GP), or none (vector NO_FAULT). */
#define NO_FAULT 0xffu
bool expect_fault(const char *what, struct rt_trap t, unsigned vector, const void *at, int deviant);

#endif
