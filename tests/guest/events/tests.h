/* The events guest's groups of tests (one file each). */
#ifndef EVENTS_TESTS_H
#define EVENTS_TESTS_H

void test_reinjection(void);
void test_interrupts(void);

#endif
