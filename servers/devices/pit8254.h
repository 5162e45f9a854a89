/*
 * The PC's programmable interval timer, an Intel 8254 (82C54) as the PC
 * wires it: three 16-bit down counters on a 1.193182 MHz clock, ports
 * 0x40-0x42 the counters and 0x43 the control word; channel 0's OUT is
 * interrupt line 0, channel 1 (the old DRAM refresh timer) drives
 * nothing, channel 2 drives the speaker. Channels 0 and 1 have GATE tied
 * high; channel 2's GATE is bit 0 of port 0x61 (NMI status and control),
 * which this model also holds, with channel 2's OUT at bit 5.
 *
 * Every mode (0 interrupt on terminal count, 1 hardware-retriggerable
 * one-shot, 2 rate generator, 3 square wave, 4 software- and 5
 * hardware-triggered strobe; 6 and 7 alias 2 and 3), binary and BCD
 * counting, LSB / MSB / LSB-then-MSB access, the counter-latch and
 * read-back commands, the status byte and null count.
 *
 * The model never ticks. Time is passed in: nanoseconds since any fixed
 * epoch, never going back. Clock edge k (k >= 1) lies at ceil(k * 1e9 /
 * PIT_HZ); a counter's count and OUT are computed from the edges since it
 * was last loaded, so they are the same whether the caller looks every
 * microsecond or once an hour.
 */
#ifndef VIREO_DEVICES_PIT8254_H
#define VIREO_DEVICES_PIT8254_H

#include "dev.h"
#include "port_bus.h"

#define PIT_HZ       1193182u /* the PC's 14.31818 MHz crystal / 12 */
#define PIT_PORT     0x40u    /* counters 0-2 at +0..+2, control word at +3 */
#define PIT_PORTS    4u
#define PIT_CHANNELS 3u
#define PIT_NO_EVENT (~0ull)
#define PIT_NMI_PORT 0x61u /* NMI status and control (one port) */
#define PIT_IRQ_LINE 0u

/* Control word (port 0x43). */
#define PIT_CW_SC_SHIFT 6 /* counter select; 3: read-back */
#define PIT_CW_RW_SHIFT 4 /* 0 latch, 1 LSB, 2 MSB, 3 LSB then MSB */
#define PIT_CW_M_SHIFT  1 /* mode */
#define PIT_CW_BCD      0x01u
#define PIT_SC_READBACK 3u
#define PIT_RW_LATCH    0u
#define PIT_RW_LSB      1u
#define PIT_RW_MSB      2u
#define PIT_RW_WORD     3u
/* Read-back command: bits 3:1 select counters 0-2; a clear bit latches. */
#define PIT_RB_NO_COUNT  0x20u
#define PIT_RB_NO_STATUS 0x10u
#define PIT_RB_CH(n)     (2u << (n))
/* Status byte: OUT, null count, then the control word's RW, mode and BCD. */
#define PIT_ST_OUT  0x80u
#define PIT_ST_NULL 0x40u

/* Port 0x61. Bits 0-3 are read back as written; 4, 5 (and 6, 7 read as
 * 0: no parity or channel-check errors) are status. */
#define PIT_NMI_GATE2    0x01u /* channel 2's GATE */
#define PIT_NMI_SPEAKER  0x02u /* speaker data enable (OUT2 to the speaker) */
#define PIT_NMI_WRITABLE 0x0fu /* with parity- and channel-check disable */
#define PIT_NMI_REFRESH  0x10u /* toggles at every DRAM refresh request */
#define PIT_NMI_OUT2     0x20u
#define PIT_REFRESH_CLKS 18u /* refresh every 18 PIT clocks (15.09 us), as the BIOS programs it */

/* One counting element's run from an anchor edge (internal). */
struct pit_seg {
    u64 anchor; /* the edge at which the counting element is loaded */
    u32 n;      /* modes 2, 3: the period in clocks (count 0 = 0x10000 or 10000) */
    u32 off;    /* modes 2, 3: clocks into the period at the anchor */
};

struct pit_channel {
    u8 mode, rw; /* mode 0-5; rw PIT_RW_* */
    bool bcd;
    bool gate;
    u16 cr;          /* the count register as written (raw, BCD or binary) */
    bool have_count; /* a count was written since the control word */
    bool write_msb;  /* LSB-then-MSB: the next write is the MSB */
    bool read_msb;   /* LSB-then-MSB: the next read is the MSB */
    u8 write_lsb;    /* the LSB written, waiting for the MSB */
    bool latched;    /* count latch: latch holds the count */
    bool status_latched;
    u16 latch;
    u8 status;
    /* Counting: waiting (out_before, ce_before hold), or counting from
     * seg; before seg.anchor the values are out_before and ce_before. */
    bool counting;
    bool run; /* modes 0, 4: edges after the anchor count (GATE high) */
    u32 v0;   /* modes 0, 1, 4, 5: the counting element at the anchor */
    u32 tc;   /* modes 0, 1, 4, 5: edges from the anchor to terminal count, ~0 once past */
    bool out_before;
    u32 ce_before;
    struct pit_seg seg;
    bool pending; /* modes 2, 3: a new count loads at pend.anchor */
    struct pit_seg pend;
    u64 null_until; /* null count reads 1 below this edge */
};

/* The time base for the port_bus callbacks: nanoseconds, never going back. */
typedef u64 (*pit_clock_fn)(void *ctx);

struct pit {
    struct pit_channel ch[PIT_CHANNELS];
    u8 nmi_ctl;    /* port 0x61 bits 0-3 */
    u64 irq_edges; /* channel 0's OUT has been brought up to this edge */
    struct dev_line irq;
    pit_clock_fn clock;
    void *clock_ctx;
};

/* Power-on state: every channel in mode 0 waiting for a count (OUT low),
 * port 0x61 zero (channel 2 gated off), IRQ0 low; now is the present. */
void pit_init(struct pit *p, const struct dev_sink *sink, u16 line, pit_clock_fn clock,
              void *clock_ctx, u64 now);

/* Port access at time now: offset 0-2 counters, 3 control word (byte). */
u8 pit_read(struct pit *p, u16 offset, u64 now);
void pit_write(struct pit *p, u16 offset, u8 value, u64 now);
/* Port 0x61 at time now. */
u8 pit_nmi_read(struct pit *p, u64 now);
void pit_nmi_write(struct pit *p, u8 value, u64 now);

/* port_bus ranges (times from the clock): 0x40-0x43 and 0x61. */
struct port_range pit_port_range(struct pit *p, u16 base);
struct port_range pit_nmi_port_range(struct pit *p, u16 base);

/* Brings IRQ0 up to now: every rising edge of channel 0's OUT since the
 * last update is a low-to-high change of the line (an edge-triggered
 * PIC sees one edge per update, however many it missed); the line is
 * left at OUT's level at now. */
void pit_update(struct pit *p, u64 now);
/* The first time after now at which channel 0's OUT rises (an interrupt
 * is due: call pit_update then), or PIT_NO_EVENT. */
u64 pit_next_event(const struct pit *p, u64 now);
/* The first time after now at which channel ch's OUT changes, or
 * PIT_NO_EVENT. */
u64 pit_next_change(const struct pit *p, unsigned ch, u64 now);

/* Channel ch's OUT level and counting element (0-0xffff, BCD when the
 * channel counts in BCD) at now, without side effects (for tests and the
 * glue). */
bool pit_out(const struct pit *p, unsigned ch, u64 now);
u16 pit_count(const struct pit *p, unsigned ch, u64 now);

/* PIT clock edges up to now, and the time of edge k. */
u64 pit_edges(u64 now);
u64 pit_edge_time(u64 k);

#endif
