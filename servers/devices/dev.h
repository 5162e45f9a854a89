/*
 * What every device model shares: the sink through which it reports
 * interrupt-line changes, requests to stop the VM and requests that the
 * VMM flush a guest page (abi/vireo/devproto.h). Models are pure
 * state machines (no system calls, no allocation), so host tests drive
 * them directly and the server glue (dispatch.c) turns the sink's calls
 * into protocol words (abi/vireo/devproto.h).
 */
#ifndef VIREO_DEVICES_DEV_H
#define VIREO_DEVICES_DEV_H

#include <vireo/types.h>

struct dev_sink {
    /* An interrupt line changed: kind is enum vireo_dev_line_kind. */
    void (*line)(void *ctx, u16 line, u32 kind);
    /* A device asks to end the VM with this status. */
    void (*stop)(void *ctx, u64 status);
    /* A device asks that the guest's next access to the page holding
     * guest-physical gpa exit to the VMM (VIREO_DEVFLUSH); may be 0. */
    void (*flush_page)(void *ctx, u64 gpa);
    void *ctx;
};

/* A level-triggered output a model drives; reports changes only. */
struct dev_line {
    const struct dev_sink *sink; /* may be 0: not connected */
    u16 line;
    bool level;
};

void dev_line_init(struct dev_line *l, const struct dev_sink *sink, u16 line);
void dev_line_set(struct dev_line *l, bool level);

#endif
