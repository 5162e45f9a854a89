/*
 * Guest RAM in the VM's address space (EPT/NPT). The VMM maps it itself, in
 * at most RAM_MAP_MAX_CHUNKS chunks, each from its own capability (a child
 * of the RAM's, abi/vireo/server_info.h VIREO_SERVER_SEL_VM_RAM), so one
 * chunk can be unmapped — pc-testdev's flush-page port, as KVM drops a page
 * for the same port — and mapped again when the guest next touches it: a
 * MEM_FAULT on RAM that is not present. An event whose delivery met the
 * unmapped chunk is then injected again (exit_reinject_vectoring).
 */
#ifndef VIREO_VMM_RAM_MAP_H
#define VIREO_VMM_RAM_MAP_H

#include "vm.h"

#define RAM_MAP_MAX_CHUNKS 64u
#define RAM_MAP_MIN_CHUNK  (2ull << 20) /* bytes, a multiple of 2 MiB */

/* Maps all of it (before the vCPU first runs). false: the VMM cannot go
 * on; why names the step that failed. */
bool ram_map_all(struct vm *vm, char *why, u32 why_size);

/* Unmaps the chunk holding gpa (nothing if gpa is no RAM or not mapped). */
void ram_unmap(struct vm *vm, u64 gpa);

/* A MEM_FAULT at gpa with nothing mapped: true if gpa is RAM whose chunk
 * was unmapped, now mapped again (the access is retried). */
bool ram_fault(struct vm *vm, u64 gpa);

#endif
