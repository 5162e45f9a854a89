#include "devices.h"
#include "irqchip.h"
#include "ram_map.h"
#include <vireo/user.h>

/* The words of a reply every request shares: stop, flush, next event and
 * the line updates, which go to the interrupt controllers. false: the VM
 * was stopped. */
static bool take_reply(struct vm *vm, const u64 *rep, u64 got, u32 op, u64 addr)
{
    switch (rep[VIREO_DEV_REP_STATUS]) {
    case VIREO_DEV_OK:
    case VIREO_DEV_NO_DEVICE:
        break;
    case VIREO_DEV_STOP: {
        u64 status = rep[VIREO_DEV_REP_STOP];
        vm_stop(vm, VM_END_DEBUG_EXIT, status >> 1, "debug-exit: status %#llx, guest value %llu",
                (unsigned long long)status, (unsigned long long)(status >> 1));
        return false;
    }
    case VIREO_DEV_RESET:
        /* The exit handler boots the guest again instead of resuming it
         * (exits.c); the access that pulled the line is not finished. */
        vm->reset_requested = true;
        return false;
    default:
        vm_stop(vm, VM_END_ERROR, VM_STATUS_ERROR,
                "the device server refused an access (op %u, %#llx)", op, (unsigned long long)addr);
        return false;
    }
    u64 n = rep[VIREO_DEV_REP_NLINES];
    if (n > VIREO_DEV_MAX_LINES || got != VIREO_DEV_REP_LINES + n) {
        vm_stop(vm, VM_END_ERROR, VM_STATUS_ERROR,
                "the device server sent %llu line updates in a reply of %llu words",
                (unsigned long long)n, (unsigned long long)got);
        return false;
    }
    vm->dev_next = rep[VIREO_DEV_REP_NEXT];
    for (u64 i = 0; i < n && vm->irqchip; i++) {
        u64 w = rep[VIREO_DEV_REP_LINES + i];
        irqchip_line(vm->irqchip, (u16)VIREO_GET(VIREO_DEVLINE, LINE, w),
                     (u32)VIREO_GET(VIREO_DEVLINE, KIND, w));
    }
    /* A device asked for a page flush (pc-testdev): the guest's next touch
     * of that page exits (ram_map.h). */
    if (VIREO_GET(VIREO_DEVFLUSH, VALID, rep[VIREO_DEV_REP_FLUSH]) &&
        !ram_flush(vm, vireo_devflush_gpa(rep[VIREO_DEV_REP_FLUSH])))
        return false;
    return true;
}

/* One request and its reply; false: the VM was stopped. */
static bool call(struct vm *vm, u32 op, u32 size, u64 addr, u64 value, u64 *read)
{
    u64 req[VIREO_DEV_REQ_WORDS] = {
        [VIREO_DEV_REQ_HDR] = vireo_devhdr(op, size),
        [VIREO_DEV_REQ_ADDR] = addr,
        [VIREO_DEV_REQ_VALUE] = value,
    };
    u64 rep[VIREO_DEV_REP_MAX_WORDS] = {0};
    u64 got = 0;
    enum vireo_status st =
        ipc_call(vm->devices, req, VIREO_DEV_REQ_WORDS, rep, VIREO_DEV_REP_MAX_WORDS, &got);
    if (st != VIREO_OK || got < VIREO_DEV_REP_LINES) {
        vm_stop(vm, VM_END_ERROR, VM_STATUS_ERROR,
                "the device server did not answer (%s, %llu words)", vireo_status_name(st),
                (unsigned long long)got);
        return false;
    }
    if (!take_reply(vm, rep, got, op, addr))
        return false;
    *read = rep[VIREO_DEV_REP_VALUE];
    return true;
}

bool dev_access(struct vm *vm, u32 op, u32 size, u64 addr, u64 *value)
{
    u64 mask = vireo_dev_ones(size);
    bool read = op == VIREO_DEV_OP_IO_READ || op == VIREO_DEV_OP_MMIO_READ;
    if (vm->devices == VIREO_SERVER_SEL_NONE) {
        /* No device server: nothing answers anywhere. */
        if (read)
            *value = mask;
        return true;
    }
    u64 got;
    if (!call(vm, op, size, addr, read ? 0 : (*value & mask), &got))
        return false;
    if (read)
        *value = got & mask;
    return true;
}

bool dev_poll(struct vm *vm)
{
    if (vm->devices == VIREO_SERVER_SEL_NONE)
        return true;
    vm->input_pending = false; /* before the call: input after it polls again */
    vm->dev_polls++;
    u64 unused;
    return call(vm, VIREO_DEV_OP_POLL, 0, 0, 0, &unused);
}
