/* The exceptions guest's groups of tests (one file each). */
#ifndef EXCEPTIONS_TESTS_H
#define EXCEPTIONS_TESTS_H

void test_basic_faults(void);
void test_msrs(void);
void test_control_registers(void);
void test_single_step(void);
void test_breakpoints(void);
void test_state_survives(void);
void test_page_faults(void);
void test_ring3(void);

#endif
