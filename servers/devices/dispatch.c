/* The device server's protocol handling (dispatch.h). */
#include "dispatch.h"

/* Every change is kept, in order: models report changes only, so each
 * HIGH is a rising edge an edge-triggered input latches (a PIT's OUT
 * falling and rising again in one update, a UART's interrupt raised and
 * withdrawn in one access), and merging two updates would lose it. */
static void sink_line(void *ctx, u16 line, u32 kind)
{
    struct dev_dispatch *d = ctx;
    u64 w = vireo_devline(line, kind);
    if (d->lines >= VIREO_DEV_MAX_LINES) {
        d->lines_dropped++;
        return;
    }
    d->line[d->lines++] = w;
}

static void sink_stop(void *ctx, u64 status)
{
    struct dev_dispatch *d = ctx;
    if (!d->stop) {
        d->stop = true;
        d->stop_status = status;
    }
}

/* One word per reply: a second request in the same access replaces the
 * first (and is counted), since no model makes two. */
static void sink_flush_page(void *ctx, u64 gpa)
{
    struct dev_dispatch *d = ctx;
    if (d->flush)
        d->flushes_merged++;
    d->flush = vireo_devflush(gpa);
}

void dev_dispatch_init(struct dev_dispatch *d, struct port_bus *bus, struct mmio_bus *mmio)
{
    *d = (struct dev_dispatch){0};
    d->bus = bus;
    d->mmio = mmio;
    d->next_event = VIREO_DEV_NO_EVENT;
    d->sink = (struct dev_sink){
        .line = sink_line, .stop = sink_stop, .flush_page = sink_flush_page, .ctx = d};
}

static u64 finish(struct dev_dispatch *d, u64 status, u64 value, u64 *reply)
{
    if (status == VIREO_DEV_OK && d->stop)
        status = VIREO_DEV_STOP;
    reply[VIREO_DEV_REP_STATUS] = status;
    reply[VIREO_DEV_REP_VALUE] = value;
    reply[VIREO_DEV_REP_STOP] = d->stop ? d->stop_status : 0;
    reply[VIREO_DEV_REP_FLUSH] = d->flush;
    d->flush = 0;
    reply[VIREO_DEV_REP_NEXT] = d->next_event;
    reply[VIREO_DEV_REP_NLINES] = d->lines;
    for (unsigned i = 0; i < d->lines; i++)
        reply[VIREO_DEV_REP_LINES + i] = d->line[i];
    u64 words = VIREO_DEV_REP_LINES + d->lines;
    d->lines = 0;
    return words;
}

u64 dev_dispatch_handle(struct dev_dispatch *d, const u64 *msg, u64 words, u64 *reply)
{
    if (words < VIREO_DEV_REQ_WORDS)
        return finish(d, VIREO_DEV_BAD_REQUEST, 0, reply);
    u64 hdr = msg[VIREO_DEV_REQ_HDR];
    u32 op = (u32)VIREO_GET(VIREO_DEVHDR, OP, hdr);
    u32 size = (u32)VIREO_GET(VIREO_DEVHDR, SIZE, hdr);
    u64 addr = msg[VIREO_DEV_REQ_ADDR];
    bool claimed = false;
    u64 value = 0;

    if (hdr & ~VIREO_LAYOUT_ALL(VIREO_DEVHDR, VIREO_DEVHDR_LAYOUT))
        return finish(d, VIREO_DEV_BAD_REQUEST, 0, reply);
    switch (op) {
    case VIREO_DEV_OP_IO_READ:
    case VIREO_DEV_OP_IO_WRITE:
        if ((size != 1 && size != 2 && size != 4) || addr > 0xffff)
            return finish(d, VIREO_DEV_BAD_REQUEST, 0, reply);
        if (op == VIREO_DEV_OP_IO_READ)
            value = port_bus_read(d->bus, (u16)addr, size, &claimed);
        else
            port_bus_write(d->bus, (u16)addr, size, (u32)msg[VIREO_DEV_REQ_VALUE], &claimed);
        break;
    case VIREO_DEV_OP_MMIO_READ:
    case VIREO_DEV_OP_MMIO_WRITE:
        if (size != 1 && size != 2 && size != 4 && size != 8)
            return finish(d, VIREO_DEV_BAD_REQUEST, 0, reply);
        if (!d->mmio)
            value = op == VIREO_DEV_OP_MMIO_READ ? vireo_dev_ones(size) : 0;
        else if (op == VIREO_DEV_OP_MMIO_READ)
            value = mmio_bus_read(d->mmio, addr, size, &claimed);
        else
            mmio_bus_write(d->mmio, addr, size, msg[VIREO_DEV_REQ_VALUE], &claimed);
        break;
    case VIREO_DEV_OP_POLL:
        /* the glue brought the devices up to now before this call: what
         * changed rides in the reply */
        if (size != 0)
            return finish(d, VIREO_DEV_BAD_REQUEST, 0, reply);
        claimed = true;
        break;
    default:
        return finish(d, VIREO_DEV_BAD_REQUEST, 0, reply);
    }
    return finish(d, claimed ? VIREO_DEV_OK : VIREO_DEV_NO_DEVICE, value, reply);
}
