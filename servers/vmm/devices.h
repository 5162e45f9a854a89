/* Calls to the device server (abi/vireo/devproto.h) for the guest's port
 * I/O and MMIO accesses. */
#ifndef VIREO_VMM_DEVICES_H
#define VIREO_VMM_DEVICES_H

#include "vm.h"
#include <vireo/devproto.h>

/* One access: op VIREO_DEV_OP_*, size bytes, at port or guest-physical
 * address addr; *value in (writes) and out (reads: all ones where nothing
 * answers). false: the VM was stopped (a device ended it, or the device
 * server failed: named in the stop line). */
bool dev_access(struct vm *vm, u32 op, u32 size, u64 addr, u64 *value);

/* A POLL (the next timed event is due, or input arrived): the line
 * changes it brings go to the interrupt controllers like an access's.
 * false: the VM was stopped. */
bool dev_poll(struct vm *vm);

/* Whether a poll is due at host TSC now. */
static inline bool dev_poll_due(const struct vm *vm, u64 now)
{
    return vm->devices != VIREO_SERVER_SEL_NONE && (vm->input_pending || now >= vm->dev_next);
}

#endif
