/* Host tests of the 8254 interval timer and port 0x61 model
 * (servers/devices/pit8254.c), at explicit times: at(k) is the time of
 * PIT clock edge k. */
#include "check.h"
#include "pit8254.h"
#include "recorder.h"

#define NS 1000000000ull

static struct recorder rec;
static struct pit pit;

static u64 at(u64 k)
{
    return pit_edge_time(k);
}

static void reset(void)
{
    recorder_init(&rec);
    pit_init(&pit, &rec.sink, PIT_IRQ_LINE, 0, 0, 0);
}

static void cw(u8 v, u64 k)
{
    pit_write(&pit, 3, v, at(k));
}

static void wr(unsigned ch, u8 v, u64 k)
{
    pit_write(&pit, (u16)ch, v, at(k));
}

static void wr16(unsigned ch, u16 v, u64 k)
{
    wr(ch, (u8)v, k);
    wr(ch, (u8)(v >> 8), k);
}

static u8 rd(unsigned ch, u64 k)
{
    return pit_read(&pit, (u16)ch, at(k));
}

static u16 rd16(unsigned ch, u64 k)
{
    u8 lo = rd(ch, k);
    return (u16)(lo | rd(ch, k) << 8);
}

static u16 cnt(unsigned ch, u64 k)
{
    return pit_count(&pit, ch, at(k));
}

static bool out(unsigned ch, u64 k)
{
    return pit_out(&pit, ch, at(k));
}

static void gate2(bool on, u64 k)
{
    pit_nmi_write(&pit, on ? PIT_NMI_GATE2 : 0, at(k));
}

/* control words: channel, LSB-then-MSB, mode, binary */
#define CW(ch, mode) ((u8)((ch) << PIT_CW_SC_SHIFT | PIT_RW_WORD << PIT_CW_RW_SHIFT | (mode) << 1))

static void test_clock(void)
{
    CHECK_EQ_U64(pit_edges(NS), PIT_HZ);
    CHECK_EQ_U64(pit_edge_time(PIT_HZ), NS);
    CHECK_EQ_U64(pit_edges(0), 0);
    CHECK_EQ_U64(pit_edge_time(1), 839); /* 838.096 ns, rounded up */
    static const u64 ks[] = {1, 2, 3, 1000, 65536, 1193181, 1193183, 123456789, 1ull << 40};
    for (unsigned i = 0; i < sizeof(ks) / sizeof(ks[0]); i++) {
        CHECK_EQ_U64(pit_edges(at(ks[i])), ks[i]);
        CHECK_EQ_U64(pit_edges(at(ks[i]) - 1), ks[i] - 1);
    }
    CHECK_EQ_U64(pit_edge_time(~0ull), PIT_NO_EVENT);
}

static void test_mode0(void)
{
    reset();
    cw(CW(0, 0), 100);
    CHECK(!out(0, 100));
    wr16(0, 10, 100); /* loads at edge 101, terminal count 10 clocks on */
    CHECK(pit.ch[0].counting);
    for (u64 j = 0; j < 10; j++) {
        CHECK_EQ_U64(cnt(0, 101 + j), 10 - j);
        CHECK(!out(0, 101 + j));
    }
    CHECK_EQ_U64(cnt(0, 111), 0);
    CHECK(out(0, 111));
    CHECK_EQ_U64(cnt(0, 112), 0xffff); /* the count goes on past 0 */
    CHECK(out(0, 112));
    CHECK(out(0, 111 + 70000)); /* and OUT stays high */
    CHECK_EQ_U64(pit_next_event(&pit, at(100)), at(111));
    CHECK_EQ_U64(pit_next_event(&pit, at(110)), at(111));
    CHECK_EQ_U64(pit_next_event(&pit, at(111) + 1), PIT_NO_EVENT);
    CHECK_EQ_U64(pit_next_change(&pit, 0, at(105)), at(111));
    /* IRQ0 follows OUT's rise */
    pit_update(&pit, at(110));
    CHECK(!pit.irq.level);
    unsigned before = rec.lines;
    pit_update(&pit, at(111));
    CHECK(pit.irq.level);
    CHECK_EQ_U64(rec.lines, before + 1);
    CHECK_EQ_U64(rec.line[rec.lines - 1], PIT_IRQ_LINE);
    CHECK(rec_level(&rec));
    /* a new count: OUT falls at once and rises at the new terminal count */
    wr16(0, 3, 200);
    CHECK(!out(0, 200));
    CHECK(!pit.irq.level);
    CHECK(!out(0, 203));
    CHECK(out(0, 204));
    /* the first byte of a two-byte count stops the count, OUT low */
    wr16(0, 100, 300);
    CHECK_EQ_U64(cnt(0, 310), 91);
    wr(0, 50, 310);
    CHECK(!out(0, 310));
    CHECK_EQ_U64(cnt(0, 400), 91); /* held */
    CHECK_EQ_U64(pit_next_change(&pit, 0, at(400)), PIT_NO_EVENT);
    wr(0, 0, 400); /* MSB: 50 loads at 401 */
    CHECK_EQ_U64(cnt(0, 401), 50);
    CHECK(!out(0, 450));
    CHECK(out(0, 451));
}

static void test_mode0_gate(void)
{
    reset();
    gate2(false, 0);
    cw(CW(2, 0), 200);
    wr16(2, 5, 200); /* loads at 201 and holds while GATE is low */
    CHECK(pit.ch[2].counting);
    CHECK_EQ_U64(cnt(2, 250), 5);
    CHECK(!out(2, 250));
    CHECK_EQ_U64(pit_next_change(&pit, 2, at(250)), PIT_NO_EVENT);
    gate2(true, 250);
    CHECK_EQ_U64(cnt(2, 251), 4);
    CHECK_EQ_U64(cnt(2, 253), 2);
    CHECK_EQ_U64(pit_next_change(&pit, 2, at(251)), at(255));
    gate2(false, 253);
    CHECK_EQ_U64(cnt(2, 260), 2);
    CHECK(!out(2, 300));
    gate2(true, 300);
    CHECK_EQ_U64(cnt(2, 301), 1);
    CHECK(!out(2, 301));
    CHECK_EQ_U64(cnt(2, 302), 0);
    CHECK(out(2, 302));
    CHECK(pit_nmi_read(&pit, at(302)) & PIT_NMI_OUT2);
    CHECK(!(pit_nmi_read(&pit, at(301)) & PIT_NMI_OUT2));
    /* GATE low before the load edge: the count loads and waits */
    cw(CW(2, 0), 400);
    wr16(2, 7, 400);
    gate2(false, 400);
    CHECK_EQ_U64(cnt(2, 420), 7);
    gate2(true, 420);
    CHECK_EQ_U64(cnt(2, 427), 0);
    CHECK(out(2, 427));
    CHECK(!out(2, 426));
    /* channel 2 is not the interrupt line */
    CHECK_EQ_U64(rec.lines, 0);
}

static void test_mode1(void)
{
    reset();
    cw(CW(2, 1), 10);
    CHECK(out(2, 10));
    wr16(2, 4, 10);
    CHECK(out(2, 200)); /* no trigger yet */
    CHECK_EQ_U64(pit_next_change(&pit, 2, at(200)), PIT_NO_EVENT);
    gate2(true, 300); /* trigger: loads at 301, OUT low for 4 clocks */
    CHECK(out(2, 300));
    for (u64 j = 0; j < 4; j++) {
        CHECK(!out(2, 301 + j));
        CHECK_EQ_U64(cnt(2, 301 + j), 4 - j);
    }
    CHECK(out(2, 305));
    CHECK_EQ_U64(cnt(2, 306), 0xffff);
    gate2(false, 310); /* GATE's level does not matter */
    CHECK(out(2, 320));
    /* retrigger during the pulse restarts it */
    gate2(true, 400);
    gate2(false, 401);
    CHECK(!out(2, 403));
    gate2(true, 403);
    CHECK(!out(2, 407));
    CHECK(out(2, 408));
    CHECK_EQ_U64(pit_next_change(&pit, 2, at(403)), at(408));
    /* a new count takes effect at the next trigger only */
    wr16(2, 10, 500);
    CHECK(out(2, 505));
    gate2(false, 505);
    gate2(true, 506);
    CHECK(!out(2, 516));
    CHECK(out(2, 517));
    /* channel 0's GATE is tied high: mode 1 never triggers there */
    cw(CW(0, 1), 600);
    wr16(0, 2, 600);
    CHECK(out(0, 700));
    CHECK_EQ_U64(pit_next_event(&pit, at(600)), PIT_NO_EVENT);
}

static void test_mode2(void)
{
    reset();
    cw(CW(0, 2), 1000);
    CHECK(out(0, 1000));
    wr16(0, 5, 1000); /* loads at 1001: 5 4 3 2 1 5 4 ..., OUT low at 1 */
    static const u16 seq[] = {5, 4, 3, 2, 1, 5, 4, 3, 2, 1, 5};
    for (u64 j = 0; j < sizeof(seq) / sizeof(seq[0]); j++) {
        CHECK_EQ_U64(cnt(0, 1001 + j), seq[j]);
        CHECK_EQ_U64(out(0, 1001 + j), seq[j] != 1);
    }
    CHECK_EQ_U64(pit_next_event(&pit, at(1001)), at(1006));
    CHECK_EQ_U64(pit_next_change(&pit, 0, at(1001)), at(1005));
    CHECK_EQ_U64(pit_next_event(&pit, at(1006)), at(1011));
    /* far on, the phase holds exactly */
    u64 far = 1001 + 5ull * 1000000;
    CHECK_EQ_U64(cnt(0, far), 5);
    CHECK_EQ_U64(pit_next_event(&pit, at(far) - 1), at(far));
    CHECK_EQ_U64(pit_next_event(&pit, at(far)), at(far + 5));
    /* a new count waits for the end of the period */
    wr16(0, 3, 1012); /* period from 1011: 5 4 [1012] 3 2 1 | 3 2 1 */
    CHECK_EQ_U64(cnt(0, 1015), 1);
    CHECK(!out(0, 1015));
    CHECK_EQ_U64(cnt(0, 1016), 3);
    CHECK_EQ_U64(cnt(0, 1018), 1);
    CHECK(!out(0, 1018));
    CHECK_EQ_U64(cnt(0, 1019), 3);
    CHECK(pit.ch[0].status_latched == false);
    CHECK_EQ_U64(pit_next_event(&pit, at(1012)), at(1016));
    CHECK_EQ_U64(pit_next_event(&pit, at(1016)), at(1019));
    /* count 0: a period of 0x10000 */
    cw(CW(0, 2), 2000);
    wr16(0, 0, 2000);
    CHECK_EQ_U64(cnt(0, 2001), 0);
    CHECK_EQ_U64(cnt(0, 2002), 0xffff);
    CHECK_EQ_U64(pit_next_event(&pit, at(2001)), at(2001 + 0x10000));
    /* mode 6 is mode 2 */
    cw((u8)(CW(0, 0) | 6 << 1), 3000);
    CHECK_EQ_U64(pit.ch[0].mode, 2);
}

/* The IRQ line: one rising edge per update, whatever was missed. */
static void test_irq_line(void)
{
    reset();
    cw(CW(0, 2), 0);
    wr16(0, 100, 0); /* loads at 1; OUT low at 100, 200, ...; rises at 101, 201, ... */
    pit_update(&pit, at(50));
    CHECK_EQ_U64(rec.lines, 1); /* OUT high since the control word */
    CHECK(pit.irq.level);
    pit_update(&pit, at(100));
    CHECK(!pit.irq.level);
    pit_update(&pit, at(101));
    CHECK(pit.irq.level);
    unsigned n = rec.lines;
    pit_update(&pit, at(150));
    CHECK_EQ_U64(rec.lines, n); /* nothing new */
    pit_update(&pit, at(1050)); /* nine rises missed: one low-high pulse */
    CHECK_EQ_U64(rec.lines, n + 2);
    CHECK_EQ_U64(rec.kind[n], VIREO_LINE_LOW);
    CHECK_EQ_U64(rec.kind[n + 1], VIREO_LINE_HIGH);
    CHECK_EQ_U64(pit_next_event(&pit, at(1050)), at(1101));
    /* polling at next_event: an edge each time */
    u64 t = at(1050);
    for (int i = 0; i < 20; i++) {
        t = pit_next_event(&pit, t);
        unsigned before = rec.lines;
        pit_update(&pit, t);
        CHECK(pit.irq.level);
        CHECK(rec.lines > before);
    }
    CHECK_EQ_U64(t, at(1101 + 19 * 100));
}

static void test_mode3(void)
{
    reset();
    /* even: 6 4 2 high, 6 4 2 low */
    cw(CW(0, 3), 10);
    wr16(0, 6, 10);
    static const u16 even[] = {6, 4, 2, 6, 4, 2, 6};
    static const bool even_out[] = {1, 1, 1, 0, 0, 0, 1};
    for (u64 j = 0; j < 7; j++) {
        CHECK_EQ_U64(cnt(0, 11 + j), even[j]);
        CHECK_EQ_U64(out(0, 11 + j), even_out[j]);
    }
    CHECK_EQ_U64(pit_next_change(&pit, 0, at(11)), at(14));
    CHECK_EQ_U64(pit_next_event(&pit, at(11)), at(17));
    /* odd: high (N + 1) / 2 clocks (5 4 2), low (N - 1) / 2 (5 2) */
    cw(CW(0, 3), 100);
    wr16(0, 5, 100);
    static const u16 odd[] = {5, 4, 2, 5, 2, 5, 4, 2, 5, 2};
    static const bool odd_out[] = {1, 1, 1, 0, 0, 1, 1, 1, 0, 0};
    for (u64 j = 0; j < 10; j++) {
        CHECK_EQ_U64(cnt(0, 101 + j), odd[j]);
        CHECK_EQ_U64(out(0, 101 + j), odd_out[j]);
    }
    CHECK_EQ_U64(pit_next_change(&pit, 0, at(101)), at(104));
    CHECK_EQ_U64(pit_next_change(&pit, 0, at(104)), at(106));
    /* 3: high 2, low 1 */
    cw(CW(0, 3), 200);
    wr16(0, 3, 200);
    CHECK(out(0, 201));
    CHECK(out(0, 202));
    CHECK(!out(0, 203));
    CHECK(out(0, 204));
    CHECK_EQ_U64(cnt(0, 201), 3);
    CHECK_EQ_U64(cnt(0, 202), 2);
    CHECK_EQ_U64(cnt(0, 203), 3);
    /* a new count loads at the end of the half-cycle */
    cw(CW(0, 3), 300);
    wr16(0, 8, 300); /* high 301-304, low 305-308 */
    wr16(0, 4, 302); /* the high half ends at 305: then the low half of 4 */
    CHECK(out(0, 304));
    CHECK_EQ_U64(cnt(0, 304), 2);
    CHECK(!out(0, 305));
    CHECK_EQ_U64(cnt(0, 305), 4);
    CHECK(!out(0, 306));
    CHECK(out(0, 307));
    CHECK(out(0, 308));
    CHECK(!out(0, 309));
    CHECK_EQ_U64(pit_next_event(&pit, at(302)), at(307));
    /* the PC's default: count 0 (65536), 18.2 Hz, a rise every 65536 clocks */
    cw(CW(0, 3), 1000);
    wr16(0, 0, 1000);
    CHECK_EQ_U64(pit_next_change(&pit, 0, at(1001)), at(1001 + 32768));
    CHECK_EQ_U64(pit_next_event(&pit, at(1001)), at(1001 + 65536));
    CHECK_EQ_U64(cnt(0, 1002), 0xfffe);
}

static void test_mode3_gate(void)
{
    reset();
    gate2(true, 0);
    cw(CW(2, 3), 10);
    wr16(2, 10, 10); /* high 11-15, low 16-20 */
    CHECK(!out(2, 17));
    gate2(false, 17); /* OUT high at once, counting stops */
    CHECK(out(2, 17));
    CHECK(out(2, 50));
    CHECK_EQ_U64(cnt(2, 50), cnt(2, 17));
    CHECK_EQ_U64(pit_next_change(&pit, 2, at(50)), PIT_NO_EVENT);
    gate2(true, 50); /* restarts: reloads at 51 */
    CHECK_EQ_U64(cnt(2, 51), 10);
    CHECK(out(2, 55));
    CHECK(!out(2, 56));
    CHECK(pit_nmi_read(&pit, at(55)) & PIT_NMI_OUT2);
    CHECK(!(pit_nmi_read(&pit, at(56)) & PIT_NMI_OUT2));
    /* a count written while GATE is low loads when it rises */
    gate2(false, 100);
    cw(CW(2, 2), 100);
    wr16(2, 4, 100);
    CHECK(out(2, 200));
    gate2(true, 200);
    CHECK_EQ_U64(cnt(2, 201), 4);
    CHECK(!out(2, 204));
    CHECK(out(2, 205));
}

static void test_mode4_5(void)
{
    reset();
    cw(CW(0, 4), 10);
    CHECK(out(0, 10));
    wr16(0, 3, 10); /* loads at 11; strobe low at 14 for one clock */
    CHECK(out(0, 13));
    CHECK(!out(0, 14));
    CHECK(out(0, 15));
    CHECK(out(0, 15 + 0x10000)); /* once: no strobe after the wrap */
    CHECK_EQ_U64(cnt(0, 14), 0);
    CHECK_EQ_U64(cnt(0, 15), 0xffff);
    CHECK_EQ_U64(pit_next_change(&pit, 0, at(11)), at(14));
    CHECK_EQ_U64(pit_next_event(&pit, at(11)), at(15));
    CHECK_EQ_U64(pit_next_event(&pit, at(15)), PIT_NO_EVENT);
    /* mode 4 on channel 2 pauses with GATE low */
    gate2(true, 100);
    cw(CW(2, 4), 100);
    wr16(2, 5, 100);   /* 101: 5 */
    gate2(false, 102); /* count 4 held */
    CHECK_EQ_U64(cnt(2, 150), 4);
    CHECK(out(2, 150));
    gate2(true, 150); /* 151: 3 ... 154: 0 */
    CHECK(out(2, 153));
    CHECK(!out(2, 154));
    CHECK(out(2, 155));
    /* mode 5: a GATE rising edge triggers; the strobe N clocks after the load */
    cw(CW(2, 5), 200);
    wr16(2, 2, 200);
    CHECK(out(2, 300));
    gate2(false, 300);
    gate2(true, 301); /* loads at 302; strobe at 304 */
    CHECK(out(2, 303));
    CHECK(!out(2, 304));
    CHECK(out(2, 305));
    gate2(false, 306);
    CHECK(out(2, 400));
    gate2(true, 400); /* retriggered */
    CHECK(!out(2, 403));
    CHECK(out(2, 404));
}

static void test_latch_readback(void)
{
    reset();
    cw(CW(0, 2), 0);
    wr16(0, 1000, 0);
    CHECK_EQ_U64(rd16(0, 101), 900); /* unlatched: live */
    cw(0x00, 101);                   /* latch channel 0 */
    cw(0x00, 150);                   /* ignored until read */
    CHECK_EQ_U64(rd(0, 200), 900 & 0xff);
    CHECK_EQ_U64(rd(0, 300), 900 >> 8);
    CHECK_EQ_U64(rd16(0, 301), 700);
    /* LSB then MSB of the live count at two times */
    CHECK_EQ_U64(rd(0, 0x100 + 1), (1000 - 0x100) & 0xff);
    CHECK_EQ_U64(rd(0, 0x200 + 1), (1000 - 0x200) >> 8);
    /* read-back: status of channel 0, mode 2, LSB-then-MSB, OUT high */
    cw(0xe2, 400); /* count not latched, status latched, channel 0 */
    CHECK_EQ_U64(rd(0, 500), PIT_ST_OUT | 0x30 | 2 << 1);
    CHECK_EQ_U64(rd16(0, 500), 501); /* then the live count */
    /* count and status: status first, then the count as latched */
    cw(0xc2, 600);
    CHECK_EQ_U64(rd(0, 700), PIT_ST_OUT | 0x30 | 2 << 1);
    CHECK_EQ_U64(rd16(0, 700), 401); /* as at 600 */
    /* null count: from the control word until the count loads */
    cw(CW(1, 0) | PIT_CW_BCD, 800);
    cw(0xe4, 800);                                             /* status of channel 1 */
    CHECK_EQ_U64(rd(1, 800), PIT_ST_NULL | 0x30 | PIT_CW_BCD); /* mode 0: OUT low */
    wr16(1, 0x0050, 800);
    cw(0xe4, 800);
    CHECK(rd(1, 800) & PIT_ST_NULL);
    cw(0xe4, 801);
    CHECK_EQ_U64(rd(1, 801), 0x30 | PIT_CW_BCD);
    cw(0xe4, 851);
    CHECK_EQ_U64(rd(1, 851), PIT_ST_OUT | 0x30 | PIT_CW_BCD);
    /* a second status latch before the read is ignored */
    cw(0xe4, 900);
    wr16(1, 0x0010, 900);
    cw(0xe4, 901);
    CHECK_EQ_U64(rd(1, 901), PIT_ST_OUT | 0x30 | PIT_CW_BCD); /* the first */
    /* read-back of several channels at once */
    cw(CW(2, 3), 1000);
    cw(0xc0 | PIT_RB_CH(1) | PIT_RB_CH(2), 1000);
    CHECK(pit.ch[1].latched && pit.ch[1].status_latched);
    CHECK(pit.ch[2].latched && pit.ch[2].status_latched);
    CHECK(!pit.ch[0].latched);
    CHECK_EQ_U64(rd(2, 1100), PIT_ST_OUT | PIT_ST_NULL | 0x30 | 3 << 1);
    /* mode 2/3 null count clears at the pending load */
    cw(CW(0, 2), 2000);
    wr16(0, 10, 2000);
    wr16(0, 20, 2005); /* loads at 2011 */
    cw(0xe2, 2010);
    CHECK(rd(0, 2010) & PIT_ST_NULL);
    cw(0xe2, 2011);
    CHECK(!(rd(0, 2011) & PIT_ST_NULL));
    /* the control word port reads as 0xff */
    CHECK_EQ_U64(pit_read(&pit, 3, at(2011)), 0xff);
}

static void test_bcd(void)
{
    reset();
    cw(CW(0, 0) | PIT_CW_BCD, 0);
    wr16(0, 0x0100, 0); /* 100 decimal */
    CHECK_EQ_U64(cnt(0, 1), 0x0100);
    CHECK_EQ_U64(cnt(0, 2), 0x0099);
    CHECK_EQ_U64(cnt(0, 90), 0x0011);
    CHECK(!out(0, 100));
    CHECK(out(0, 101));
    CHECK_EQ_U64(cnt(0, 102), 0x9999); /* wraps in decimal */
    /* count 0 is 10000 */
    cw(CW(0, 2) | PIT_CW_BCD, 200);
    wr16(0, 0, 200);
    CHECK_EQ_U64(cnt(0, 201), 0);
    CHECK_EQ_U64(cnt(0, 202), 0x9999);
    CHECK_EQ_U64(cnt(0, 201 + 1234), 0x8766);
    CHECK_EQ_U64(pit_next_event(&pit, at(201)), at(201 + 10000));
    /* BCD mode 3 */
    cw(CW(0, 3) | PIT_CW_BCD, 30000);
    wr16(0, 0x1000, 30000);
    CHECK_EQ_U64(cnt(0, 30002), 0x0998);
    CHECK_EQ_U64(pit_next_change(&pit, 0, at(30001)), at(30001 + 500));
}

static void test_access_modes(void)
{
    reset();
    /* LSB only */
    cw((u8)(0 << PIT_CW_SC_SHIFT | PIT_RW_LSB << PIT_CW_RW_SHIFT | 2 << 1), 0);
    wr(0, 0x20, 0);
    CHECK_EQ_U64(cnt(0, 1), 0x20);
    CHECK_EQ_U64(rd(0, 2), 0x1f);
    CHECK_EQ_U64(rd(0, 3), 0x1e); /* every read is the LSB */
    CHECK_EQ_U64(pit_next_event(&pit, at(1)), at(1 + 0x20));
    /* MSB only */
    cw((u8)(0 << PIT_CW_SC_SHIFT | PIT_RW_MSB << PIT_CW_RW_SHIFT | 2 << 1), 100);
    wr(0, 0x12, 100);
    CHECK_EQ_U64(cnt(0, 101), 0x1200);
    CHECK_EQ_U64(rd(0, 101 + 0x100), 0x11);
    CHECK_EQ_U64(rd(0, 101 + 0x100), 0x11);
    /* LSB then MSB: a count takes effect only with its MSB */
    cw(CW(0, 2), 10000);
    wr(0, 0x34, 10000);
    CHECK(!pit.ch[0].counting); /* mode 2 waits for the whole count */
    wr(0, 0x12, 10010);
    CHECK_EQ_U64(cnt(0, 10011), 0x1234);
    /* the read flip-flop: LSB, MSB, LSB, ... and the control word resets it */
    CHECK_EQ_U64(rd(0, 10011), 0x34);
    cw(CW(0, 2), 10020);
    wr16(0, 0x5678, 10020);
    CHECK_EQ_U64(rd(0, 10021), 0x78);
    CHECK_EQ_U64(rd(0, 10021), 0x56);
    /* a control word resets the write flip-flop: a lone LSB is dropped */
    wr(0, 0x99, 10030);
    cw(CW(0, 2), 10030);
    wr16(0, 0x0101, 10030);
    CHECK_EQ_U64(cnt(0, 10031), 0x0101);
    /* channel 1, independent */
    cw(CW(1, 2), 10030);
    wr16(1, 18, 10030);
    CHECK_EQ_U64(cnt(1, 10031), 18);
    CHECK_EQ_U64(cnt(0, 10032), 0x0100);
}

static void test_port61(void)
{
    reset();
    CHECK_EQ_U64(pit_nmi_read(&pit, 0) & 0xef, 0);
    pit_nmi_write(&pit, 0xff, 0);
    CHECK_EQ_U64(pit_nmi_read(&pit, at(0)) & 0xcf, 0x0f);
    CHECK(pit.ch[2].gate);
    pit_nmi_write(&pit, PIT_NMI_SPEAKER, 0);
    CHECK_EQ_U64(pit_nmi_read(&pit, at(1)) & PIT_NMI_WRITABLE, PIT_NMI_SPEAKER);
    CHECK(!pit.ch[2].gate);
    /* the refresh bit toggles every 18 clocks */
    CHECK(!(pit_nmi_read(&pit, at(17)) & PIT_NMI_REFRESH));
    CHECK(pit_nmi_read(&pit, at(18)) & PIT_NMI_REFRESH);
    CHECK(pit_nmi_read(&pit, at(35)) & PIT_NMI_REFRESH);
    CHECK(!(pit_nmi_read(&pit, at(36)) & PIT_NMI_REFRESH));
    /* OUT2 in bit 5: mode 0 low after the control word */
    cw(CW(2, 3), 100);
    CHECK(pit_nmi_read(&pit, at(100)) & PIT_NMI_OUT2);
    cw(CW(2, 0), 100);
    CHECK(!(pit_nmi_read(&pit, at(100)) & PIT_NMI_OUT2));
    /* port_bus ranges */
    struct port_range r = pit_port_range(&pit, PIT_PORT);
    CHECK_EQ_U64(r.base, 0x40);
    CHECK_EQ_U64(r.count, 4);
    struct port_range n = pit_nmi_port_range(&pit, PIT_NMI_PORT);
    CHECK_EQ_U64(n.base, 0x61);
    CHECK_EQ_U64(n.count, 1);
}

/* pit_next_change and pit_next_event against a clock-by-clock scan of
 * OUT, for every mode and a range of counts, with channel 2's gate
 * toggled and new counts written mid-run. */
static u64 scan_change(unsigned ch, u64 from, u64 to)
{
    bool level = out(ch, from);
    for (u64 k = from + 1; k <= to; k++)
        if (out(ch, k) != level)
            return at(k);
    return PIT_NO_EVENT;
}

static void check_against_scan(unsigned ch, u64 from, u64 to)
{
    for (u64 k = from; k < to; k++) {
        u64 want = scan_change(ch, k, to);
        u64 got = pit_next_change(&pit, ch, at(k));
        if (want != PIT_NO_EVENT || got <= at(to))
            CHECK_EQ_U64(got, want);
        if (ch == 0) {
            u64 rise = PIT_NO_EVENT;
            for (u64 j = k + 1; j <= to && rise == PIT_NO_EVENT; j++)
                if (out(0, j) && !out(0, j - 1))
                    rise = at(j);
            u64 ev = pit_next_event(&pit, at(k));
            if (rise != PIT_NO_EVENT || ev <= at(to))
                CHECK_EQ_U64(ev, rise);
        }
    }
}

static void test_against_scan(void)
{
    static const u16 counts[] = {2, 3, 4, 5, 6, 7, 9, 16, 17};
    for (u8 mode = 0; mode < 6; mode++) {
        for (unsigned i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
            u16 n = counts[i];
            reset();
            cw(CW(0, mode), 10);
            wr16(0, n, 10);
            check_against_scan(0, 10, 10 + 4 * n + 8);
            wr16(0, (u16)(n + 3), 12); /* a new count mid-run */
            check_against_scan(0, 12, 12 + 4 * n + 20);
            /* channel 2, with the gate toggled at odd times */
            gate2(true, 0);
            cw(CW(2, mode), 100);
            wr16(2, n, 100);
            gate2(false, 100 + n / 2 + 1);
            gate2(true, 100 + n + 3);
            check_against_scan(2, 100, 100 + 4 * n + 12);
            gate2(false, 200);
            gate2(true, 201);
            check_against_scan(2, 201, 201 + 4 * n + 12);
        }
    }
}

/* ---- Linux's calibrations, with a guest TSC at 2 GHz and ~1 us port
 * accesses, through the port bus ---- */

static u64 guest_ns;
static struct port_bus bus;

static u64 guest_clock(void *ctx)
{
    (void)ctx;
    return guest_ns;
}

static u8 inb(u16 port)
{
    guest_ns += 1000 + (guest_ns / 7 % 300); /* an I/O exit and a bit of jitter */
    return (u8)port_bus_read(&bus, port, 1, 0);
}

static void outb(u8 v, u16 port)
{
    guest_ns += 1000;
    port_bus_write(&bus, port, 1, v, 0);
}

static u64 rdtsc(void)
{
    return guest_ns * 2;
}

static bool verify_msb(u8 val)
{
    inb(0x42); /* LSB, ignored */
    return inb(0x42) == val;
}

/* Waits for the MSB to leave val; true when it did after a few reads. */
static bool expect_msb(u8 val, u64 *tsc)
{
    int count;
    for (count = 0; count < 50000; count++)
        if (!verify_msb(val))
            break;
    *tsc = rdtsc();
    return count > 5;
}

static void bus_setup(u64 t0)
{
    recorder_init(&rec);
    guest_ns = t0;
    pit_init(&pit, &rec.sink, PIT_IRQ_LINE, guest_clock, 0, guest_ns);
    port_bus_init(&bus);
    struct port_range r = pit_port_range(&pit, PIT_PORT);
    struct port_range n = pit_nmi_port_range(&pit, PIT_NMI_PORT);
    CHECK(port_bus_add(&bus, &r) == 0);
    CHECK(port_bus_add(&bus, &n) == 0);
}

static void test_linux_quick_calibrate(void)
{
    bus_setup(123456789);
    /* speaker off, channel 2's gate on; mode 0, LSB then MSB, 0xffff */
    outb((u8)((inb(0x61) & ~0x02) | 0x01), 0x61);
    outb(0xb0, 0x43);
    outb(0xff, 0x42);
    outb(0xff, 0x42);
    CHECK(verify_msb(0xff)); /* the count has just started */
    u64 tsc0, tsc;
    CHECK(expect_msb(0xff, &tsc0));
    unsigned i;
    for (i = 1; i <= 200; i++)
        CHECK(expect_msb((u8)(0xff - i), &tsc));
    CHECK(!(inb(0x61) & 0x20)); /* OUT2 still low: 0xffff clocks is 55 ms */
    i--;
    u64 khz = (tsc - tsc0) * PIT_HZ / (i * 256ull) / 1000;
    CHECK(khz > 1999000 && khz < 2001000);
}

static void test_linux_pit_calibrate(void)
{
    bus_setup(5 * NS);
    /* pit_calibrate_tsc: 10 ms in mode 0 on channel 2, polling 0x61 bit 5 */
    const u16 latch = PIT_HZ / 100;
    outb((u8)((inb(0x61) & ~0x02) | 0x01), 0x61);
    outb(0xb0, 0x43);
    outb((u8)latch, 0x42);
    u64 start = guest_ns;
    outb((u8)(latch >> 8), 0x42);
    u64 load = pit_edges(start) + 1;
    unsigned polls = 0;
    while (!(inb(0x61) & 0x20) && polls < 1000000)
        polls++;
    u64 rise = pit_edge_time(load + latch);
    CHECK(guest_ns >= rise);
    CHECK(guest_ns < rise + 2400); /* one poll late at most */
    CHECK(polls > 8000 && polls < 10000);
}

int main(void)
{
    test_clock();
    test_mode0();
    test_mode0_gate();
    test_mode1();
    test_mode2();
    test_irq_line();
    test_mode3();
    test_mode3_gate();
    test_mode4_5();
    test_latch_readback();
    test_bcd();
    test_access_modes();
    test_port61();
    test_against_scan();
    test_linux_quick_calibrate();
    test_linux_pit_calibrate();
    return check_report("devices_pit8254");
}
