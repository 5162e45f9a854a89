#include "devices.h"
#include "ram_map.h"
#include <vireo/user.h>

bool dev_access(struct vm *vm, u32 op, u32 size, u64 addr, u64 *value)
{
    u64 mask = size >= 8 ? ~0ull : (1ull << (size * 8)) - 1;
    bool read = op == VIREO_DEV_OP_IO_READ || op == VIREO_DEV_OP_MMIO_READ;
    if (vm->devices == VIREO_SERVER_SEL_NONE) {
        /* No device server: nothing answers anywhere. */
        if (read)
            *value = mask;
        return true;
    }
    u64 req[VIREO_DEV_REQ_WORDS] = {
        [VIREO_DEV_REQ_HDR] = VIREO_PUT(VIREO_DEVHDR, OP, op) | VIREO_PUT(VIREO_DEVHDR, SIZE, size),
        [VIREO_DEV_REQ_ADDR] = addr,
        [VIREO_DEV_REQ_VALUE] = read ? 0 : (*value & mask),
    };
    u64 rep[VIREO_DEV_REP_LINES] = {0};
    u64 got = 0;
    enum vireo_status st =
        ipc_call(vm->devices, req, VIREO_DEV_REQ_WORDS, rep, VIREO_DEV_REP_LINES, &got);
    if (st != VIREO_OK || got < VIREO_DEV_REP_LINES) {
        vm_stop(vm, VM_END_ERROR, VM_STATUS_ERROR,
                "the device server did not answer (%s, %llu words)", vireo_status_name(st),
                (unsigned long long)got);
        return false;
    }
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
    default:
        vm_stop(vm, VM_END_ERROR, VM_STATUS_ERROR,
                "the device server refused an access (op %u, %#llx)", op, (unsigned long long)addr);
        return false;
    }
    /* A device asked for a page flush (pc-testdev): the guest's next touch
     * of that page exits (ram_map.h). */
    if (VIREO_GET(VIREO_DEVFLUSH, VALID, rep[VIREO_DEV_REP_FLUSH]) &&
        !ram_flush(vm, vireo_devflush_gpa(rep[VIREO_DEV_REP_FLUSH])))
        return false;
    /* Interrupt lines (rep[VIREO_DEV_REP_NLINES..]) go nowhere yet: there
     * is no interrupt controller model, so no guest of this VMM can take
     * device interrupts. */
    if (read)
        *value = rep[VIREO_DEV_REP_VALUE] & mask;
    return true;
}
