/* Further threads of a server in its own PD (needs `own-pd`,
 * abi/bindings.md). */
#ifndef VIREO_LIB_THREAD_H
#define VIREO_LIB_THREAD_H

#include <vireo/status.h>
#include <vireo/types.h>
#include <vireo/utcb.h>

/* Creates a thread at entry with a UTCB and a stack of stack_bytes from
 * the heap, its EC capability (all rights) at ec_sel. It runs once an SC
 * is bound to it, or, without one, on the time of the first call to a
 * portal bound to it (then ipc_serve_started() serves it). entry must not
 * return. */
enum vireo_status thread_create(u64 own_pd, u64 ec_sel, void (*entry)(void), u64 stack_bytes,
                                struct vireo_utcb **utcb_out);

#endif
