/*
 * The invariants of DESIGN.md section 2, checked on the real layer's state
 * directly (structure) and against the reference model (content):
 *  1. the derivation tree is a tree, rights only shrink along it, ranges
 *     only narrow; revoke leaves no descendant (checked per step);
 *  2. every mapped page is backed by a mapping node whose chain ends at one
 *     of init's MEM capabilities; no frame outside the user ranges is
 *     mapped; no stale TLB entry survives a syscall;
 *  3. objects live exactly while referenced, counts are exact, the pool
 *     and every quota add up;
 *  4. (in the harness) a failing call leaves every byte as it was.
 */
#ifndef TESTS_INVARIANTS_CHECKER_H
#define TESTS_INVARIANTS_CHECKER_H

#include "harness.h"

/* false with a message in buf on the first violation */
bool check_structure(const struct harness_state *st, char *buf, u64 len);
bool check_against_model(const struct harness_state *st, char *buf, u64 len);

#endif
