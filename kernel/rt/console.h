#ifndef KERNEL_RT_CONSOLE_H
#define KERNEL_RT_CONSOLE_H

#include "../obj/objects.h"
#include <vireo/status.h>
#include <vireo/syscall.h>

/* The CONSOLE_WRITE syscall for a thread of pd. */
enum vireo_status console_write(const struct obj_pd *pd, u64 buf, u64 len);
/* A PD name for CREATE_PD: at most 15 characters and a NUL at addr in pd
 * (VIREO_E_BAD_ADDRESS, VIREO_E_INVALID_ARG when longer); characters
 * outside printable ASCII read as '?'. */
enum vireo_status console_read_name(const struct obj_pd *pd, u64 addr, char out[OBJ_PD_NAME_LEN]);

#endif
