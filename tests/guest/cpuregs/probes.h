/* The probes of probes.S: see there. */
#ifndef CPUREGS_PROBES_H
#define CPUREGS_PROBES_H

#include <stdint.h>

#define PROBE_LABELS(name) extern const char name##_at[], name##_resume[];

uint64_t p_rdmsr(uint32_t index);
void p_wrmsr(uint32_t index, uint64_t value);
void p_write_cr0(uint64_t v);
void p_write_cr2(uint64_t v);
void p_write_cr3(uint64_t v);
void p_write_cr4(uint64_t v);
void p_write_cr8(uint64_t v);
void p_lmsw(uint16_t v);
void p_clts(void);
uint64_t p_smsw(void);
void p_xsetbv(uint32_t xcr, uint64_t value);
uint64_t p_rdtscp(void);
PROBE_LABELS(p_rdmsr)
PROBE_LABELS(p_wrmsr)
PROBE_LABELS(p_write_cr0)
PROBE_LABELS(p_write_cr2)
PROBE_LABELS(p_write_cr3)
PROBE_LABELS(p_write_cr4)
PROBE_LABELS(p_write_cr8)
PROBE_LABELS(p_lmsw)
PROBE_LABELS(p_clts)
PROBE_LABELS(p_smsw)
PROBE_LABELS(p_xsetbv)
PROBE_LABELS(p_rdtscp)

/* MOV from / to DR0..DR7, by number (dr.c's tables). */
#define DR_PROBES(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7)
#define DR_PROBE_DECL(n)                                                                           \
    uint64_t p_read_dr##n(void);                                                                   \
    void p_write_dr##n(uint64_t v);                                                                \
    PROBE_LABELS(p_read_dr##n)                                                                     \
    PROBE_LABELS(p_write_dr##n)
DR_PROBES(DR_PROBE_DECL)

/* Ring 3 (rt_user_call). */
extern const char user_read_dr7[], user_write_dr0[], user_read_cr0[], user_write_cr8[], user_clts[],
    user_smsw[];
PROBE_LABELS(user_read_dr7)
PROBE_LABELS(user_write_dr0)
PROBE_LABELS(user_read_cr0)
PROBE_LABELS(user_write_cr8)
PROBE_LABELS(user_clts)
PROBE_LABELS(user_smsw)

#endif
