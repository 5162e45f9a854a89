/* The PC's 8254 interval timer and port 0x61 (pit8254.h). */
#include <string.h>

#include "pit8254.h"

#define NS_PER_S     1000000000ull
#define NEVER        (~0ull)
#define TC_PASSED    (~0u) /* modes 0, 1, 4, 5: terminal count already passed */
#define BIN_MODULUS  0x10000u
#define BCD_MODULUS  10000u
#define SEARCH_STEPS 16 /* candidate edges next_change tries (each is a real transition) */

/* ---- the clock ---- */

u64 pit_edges(u64 now)
{
    return now / NS_PER_S * PIT_HZ + now % NS_PER_S * PIT_HZ / NS_PER_S;
}

u64 pit_edge_time(u64 k)
{
    if (k == NEVER)
        return PIT_NO_EVENT;
    return k / PIT_HZ * NS_PER_S + (k % PIT_HZ * NS_PER_S + PIT_HZ - 1) / PIT_HZ;
}

/* ---- counts ---- */

static u32 modulus(const struct pit_channel *c)
{
    return c->bcd ? BCD_MODULUS : BIN_MODULUS;
}

/* The count register as a number; 0 means the full modulus. */
static u32 initial_count(const struct pit_channel *c)
{
    u32 v = c->cr;
    if (c->bcd) /* digits above 9 (undefined on the chip) weigh 10-15 */
        v = (v >> 12 & 15) * 1000 + (v >> 8 & 15) * 100 + (v >> 4 & 15) * 10 + (v & 15);
    v %= modulus(c);
    return v ? v : modulus(c);
}

static u16 to_register(const struct pit_channel *c, u32 v)
{
    v %= modulus(c);
    if (!c->bcd)
        return (u16)v;
    return (u16)((v / 1000) << 12 | (v / 100 % 10) << 8 | (v / 10 % 10) << 4 | v % 10);
}

static bool periodic(const struct pit_channel *c)
{
    return c->mode == 2 || c->mode == 3;
}

static bool strobe(const struct pit_channel *c)
{
    return c->mode == 4 || c->mode == 5;
}

/* Modes 0 and 4 count only while GATE is high; 1 and 5 are triggered
 * by its rising edge; 2 and 3 stop while it is low and restart on it. */
static bool gate_pauses(const struct pit_channel *c)
{
    return c->mode == 0 || c->mode == 4;
}

static const struct pit_seg *seg_at(const struct pit_channel *c, u64 e)
{
    return c->pending && e >= c->pend.anchor ? &c->pend : &c->seg;
}

/* Modes 2, 3: clocks into the period at edge e (>= the segment's anchor). */
static u32 phase(const struct pit_seg *s, u64 e)
{
    return (u32)((e - s->anchor + s->off) % s->n);
}

static u32 high_half(u32 n)
{
    return (n + 1) / 2;
}

/* Edges counted since the anchor (0 while paused). */
static u64 counted(const struct pit_channel *c, u64 e)
{
    return c->run ? e - c->seg.anchor : 0;
}

static bool out_at(const struct pit_channel *c, u64 e)
{
    if (!c->counting)
        return c->out_before;
    const struct pit_seg *s = seg_at(c, e);
    if (e < s->anchor)
        return c->out_before;
    if (periodic(c)) {
        u32 p = phase(s, e);
        return c->mode == 2 ? p != s->n - 1 : p < high_half(s->n);
    }
    u64 j = counted(c, e);
    if (strobe(c))
        return c->tc == TC_PASSED || j != c->tc;
    return c->tc == TC_PASSED || j >= c->tc; /* modes 0, 1: low until terminal count */
}

/* The counting element at edge e, as a number below the modulus (the
 * full count reads 0). */
static u32 ce_at(const struct pit_channel *c, u64 e)
{
    if (!c->counting)
        return c->ce_before;
    const struct pit_seg *s = seg_at(c, e);
    if (e < s->anchor)
        return c->ce_before;
    u32 m = modulus(c);
    if (!periodic(c))
        return (u32)((c->v0 + m - counted(c, e) % m) % m);
    u32 p = phase(s, e), n = s->n;
    if (c->mode == 2)
        return (n - p) % m;
    /* Mode 3 counts down by two each half. An odd count loads N, takes
     * one off on the next clock in the high half and three in the low
     * half, so the halves last (N + 1) / 2 and (N - 1) / 2 clocks. */
    u32 h = high_half(n), i = p < h ? p : p - h;
    if (!(n & 1))
        return (n - 2 * i) % m;
    if (i == 0)
        return n % m;
    return (p < h ? n + 1 - 2 * i : n - 1 - 2 * i) % m;
}

/* The next edge after e at which out_at's formula may change. */
static u64 candidate(const struct pit_channel *c, u64 e)
{
    if (!c->counting)
        return NEVER;
    u64 best = NEVER;
    if (c->pending && c->pend.anchor > e)
        best = c->pend.anchor;
    const struct pit_seg *s = seg_at(c, e);
    if (e < s->anchor)
        return s->anchor < best ? s->anchor : best;
    u64 next = NEVER;
    if (periodic(c)) {
        u32 p = phase(s, e), n = s->n, up = n, down = c->mode == 2 ? n - 1 : high_half(n);
        if (n > 1) {
            u32 to_up = (up - p) % n, to_down = (down + n - p) % n;
            u32 d = to_up ? to_up : n;
            if (to_down && to_down < d)
                d = to_down;
            next = e + d;
        }
    } else if (c->run && c->tc != TC_PASSED) {
        u64 tc = s->anchor + c->tc;
        if (tc > e)
            next = tc;
        else if (strobe(c) && tc + 1 > e)
            next = tc + 1;
    }
    return next < best ? next : best;
}

static u64 next_change(const struct pit_channel *c, u64 e)
{
    bool level = out_at(c, e);
    for (int i = 0; i < SEARCH_STEPS; i++) {
        e = candidate(c, e);
        if (e == NEVER || out_at(c, e) != level)
            return e;
    }
    return NEVER;
}

static u64 next_rise(const struct pit_channel *c, u64 e)
{
    u64 k = next_change(c, e);
    if (k != NEVER && !out_at(c, k))
        k = next_change(c, k);
    return k;
}

/* ---- state changes (at edge e, the present) ---- */

/* Folds a pending mode 2/3 count that has taken over into seg. */
static void settle(struct pit_channel *c, u64 e)
{
    if (c->pending && e >= c->pend.anchor) {
        c->seg = c->pend;
        c->pending = false;
    }
}

/* Stops counting at e, holding the present count and OUT (or out). */
static void hold(struct pit_channel *c, u64 e, bool out)
{
    c->ce_before = ce_at(c, e);
    c->out_before = out;
    c->counting = c->pending = false;
}

/* The counting element loads the count register at edge e + 1 (the next
 * clock), as a write, a trigger or a gate restart does. */
static void load(struct pit_channel *c, u64 e)
{
    c->ce_before = ce_at(c, e);
    c->out_before = out_at(c, e); /* until the load; mode 1's OUT falls at it */
    c->counting = true;
    c->pending = false;
    c->run = !gate_pauses(c) || c->gate;
    c->seg = (struct pit_seg){.anchor = e + 1, .n = initial_count(c), .off = 0};
    c->v0 = initial_count(c) % modulus(c);
    c->tc = initial_count(c);
    c->null_until = e + 1;
}

/* Modes 0, 4: GATE fell at e: the count pauses where it is. */
static void pause(struct pit_channel *c, u64 e)
{
    if (!c->counting || !c->run)
        return;
    if (e < c->seg.anchor) { /* GATE fell before the load: the count loads and holds */
        c->run = false;
        return;
    }
    u64 j = e - c->seg.anchor;
    u32 m = modulus(c);
    c->v0 = (u32)((c->v0 + m - j % m) % m);
    if (c->tc != TC_PASSED)
        c->tc = j > c->tc ? TC_PASSED : c->tc - (u32)j;
    c->seg.anchor = e;
    c->run = false;
}

static void resume(struct pit_channel *c, u64 e)
{
    if (c->counting && !c->run && e > c->seg.anchor)
        c->seg.anchor = e;
    c->run = true;
}

/* Modes 2, 3 while counting: a new count does not disturb the present
 * cycle; mode 2 takes it at the end of the period, mode 3 at the end of
 * the half-cycle. */
static void next_count(struct pit_channel *c, u64 e)
{
    settle(c, e);
    const struct pit_seg *s = &c->seg;
    u32 n2 = initial_count(c);
    if (e < s->anchor) { /* not yet loaded: the new count loads instead */
        c->seg.n = n2;
        c->seg.off = 0;
        c->null_until = s->anchor;
        return;
    }
    u32 n = s->n, p = phase(s, e), h = high_half(n);
    struct pit_seg next = {.anchor = e + (n - p), .n = n2, .off = 0};
    if (c->mode == 3 && p < h) {
        next.anchor = e + (h - p);
        next.off = high_half(n2);
    }
    c->pend = next;
    c->pending = true;
    c->null_until = next.anchor;
}

/* A count was written at e (the LSB-then-MSB count complete). */
static void count_written(struct pit_channel *c, u64 e)
{
    c->have_count = true;
    c->null_until = NEVER;
    switch (c->mode) {
    case 0:
    case 4:
        load(c, e);
        if (c->mode == 0)
            c->out_before = false; /* OUT stays low until the new terminal count */
        break;
    case 1:
    case 5:
        break; /* loads at the next trigger */
    default:
        if (!c->gate)
            break; /* loads when GATE rises */
        if (!c->counting) {
            load(c, e);
            break;
        }
        next_count(c, e);
    }
}

static void gate_changed(struct pit_channel *c, bool gate, u64 e)
{
    if (gate == c->gate)
        return;
    settle(c, e);
    c->gate = gate;
    if (gate_pauses(c)) {
        if (gate)
            resume(c, e);
        else
            pause(c, e);
    } else if (gate && c->have_count) {
        load(c, e); /* 1, 5: trigger; 2, 3: restart */
    } else if (!gate && periodic(c) && c->counting) {
        hold(c, e, true); /* OUT goes high at once; counting stops */
    }
}

/* ---- IRQ0 ---- */

static void irq_to(struct pit *p, u64 e)
{
    if (e <= p->irq_edges)
        return;
    const struct pit_channel *c = &p->ch[0];
    if (next_rise(c, p->irq_edges) <= e) {
        if (p->irq.level)
            dev_line_set(&p->irq, false);
        dev_line_set(&p->irq, true);
    }
    dev_line_set(&p->irq, out_at(c, e));
    p->irq_edges = e;
}

void pit_update(struct pit *p, u64 now)
{
    irq_to(p, pit_edges(now));
}

u64 pit_next_event(const struct pit *p, u64 now)
{
    return pit_edge_time(next_rise(&p->ch[0], pit_edges(now)));
}

u64 pit_next_change(const struct pit *p, unsigned ch, u64 now)
{
    if (ch >= PIT_CHANNELS)
        return PIT_NO_EVENT;
    return pit_edge_time(next_change(&p->ch[ch], pit_edges(now)));
}

bool pit_out(const struct pit *p, unsigned ch, u64 now)
{
    return ch < PIT_CHANNELS && out_at(&p->ch[ch], pit_edges(now));
}

u16 pit_count(const struct pit *p, unsigned ch, u64 now)
{
    if (ch >= PIT_CHANNELS)
        return 0;
    const struct pit_channel *c = &p->ch[ch];
    return to_register(c, ce_at(c, pit_edges(now)));
}

/* ---- registers ---- */

void pit_init(struct pit *p, const struct dev_sink *sink, u16 line, pit_clock_fn clock,
              void *clock_ctx, u64 now)
{
    memset(p, 0, sizeof(*p));
    for (unsigned i = 0; i < PIT_CHANNELS; i++) {
        p->ch[i].rw = PIT_RW_WORD;
        p->ch[i].gate = i != 2; /* 0, 1 tied high; 2 from port 0x61 */
        p->ch[i].null_until = NEVER;
    }
    p->irq_edges = pit_edges(now);
    p->clock = clock;
    p->clock_ctx = clock_ctx;
    dev_line_init(&p->irq, sink, line);
}

static u8 status_of(const struct pit_channel *c, u64 e)
{
    return (u8)((out_at(c, e) ? PIT_ST_OUT : 0) | (e < c->null_until ? PIT_ST_NULL : 0) |
                c->rw << PIT_CW_RW_SHIFT | c->mode << PIT_CW_M_SHIFT | (c->bcd ? PIT_CW_BCD : 0));
}

static void latch_count(struct pit_channel *c, u64 e)
{
    if (c->latched)
        return; /* the first latch holds until it is read */
    c->latch = to_register(c, ce_at(c, e));
    c->latched = true;
}

static void control_word(struct pit *p, u8 v, u64 e)
{
    unsigned sc = v >> PIT_CW_SC_SHIFT, rw = v >> PIT_CW_RW_SHIFT & 3;
    if (sc == PIT_SC_READBACK) {
        for (unsigned i = 0; i < PIT_CHANNELS; i++) {
            struct pit_channel *c = &p->ch[i];
            if (!(v & PIT_RB_CH(i)))
                continue;
            settle(c, e);
            if (!(v & PIT_RB_NO_COUNT))
                latch_count(c, e);
            if (!(v & PIT_RB_NO_STATUS) && !c->status_latched) {
                c->status = status_of(c, e);
                c->status_latched = true;
            }
        }
        return;
    }
    struct pit_channel *c = &p->ch[sc];
    settle(c, e);
    if (rw == PIT_RW_LATCH) {
        latch_count(c, e);
        return;
    }
    c->rw = (u8)rw;
    c->mode = (u8)(v >> PIT_CW_M_SHIFT & 7);
    if (c->mode >= 6)
        c->mode -= 4; /* 6, 7: modes 2, 3 */
    c->bcd = v & PIT_CW_BCD;
    c->write_msb = c->read_msb = c->latched = c->status_latched = false;
    c->have_count = false;
    /* The counter waits for a count; OUT: low in mode 0, high in the others. */
    hold(c, e, c->mode != 0);
    c->null_until = NEVER;
}

static void write_counter(struct pit_channel *c, u8 v, u64 e)
{
    settle(c, e);
    switch (c->rw) {
    case PIT_RW_LSB:
        c->cr = v;
        break;
    case PIT_RW_MSB:
        c->cr = (u16)(v << 8);
        break;
    default:
        if (!c->write_msb) {
            c->write_lsb = v;
            c->write_msb = true;
            if (c->mode == 0 && c->counting)
                hold(c, e, false); /* the first byte stops the count; OUT low at once */
            return;
        }
        c->write_msb = false;
        c->cr = (u16)(c->write_lsb | v << 8);
    }
    count_written(c, e);
}

static u8 read_counter(struct pit_channel *c, u64 e)
{
    settle(c, e);
    if (c->status_latched) {
        c->status_latched = false;
        return c->status;
    }
    u16 v = c->latched ? c->latch : to_register(c, ce_at(c, e));
    bool msb;
    if (c->rw == PIT_RW_WORD) {
        msb = c->read_msb;
        c->read_msb = !c->read_msb;
        if (msb)
            c->latched = false;
    } else {
        msb = c->rw == PIT_RW_MSB;
        c->latched = false;
    }
    return (u8)(msb ? v >> 8 : v);
}

u8 pit_read(struct pit *p, u16 offset, u64 now)
{
    u64 e = pit_edges(now);
    irq_to(p, e);
    if (offset >= PIT_CHANNELS)
        return 0xff; /* the control word is write-only */
    return read_counter(&p->ch[offset], e);
}

void pit_write(struct pit *p, u16 offset, u8 value, u64 now)
{
    u64 e = pit_edges(now);
    irq_to(p, e);
    if (offset >= PIT_PORTS)
        return;
    if (offset == PIT_CHANNELS)
        control_word(p, value, e);
    else
        write_counter(&p->ch[offset], value, e);
    dev_line_set(&p->irq, out_at(&p->ch[0], e)); /* e.g. mode 0's OUT falls at once */
}

u8 pit_nmi_read(struct pit *p, u64 now)
{
    u64 e = pit_edges(now);
    return (u8)(p->nmi_ctl | (e / PIT_REFRESH_CLKS & 1 ? PIT_NMI_REFRESH : 0) |
                (out_at(&p->ch[2], e) ? PIT_NMI_OUT2 : 0));
}

void pit_nmi_write(struct pit *p, u8 value, u64 now)
{
    p->nmi_ctl = value & PIT_NMI_WRITABLE;
    gate_changed(&p->ch[2], value & PIT_NMI_GATE2, pit_edges(now));
}

/* ---- port_bus glue ---- */

static u64 clock_now(const struct pit *p)
{
    return p->clock ? p->clock(p->clock_ctx) : 0;
}

static u32 port_read(void *dev, u16 offset, unsigned size)
{
    (void)size;
    return pit_read(dev, offset, clock_now(dev));
}

static void port_write(void *dev, u16 offset, unsigned size, u32 value)
{
    (void)size;
    pit_write(dev, offset, (u8)value, clock_now(dev));
}

static u32 nmi_read(void *dev, u16 offset, unsigned size)
{
    (void)offset, (void)size;
    return pit_nmi_read(dev, clock_now(dev));
}

static void nmi_write(void *dev, u16 offset, unsigned size, u32 value)
{
    (void)offset, (void)size;
    pit_nmi_write(dev, (u8)value, clock_now(dev));
}

struct port_range pit_port_range(struct pit *p, u16 base)
{
    return (struct port_range){.base = base,
                               .count = PIT_PORTS,
                               .sizes = PORT_SIZE_1,
                               .read = port_read,
                               .write = port_write,
                               .dev = p,
                               .name = "pit"};
}

struct port_range pit_nmi_port_range(struct pit *p, u16 base)
{
    return (struct port_range){.base = base,
                               .count = 1,
                               .sizes = PORT_SIZE_1,
                               .read = nmi_read,
                               .write = nmi_write,
                               .dev = p,
                               .name = "port61"};
}
