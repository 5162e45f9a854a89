/*
 * The device server's protocol handling (abi/vireo/devproto.h), kept free
 * of system calls so host tests drive it: a request message in, a reply
 * message out. Port accesses go to the port bus, MMIO accesses to the MMIO
 * bus. Line changes, stop and flush-page requests that models report
 * during a request ride in its reply; line changes reported between
 * requests (input) wait for the next one, which the VMM makes a POLL when
 * it has no access to send.
 */
#ifndef VIREO_DEVICES_DISPATCH_H
#define VIREO_DEVICES_DISPATCH_H

#include <vireo/devproto.h>

#include "dev.h"
#include "mmio_bus.h"
#include "port_bus.h"

struct dev_dispatch {
    struct port_bus *bus;
    struct mmio_bus *mmio;         /* 0: every MMIO address is unclaimed */
    struct dev_sink sink;          /* give &sink to every model */
    u64 line[VIREO_DEV_MAX_LINES]; /* pending updates, VIREO_DEVLINE, oldest first */
    unsigned lines;
    unsigned lines_dropped; /* more distinct lines changed than a message holds */
    bool stop;
    u64 stop_status;
    u64 flush;               /* VIREO_DEVFLUSH for the next reply, 0 for none */
    unsigned flushes_merged; /* a second flush request in one access (none does that) */
    u64 next_event;          /* the reply's VIREO_DEV_REP_NEXT: the glue keeps it current */
};

void dev_dispatch_init(struct dev_dispatch *d, struct port_bus *bus, struct mmio_bus *mmio);
/* Handles msg[0..words); writes the reply to reply[] (room for
 * VIREO_DEV_REP_MAX_WORDS) and returns its word count. */
u64 dev_dispatch_handle(struct dev_dispatch *d, const u64 *msg, u64 words, u64 *reply);

#endif
