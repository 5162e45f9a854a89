/*
 * The guest runtime: what every guest kernel gets.
 *
 * A guest defines guest_name and guest_main(). The runtime enters long mode,
 * sets up the console, the GDT/TSS and an IDT that reports any unexpected
 * exception as a failure, then calls guest_main(). The guest reports each
 * check with rt_check/rt_pass/rt_fail; when guest_main returns, the runtime
 * prints "N passed, N failed" and exits 0 if nothing failed, 1 otherwise.
 */
#ifndef GUEST_RT_H
#define GUEST_RT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))

/* Provided by each guest. */
extern const char guest_name[];
void guest_main(void);

/* Console. */
void rt_printf(const char *fmt, ...) PRINTF_LIKE(1, 2);

/* "PASS: what" */
void rt_pass(const char *what, ...) PRINTF_LIKE(1, 2);
/* "FAIL: what: details" (what is plain text, details formatted). */
void rt_fail(const char *what, const char *details, ...) PRINTF_LIKE(2, 3);
/* PASS or FAIL by ok; details are formatted only for a failure. */
bool rt_check(bool ok, const char *what, const char *details, ...) PRINTF_LIKE(3, 4);
/* A documented difference of an emulator from the architecture (for
 * instance QEMU TCG not raising #GP for unknown MSRs): "KNOWN DEVIATION:
 * what: details". Not a failure, unless the command line says "strict". */
void rt_deviation(const char *what, const char *details, ...) PRINTF_LIKE(2, 3);
/* Informational line: "NOTE: ..." (figures that are printed, not checked). */
void rt_note(const char *fmt, ...) PRINTF_LIKE(1, 2);

/* Prints the summary and exits with 0 if no check failed, else 1. */
_Noreturn void rt_finish(void);
/* Prints "guest exit: v" and exits: QEMU's isa-debug-exit (port 0xf4) then
 * Bochs' shutdown port (0x8900) for the emulator that has no debug-exit. */
_Noreturn void rt_exit(unsigned v);

/* The multiboot boot information, as handed over in %eax/%ebx. */
extern uint32_t rt_mb_magic, rt_mb_info;
/* The command line (empty string when none was given). */
const char *rt_cmdline(void);
/* Whether the command line holds the word (space-separated) exactly. */
bool rt_cmdline_has(const char *word);

/* Where the guest is running, for tolerating documented deviations. */
enum rt_platform { RT_PLATFORM_OTHER, RT_PLATFORM_QEMU_TCG, RT_PLATFORM_BOCHS };
/* The emulator underneath: under Vireo, the one Vireo runs on (QEMU's
 * brand string passes through; Bochs' port 0xe9 does not, so Vireo on
 * Bochs is OTHER). */
enum rt_platform rt_platform(void);
const char *rt_platform_name(void);
/* Runs under Vireo (CPUID leaf 0x40000000 signature "Vireo VMM"): what
 * Vireo intercepts is Vireo's to get right, whatever the emulator below. */
bool rt_under_vireo(void);
/* The "strict" command-line word: deviations count as failures. */
bool rt_strict(void);

#endif
