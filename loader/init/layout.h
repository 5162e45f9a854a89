/* Where init keeps things in its own address space, beside what the
 * kernel maps (abi/vireo/init_info.h). */
#ifndef INIT_LAYOUT_H
#define INIT_LAYOUT_H

#include <vireo/types.h>

/* init's view of server i's memory: its MEM capability at WINDOW(i), its
 * shared memory 2 GiB above (memory-kib and shared-memory-kib are at most
 * 1 GiB each). */
#define INIT_WINDOW_BASE      0x0000400000000000ull
#define INIT_WINDOW_SIZE      0x0000000100000000ull /* 4 GiB per server */
#define INIT_WINDOW(i)        (INIT_WINDOW_BASE + (u64)(i)*INIT_WINDOW_SIZE)
#define INIT_WINDOW_SHARED(i) (INIT_WINDOW(i) + 0x80000000ull)

/* init's view of a VMM's VM: its RAM (at most 3 GiB) and, 4 GiB above,
 * the guest's files. */
#define INIT_VM_WINDOW_BASE     0x0000500000000000ull
#define INIT_VM_WINDOW_SIZE     0x0000000200000000ull /* 8 GiB per server */
#define INIT_VM_WINDOW(i)       (INIT_VM_WINDOW_BASE + (u64)(i)*INIT_VM_WINDOW_SIZE)
#define INIT_VM_FILES_WINDOW(i) (INIT_VM_WINDOW(i) + 0x100000000ull)
/* The supervisor thread's UTCB and stack (from init's MEM capabilities). */
#define INIT_SUP_UTCB_ADDR   0x00007fff00020000ull
#define INIT_SUP_STACK_TOP   0x00007fff01000000ull
#define INIT_SUP_STACK_PAGES 16u

#endif
