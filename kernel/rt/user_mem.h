/* A PD's user memory, reached through its page tables and the direct map
 * (never through the current CR3): a missing or wrong mapping is an error
 * for the caller, never a kernel fault. */
#ifndef KERNEL_RT_USER_MEM_H
#define KERNEL_RT_USER_MEM_H

#include "../obj/objects.h"

/* The kernel address of the user page at addr (page aligned) in pd, if it
 * is mapped user-accessible (and writable when asked); NULL otherwise. */
u8 *user_page(const struct obj_pd *pd, u64 addr, bool write);
/* Copies len bytes from pd's user memory; false if any page is missing. */
bool user_read(const struct obj_pd *pd, u64 addr, void *buf, u64 len);
/* ec's UTCB, or NULL. */
struct vireo_utcb *utcb_of(const struct obj_ec *ec, bool write);

#endif
