/* Start-up helpers for servers started by init (abi/vireo/server_info.h). */
#ifndef VIREO_LIB_SERVER_H
#define VIREO_LIB_SERVER_H

#include <vireo/server_info.h>

/* Checks the info page at VIREO_SERVER_INFO_ADDR (magic, version, size),
 * sets up user_heap over the server's heap and user_utcb, and returns the
 * info; exits with status 1 and a message if the page is not what init
 * gives. (The page is at that fixed address whether or not the kernel
 * passes it in %rdi: create_ec has no start argument.) */
const struct vireo_server_info *server_start(void);

/* The selector of the portal to the server named name (from `calls`), or
 * VIREO_SERVER_SEL_NONE. */
u64 server_call_sel(const struct vireo_server_info *info, const char *name);
/* The selector of the PD capability of the server named name (from
 * `delegate-to`), or VIREO_SERVER_SEL_NONE. */
u64 server_peer_sel(const struct vireo_server_info *info, const char *name);
/* The id of the server named name among calls and peers, or 0. */
u32 server_ref_id(const struct vireo_server_info *info, const char *name);

#endif
