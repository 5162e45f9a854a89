/* The syscall-layer fuzz target: one input is a sequence of syscalls
 * decoded by the invariant tests' generator (tests/invariants/gen.h), run
 * on a fresh kernel against the reference model with every invariant
 * checked after each step; a violation aborts. */
#ifndef TESTS_FUZZ_FUZZ_SYSCALLS_H
#define TESTS_FUZZ_FUZZ_SYSCALLS_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
