/* The system-call stubs of the ring-3 runtime (lib/user/syscall.c), one
 * per call of abi/vireo/syscall.h and abi/vireo/ipc.h. Apart from
 * <vireo/user.h> so that code using only these can be host-tested. */
#ifndef VIREO_LIB_SYS_H
#define VIREO_LIB_SYS_H

#include <vireo/types.h>
#include <vireo/status.h>

enum vireo_status sys_console_write(const char *buf, size_t len);
__attribute__((noreturn)) void sys_exit(u64 status);

/* Sends msg[0..words) of the caller's UTCB; the reply is in the UTCB. */
enum vireo_status sys_call(u64 pt, u64 words);
/* Replies with msg[0..words) (if handling a call), then waits; *badge (may
 * be NULL) is the badge of the portal the next call came through. */
enum vireo_status sys_reply_wait(u64 words, u64 *badge);
/* name: the PD's console name (abi/vireo/syscall.h), or NULL. */
enum vireo_status sys_create_pd(u64 dst, u64 pd, u64 quota, u64 flags, const char *name);
enum vireo_status sys_create_ec(u64 dst, u64 pd, u64 utcb_page, u64 ip, u64 sp, u64 flags);
enum vireo_status sys_create_sc(u64 dst, u64 pd, u64 ec, u64 priority, u64 budget_us);
enum vireo_status sys_create_pt(u64 dst, u64 pd, u64 ec, u64 badge, u64 mtd);
enum vireo_status sys_create_sm(u64 dst, u64 pd, u64 count);
enum vireo_status sys_delegate(u64 dst_pd, u64 crd, u64 offset, u64 pages, u64 dst);
enum vireo_status sys_revoke(u64 crd, u64 flags);
/* *info (may be NULL) = vireo_capinfo() of the slot. */
enum vireo_status sys_lookup(u64 sel, u64 *info);
enum vireo_status sys_sm_ctrl(u64 sm, u64 op, u64 timeout_us);
enum vireo_status sys_ec_recall(u64 ec);
/* Takes up to len bytes of console input; *count = how many. */
enum vireo_status sys_console_read(u64 sm, char *buf, u64 len, u64 *count);
enum vireo_status sys_console_write_raw(u64 sm, const char *buf, u64 len);
/* Any number, any arguments (fuzzing): returns %rax, *rdx = %rdx. */
u64 sys_raw(u64 number, const u64 args[6], u64 *rdx);

/* A status' name ("VIREO_E_BAD_CAP"); "?" for unknown values. */
const char *vireo_status_name(u64 status);

#endif
