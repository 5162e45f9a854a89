/*
 * The device protocol: IPC messages between a VMM and the device server
 * (servers/devices/). All words are in the UTCB message area
 * (abi/vireo/utcb.h); the caller is identified by its portal's badge.
 *
 * Access (VMM calls the device server's portal):
 *   request  msg[0] header: VIREO_DEVHDR (op, size in bytes)
 *            msg[1] port (IO_*) or guest-physical address (MMIO_*)
 *            msg[2] value to write (WRITE ops; low `size` bytes)
 *   reply    msg[0] enum vireo_dev_status
 *            msg[1] value read (READ ops; all ones where nothing answers)
 *            msg[2] stop status (VIREO_DEV_STOP: end the VM with it)
 *            msg[3] flush-page request (VIREO_DEVFLUSH), 0 for none
 *            msg[4] next event: the host TSC value at which a time-driven
 *                   device (PIT, RTC) next changes a line, VIREO_DEV_NO_EVENT
 *                   for none; the VMM polls then
 *            msg[5] n, the number of interrupt-line updates that follow
 *            msg[6 .. 6+n) line updates (VIREO_DEVLINE)
 *
 * Poll (VMM calls the device server's portal when the next event is due,
 * or when host terminal input arrived: changes that happen between the
 * guest's accesses):
 *   request  msg[0] header with op VIREO_DEV_OP_POLL, size 0; msg[1], msg[2]
 *            0 (ignored)
 *   reply    as for an access (value 0): the devices are brought up to the
 *            present, terminal input goes into COM1's receiver, and the
 *            line changes that made ride in the reply with the next event.
 *
 * Line updates carry the level after the change, in order; a PULSE is an
 * edge with no lasting level (an edge-triggered interrupt). Lines are the
 * interrupt controllers' inputs (GSIs): 0..15 the ISA IRQs, to the i8259
 * pair and the IOAPIC's pins of the same number, 16..23 IOAPIC pins only.
 * The interrupt controllers sit with the local APIC in the VMM
 * (docs/DEVICES.md, "Interrupt routing"), so one guest interrupt costs no
 * call beyond the access or poll that raised it.
 *
 * A flush-page request (QEMU pc-testdev's port 0xe4) asks the VMM to make
 * the guest's next access to that 4 KiB page exit to it once (unmap it
 * from the nested page tables and map it again on the fault: what
 * mprotect() does under KVM), so a test can make the hypervisor emulate an
 * instruction that touches the page. The device server cannot change guest
 * mappings itself; a VMM that ignores the word only loses that effect.
 */
#ifndef VIREO_ABI_DEVPROTO_H
#define VIREO_ABI_DEVPROTO_H

#include <vireo/bitfield.h>
#include <vireo/utcb.h>

#define VIREO_DEV_OP_TABLE(X)                                                                      \
    X(IO_READ, 1)                                                                                  \
    X(IO_WRITE, 2)                                                                                 \
    X(MMIO_READ, 3)                                                                                \
    X(MMIO_WRITE, 4)                                                                               \
    X(POLL, 5)
enum vireo_dev_op {
#define VIREO_DEV_OP_ENUM_(name, n) VIREO_DEV_OP_##name = (n),
    VIREO_DEV_OP_TABLE(VIREO_DEV_OP_ENUM_)
#undef VIREO_DEV_OP_ENUM_
};

#define VIREO_DEV_STATUS_TABLE(X)                                                                  \
    X(OK, 0)          /* done */                                                                   \
    X(NO_DEVICE, 1)   /* nothing claims the address: reads gave all ones, writes were dropped */   \
    X(BAD_REQUEST, 2) /* unknown op, bad size or word count: nothing done */                       \
    X(STOP, 3)        /* done, and a device asks to end the VM (msg[2] = status) */                \
    X(RESET, 4)       /* done, and the guest pulled the reset line (keyboard controller) */
enum vireo_dev_status {
#define VIREO_DEV_STATUS_ENUM_(name, n) VIREO_DEV_##name = (n),
    VIREO_DEV_STATUS_TABLE(VIREO_DEV_STATUS_ENUM_)
#undef VIREO_DEV_STATUS_ENUM_
};

/* msg[0] of a request. SIZE: 1, 2 or 4 for I/O; 1, 2, 4 or 8 for MMIO. */
#define VIREO_DEVHDR_LAYOUT(X, p)                                                                  \
    X(p, OP, 0, 8)                                                                                 \
    X(p, SIZE, 8, 4)
VIREO_LAYOUT(VIREO_DEVHDR, VIREO_DEVHDR_LAYOUT);

/* A line update. LINE: the interrupt input (GSI) as the system description
 * numbers it; KIND: enum vireo_dev_line_kind. */
#define VIREO_DEVLINE_LAYOUT(X, p)                                                                 \
    X(p, LINE, 0, 16)                                                                              \
    X(p, KIND, 16, 2)
VIREO_LAYOUT(VIREO_DEVLINE, VIREO_DEVLINE_LAYOUT);
enum vireo_dev_line_kind {
    VIREO_LINE_LOW = 0,
    VIREO_LINE_HIGH = 1,
    VIREO_LINE_PULSE = 2,
};

/* msg[3] of a reply: VALID set when a device asked for a page flush;
 * PAGE is the guest-physical page number (address >> 12). */
#define VIREO_DEVFLUSH_LAYOUT(X, p)                                                                \
    X(p, VALID, 0, 1)                                                                              \
    X(p, PAGE, 12, 52)
VIREO_LAYOUT(VIREO_DEVFLUSH, VIREO_DEVFLUSH_LAYOUT);

/* Word indices. */
enum {
    VIREO_DEV_REQ_HDR = 0,
    VIREO_DEV_REQ_ADDR = 1,
    VIREO_DEV_REQ_VALUE = 2,
    VIREO_DEV_REQ_WORDS = 3,

    VIREO_DEV_REP_STATUS = 0,
    VIREO_DEV_REP_VALUE = 1,
    VIREO_DEV_REP_STOP = 2,
    VIREO_DEV_REP_FLUSH = 3,
    VIREO_DEV_REP_NEXT = 4,
    VIREO_DEV_REP_NLINES = 5,
    VIREO_DEV_REP_LINES = 6,
};

/* msg[4] of a reply when no time-driven device has anything coming. */
#define VIREO_DEV_NO_EVENT (~0ull)

/* Most line updates one message carries (an IOAPIC's 24 inputs). */
#define VIREO_DEV_MAX_LINES     24u
#define VIREO_DEV_REP_MAX_WORDS (VIREO_DEV_REP_LINES + VIREO_DEV_MAX_LINES)
_Static_assert(VIREO_DEV_REP_MAX_WORDS <= VIREO_MSG_WORDS, "a device reply fits the UTCB");

static inline u64 vireo_devhdr(u32 op, u32 size)
{
    return VIREO_PUT(VIREO_DEVHDR, OP, op) | VIREO_PUT(VIREO_DEVHDR, SIZE, size);
}
static inline u64 vireo_devline(u32 line, u32 kind)
{
    return VIREO_PUT(VIREO_DEVLINE, LINE, line) | VIREO_PUT(VIREO_DEVLINE, KIND, kind);
}
/* A flush-page request for the page holding guest-physical gpa. */
static inline u64 vireo_devflush(u64 gpa)
{
    return VIREO_PUT(VIREO_DEVFLUSH, VALID, 1) | VIREO_PUT(VIREO_DEVFLUSH, PAGE, gpa >> 12);
}
/* The guest-physical address of a flush request's page. */
static inline u64 vireo_devflush_gpa(u64 word)
{
    return VIREO_GET(VIREO_DEVFLUSH, PAGE, word) << 12;
}
/* All ones in the low `size` bytes (what an access nobody answers reads). */
static inline u64 vireo_dev_ones(u32 size)
{
    return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

#endif
