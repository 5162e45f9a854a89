/* The probes of probes.S: see there. */
#ifndef EXCEPTIONS_PROBES_H
#define EXCEPTIONS_PROBES_H

#include <stdint.h>

#define PROBE_LABELS(name) extern const char name##_at[], name##_resume[], name##_after[];

void probe_de(void);
void probe_de_overflow(void);
void probe_ud(void);
uint64_t probe_read(uint64_t addr);
void probe_write(uint64_t addr, uint64_t value);
void probe_exec(uint64_t addr);
uint64_t probe_rdmsr(uint32_t index);
void probe_wrmsr(uint32_t index, uint64_t value);
void probe_write_cr0(uint64_t value);
void probe_write_cr4(uint64_t value);
void probe_load_ds(uint16_t selector);
void probe_int41(void);
void probe_hw_exec(void);
void probe_hw_write(uint32_t *addr);
void probe_int3(void);
void probe_step_nop(void);
void probe_step_cpuid(void);
void probe_step_out(void);
void probe_step_in(void);
void probe_step_rdmsr(void);
void probe_step_movss(void);
PROBE_LABELS(probe_de)
PROBE_LABELS(probe_de_overflow)
PROBE_LABELS(probe_ud)
PROBE_LABELS(probe_read)
PROBE_LABELS(probe_write)
PROBE_LABELS(probe_exec)
PROBE_LABELS(probe_rdmsr)
PROBE_LABELS(probe_wrmsr)
PROBE_LABELS(probe_write_cr0)
PROBE_LABELS(probe_write_cr4)
PROBE_LABELS(probe_load_ds)
PROBE_LABELS(probe_int41)
PROBE_LABELS(probe_hw_exec)
PROBE_LABELS(probe_hw_write)
PROBE_LABELS(probe_int3)
PROBE_LABELS(probe_step_nop)
PROBE_LABELS(probe_step_cpuid)
PROBE_LABELS(probe_step_out)
PROBE_LABELS(probe_step_in)
PROBE_LABELS(probe_step_rdmsr)
PROBE_LABELS(probe_step_movss)

/* Ring 3 (rt_user_call). */
extern const char user_nothing[], user_read[], user_write[], user_ac[], user_int0d[], user_int3[],
    user_in[], user_rdmsr[];
PROBE_LABELS(user_read)
PROBE_LABELS(user_write)
PROBE_LABELS(user_ac)
PROBE_LABELS(user_int0d)
PROBE_LABELS(user_int3)
PROBE_LABELS(user_in)
PROBE_LABELS(user_rdmsr)

#endif
