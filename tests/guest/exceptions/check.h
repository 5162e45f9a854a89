/* Checking one provoked exception against the architecture's answer. */
#ifndef EXCEPTIONS_CHECK_H
#define EXCEPTIONS_CHECK_H

#include <guest/rt.h>
#include <guest/trap.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Where a check is allowed to come out differently, documented as an
 * emulator deviation (docs/GUESTS.md) rather than failed: -1 for nowhere.
 * A deviation | TRAPPED is of a behaviour a hypervisor intercepts (MSRs,
 * control registers): under Vireo it is Vireo's answer, and must be the
 * architecture's, so it is not excused there. */
#define NOWHERE (-1)
#define TRAPPED 0x100

struct want {
    unsigned vector;
    uint64_t error; /* 0 for the vectors that push none */
    const void *rip;
    uint64_t cs;  /* 0: not checked */
    uint64_t cr2; /* checked for #PF only */
};

/* One PASS/FAIL line (or KNOWN DEVIATION where deviant names this
 * platform): exactly one exception, with the wanted vector, error code,
 * RIP (and CS, CR2 where given). */
bool check_trap(const char *what, struct rt_trap t, struct want w, int deviant);
/* One line: no exception was raised. */
bool check_no_trap(const char *what, struct rt_trap t, int deviant);

#endif
