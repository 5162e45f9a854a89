/*
 * Guest RAM in the VM's address space (EPT/NPT). The VMM maps it itself, in
 * at most VMM_RAM_CHUNKS_MAX chunks, each from its own capability (a child
 * of the RAM's, abi/vireo/server_info.h VIREO_SERVER_SEL_VM_RAM). A page can
 * be flushed — pc-testdev's flush-page port, for which KVM drops the page
 * the same way: its chunk is unmapped and mapped again without that page,
 * and the guest's next touch of it exits as a MEM_FAULT on RAM, which maps
 * it back; an event whose delivery met it is then injected again
 * (exit_reinject_vectoring). One page per chunk stays out at a time.
 */
#ifndef VIREO_VMM_RAM_MAP_H
#define VIREO_VMM_RAM_MAP_H

#include "vm.h"

#define RAM_MAP_MIN_CHUNK (2ull << 20) /* bytes, a multiple of 2 MiB */

/* Maps all of it (before the vCPU first runs). false: the VMM cannot go
 * on; why names the step that failed. */
bool ram_map_all(struct vm *vm, char *why, u32 why_size);

/* Takes the page holding gpa out of the VM's mappings (nothing if gpa is
 * no RAM). false: the kernel refused (the VM was stopped, saying so). */
bool ram_flush(struct vm *vm, u64 gpa);

/* A MEM_FAULT at gpa with nothing mapped: true if gpa is a flushed RAM
 * page, now mapped again (the access is retried). */
bool ram_fault(struct vm *vm, u64 gpa);

#endif
