/* Host tests of the UART 16550A model (servers/devices/uart16550.c). */
#include "check.h"
#include "recorder.h"
#include "uart16550.h"

#define IRQ 4

static struct recorder rec;
static struct uart16550 u;

static u8 rd(unsigned reg)
{
    return (u8)uart_read(&u, (u16)reg, 1);
}
static void wr(unsigned reg, u8 v)
{
    uart_write(&u, (u16)reg, 1, v);
}
static void reset(void)
{
    recorder_init(&rec);
    uart_init(&u, rec_tx, &rec, &rec.sink, IRQ);
}

static void test_reset_state(void)
{
    reset();
    CHECK_EQ_U64(rd(UART_IER_DLM), 0);
    CHECK_EQ_U64(rd(UART_IIR_FCR), UART_IIR_NONE);
    CHECK_EQ_U64(rd(UART_LCR), 0);
    CHECK_EQ_U64(rd(UART_MCR), 0);
    CHECK_EQ_U64(rd(UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
    CHECK_EQ_U64(rd(UART_MSR), UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD);
    CHECK_EQ_U64(rd(UART_SCR), 0);
    CHECK_EQ_U64(rec.lines, 0);
    CHECK_EQ_U64(uart_baud(&u), 9600);
    CHECK_EQ_U64(rd(UART_RBR_THR_DLL), 0); /* empty receiver reads 0 */
    CHECK_EQ_U64(rd(UART_LSR) & UART_LSR_DR, 0);
}

static void test_scratch_lcr_mcr(void)
{
    reset();
    wr(UART_SCR, 0x5a);
    CHECK_EQ_U64(rd(UART_SCR), 0x5a);
    wr(UART_LCR, 0x1b);
    CHECK_EQ_U64(rd(UART_LCR), 0x1b);
    wr(UART_MCR, 0xff);
    CHECK_EQ_U64(rd(UART_MCR), UART_MCR_MASK);
    wr(UART_MCR, 0);
    wr(UART_LSR, 0); /* ignored */
    wr(UART_MSR, 0); /* ignored */
    CHECK_EQ_U64(rd(UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
    wr(UART_IER_DLM, 0xff);
    CHECK_EQ_U64(rd(UART_IER_DLM), 0x0f); /* upper bits read 0 */
}

static void test_divisor_latch(void)
{
    reset();
    wr(UART_LCR, UART_LCR_DLAB | 0x03);
    wr(UART_RBR_THR_DLL, 0x01);
    wr(UART_IER_DLM, 0x00);
    CHECK_EQ_U64(uart_baud(&u), 115200);
    CHECK_EQ_U64(rd(UART_RBR_THR_DLL), 0x01);
    CHECK_EQ_U64(rd(UART_IER_DLM), 0x00);
    wr(UART_RBR_THR_DLL, 0x80);
    wr(UART_IER_DLM, 0x01);
    CHECK_EQ_U64(u.divisor, 0x180);
    CHECK_EQ_U64(uart_baud(&u), 300);
    CHECK_EQ_U64(rec.txn, 0); /* DLL writes are not output */
    CHECK_EQ_U64(u.ier, 0);   /* DLM writes do not touch IER */
    wr(UART_LCR, 0x03);
    wr(UART_RBR_THR_DLL, 'x');
    CHECK_EQ_U64(rec.txn, 1);
    CHECK_EQ_U64(rec.tx[0], 'x');
    CHECK_EQ_U64(rd(UART_IER_DLM), 0);
    wr(UART_LCR, UART_LCR_DLAB);
    wr(UART_RBR_THR_DLL, 0);
    wr(UART_IER_DLM, 0);
    CHECK_EQ_U64(uart_baud(&u), 0);
}

static void test_word_length(void)
{
    reset();
    static const u8 expect[4] = {0x1f, 0x3f, 0x7f, 0xff};
    for (unsigned wl = 0; wl < 4; wl++) {
        wr(UART_LCR, (u8)wl);
        CHECK_EQ_U64(uart_word_bits(&u), 5 + wl);
        wr(UART_RBR_THR_DLL, 0xff);
        CHECK_EQ_U64(rec.tx[rec.txn - 1], expect[wl]);
        /* input is cut to the word length too */
        uart_receive(&u, 0xff);
        CHECK_EQ_U64(rd(UART_RBR_THR_DLL), expect[wl]);
    }
}

static void test_transmit(void)
{
    reset();
    wr(UART_LCR, 0x03);
    const char *s = "PASS\n";
    for (const char *p = s; *p; p++) {
        CHECK(rd(UART_LSR) & UART_LSR_THRE);
        wr(UART_RBR_THR_DLL, (u8)*p);
    }
    CHECK_EQ_U64(rec.txn, 5);
    CHECK(memcmp(rec.tx, "PASS\n", 5) == 0);
    CHECK_EQ_U64(rd(UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
    CHECK_EQ_U64(rec.lines, 0); /* no interrupt enabled */
}

static void test_thre_interrupt(void)
{
    reset();
    wr(UART_MCR, UART_MCR_OUT2);
    wr(UART_IER_DLM, UART_IER_THRE); /* enabling raises THRE at once */
    CHECK(rec_level(&rec));
    CHECK_EQ_U64(rd(UART_IIR_FCR), UART_IIR_THRE); /* ... and reading IIR acknowledges it */
    CHECK(!rec_level(&rec));
    CHECK_EQ_U64(rd(UART_IIR_FCR), UART_IIR_NONE);
    wr(UART_RBR_THR_DLL, 'a'); /* THR empties again: a new THRE */
    CHECK(rec_level(&rec));
    CHECK_EQ_U64(rd(UART_IIR_FCR), UART_IIR_THRE);
    wr(UART_RBR_THR_DLL, 'b');
    wr(UART_IER_DLM, 0); /* disabling drops it */
    CHECK(!rec_level(&rec));
    CHECK_EQ_U64(rd(UART_IIR_FCR), UART_IIR_NONE);
    /* the line went high/low exactly at these points, all on IRQ 4 */
    CHECK_EQ_U64(rec.lines, 6);
    for (unsigned i = 0; i < rec.lines; i++)
        CHECK_EQ_U64(rec.line[i], IRQ);

    /* without OUT2 the interrupt is pending but the line stays low */
    reset();
    wr(UART_IER_DLM, UART_IER_THRE);
    CHECK_EQ_U64(rec.lines, 0);
    CHECK_EQ_U64(uart_iir_id(&u), UART_IIR_THRE);
    wr(UART_MCR, UART_MCR_OUT2);
    CHECK(rec_level(&rec));
    wr(UART_MCR, 0);
    CHECK(!rec_level(&rec));
}

static void test_receive_16450(void)
{
    reset();
    wr(UART_LCR, 0x03); /* 8N1: the reset word length is 5 bits */
    wr(UART_MCR, UART_MCR_OUT2);
    wr(UART_IER_DLM, UART_IER_RDA);
    CHECK_EQ_U64(uart_rx_space(&u), 1);
    CHECK(uart_receive(&u, 'a'));
    CHECK(rd(UART_LSR) & UART_LSR_DR);
    CHECK_EQ_U64(rd(UART_IIR_FCR), UART_IIR_RDA);
    CHECK(rec_level(&rec));
    CHECK_EQ_U64(rd(UART_RBR_THR_DLL), 'a');
    CHECK_EQ_U64(rd(UART_LSR) & UART_LSR_DR, 0);
    CHECK_EQ_U64(rd(UART_IIR_FCR), UART_IIR_NONE);
    CHECK(!rec_level(&rec));
    /* overrun without FIFO: the unread byte is lost to the new one */
    CHECK(uart_receive(&u, '1'));
    CHECK(!uart_receive(&u, '2'));
    u8 lsr = rd(UART_LSR);
    CHECK(lsr & UART_LSR_OE);
    CHECK(lsr & UART_LSR_DR);
    CHECK_EQ_U64(rd(UART_LSR) & UART_LSR_OE, 0); /* reading LSR clears OE */
    CHECK_EQ_U64(rd(UART_RBR_THR_DLL), '2');
}

static void test_fifo(void)
{
    reset();
    wr(UART_LCR, 0x03);
    wr(UART_MCR, UART_MCR_OUT2);
    wr(UART_IER_DLM, UART_IER_RDA);
    wr(UART_IIR_FCR, UART_FCR_ENABLE);
    CHECK_EQ_U64(rd(UART_IIR_FCR), UART_IIR_FIFO | UART_IIR_NONE);
    CHECK_EQ_U64(uart_rx_space(&u), 16);
    /* trigger level 1 */
    uart_receive(&u, 'x');
    CHECK_EQ_U64(rd(UART_IIR_FCR), UART_IIR_FIFO | UART_IIR_RDA);
    rd(UART_RBR_THR_DLL);
    /* trigger level 14: below it only the timeout interrupts */
    wr(UART_IIR_FCR, UART_FCR_ENABLE | 0xc0);
    for (unsigned i = 0; i < 13; i++)
        CHECK(uart_receive(&u, (u8)('a' + i)));
    CHECK_EQ_U64(uart_iir_id(&u), UART_IIR_NONE);
    CHECK(!rec_level(&rec));
    uart_rx_idle(&u);
    CHECK_EQ_U64(rd(UART_IIR_FCR), UART_IIR_FIFO | UART_IIR_TIMEOUT);
    CHECK(rec_level(&rec));
    CHECK_EQ_U64(rd(UART_RBR_THR_DLL), 'a'); /* reading RBR ends the timeout */
    CHECK_EQ_U64(uart_iir_id(&u), UART_IIR_NONE);
    CHECK(!rec_level(&rec));
    CHECK(uart_receive(&u, 'n'));
    CHECK(uart_receive(&u, 'o'));
    CHECK_EQ_U64(uart_iir_id(&u), UART_IIR_RDA); /* 14 bytes */
    rd(UART_RBR_THR_DLL);
    CHECK_EQ_U64(uart_iir_id(&u), UART_IIR_NONE); /* 13 again */
    /* fill to 16, then overrun keeps the FIFO and loses the new byte */
    CHECK(uart_receive(&u, 'p'));
    CHECK(uart_receive(&u, 'q'));
    CHECK(uart_receive(&u, 'r'));
    CHECK_EQ_U64(uart_rx_space(&u), 0);
    CHECK(!uart_receive(&u, 'z'));
    const char *want = "cdefghijklmnopqr";
    for (unsigned i = 0; i < 16; i++)
        CHECK_EQ_U64(rd(UART_RBR_THR_DLL), (u8)want[i]);
    CHECK_EQ_U64(rd(UART_LSR) & (UART_LSR_DR | UART_LSR_OE), UART_LSR_OE);
    /* the idle timeout needs waiting bytes */
    uart_rx_idle(&u);
    CHECK_EQ_U64(uart_iir_id(&u), UART_IIR_NONE);
}

static void test_fcr(void)
{
    reset();
    wr(UART_IIR_FCR, UART_FCR_ENABLE);
    uart_receive(&u, '1');
    uart_receive(&u, '2');
    wr(UART_IIR_FCR, UART_FCR_ENABLE | UART_FCR_CLEAR_RX | UART_FCR_CLEAR_TX);
    CHECK_EQ_U64(rd(UART_LSR) & UART_LSR_DR, 0);
    CHECK_EQ_U64(uart_rx_space(&u), 16);
    /* turning the FIFO off clears it and ignores the other bits */
    uart_receive(&u, '3');
    wr(UART_IIR_FCR, 0xc0);
    CHECK(!u.fifo_on);
    CHECK_EQ_U64(u.rx_count, 0);
    CHECK_EQ_U64(u.rx_trigger, 1);
    CHECK_EQ_U64(rd(UART_IIR_FCR), UART_IIR_NONE);
    /* trigger levels 1, 4, 8, 14 */
    static const u8 levels[4] = {1, 4, 8, 14};
    for (unsigned t = 0; t < 4; t++) {
        wr(UART_IIR_FCR, (u8)(UART_FCR_ENABLE | (t << 6)));
        CHECK_EQ_U64(u.rx_trigger, levels[t]);
    }
    /* writing the same enable keeps the data */
    uart_receive(&u, '4');
    wr(UART_IIR_FCR, UART_FCR_ENABLE);
    CHECK_EQ_U64(u.rx_count, 1);
}

static void test_line_status_interrupt(void)
{
    reset();
    wr(UART_MCR, UART_MCR_OUT2);
    wr(UART_IER_DLM, UART_IER_RLS | UART_IER_RDA | UART_IER_THRE | UART_IER_MS);
    uart_receive(&u, 'a');
    uart_receive(&u, 'b'); /* overrun (no FIFO) */
    uart_set_modem_inputs(&u, 0);
    /* priorities: line status, data, THRE, modem status */
    CHECK_EQ_U64(rd(UART_IIR_FCR), UART_IIR_RLS);
    rd(UART_LSR);
    CHECK_EQ_U64(rd(UART_IIR_FCR), UART_IIR_RDA);
    CHECK_EQ_U64(uart_iir_id(&u), UART_IIR_RDA); /* reading IIR did not clear THRE */
    rd(UART_RBR_THR_DLL);
    CHECK_EQ_U64(rd(UART_IIR_FCR), UART_IIR_THRE);
    CHECK_EQ_U64(rd(UART_IIR_FCR), UART_IIR_MS);
    CHECK(rec_level(&rec));
    CHECK_EQ_U64(rd(UART_MSR), UART_MSR_DCTS | UART_MSR_DDSR | UART_MSR_DDCD);
    CHECK_EQ_U64(rd(UART_IIR_FCR), UART_IIR_NONE);
    CHECK(!rec_level(&rec));
}

static void test_modem_inputs(void)
{
    reset();
    CHECK_EQ_U64(rd(UART_MSR), 0xb0);
    uart_set_modem_inputs(&u, UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD | UART_MSR_RI);
    CHECK_EQ_U64(rd(UART_MSR), 0xf0); /* RI rising: no delta */
    uart_set_modem_inputs(&u, UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD);
    CHECK_EQ_U64(rd(UART_MSR), 0xb0 | UART_MSR_TERI); /* trailing edge */
    CHECK_EQ_U64(rd(UART_MSR), 0xb0);
    uart_set_modem_inputs(&u, UART_MSR_DSR);
    CHECK_EQ_U64(rd(UART_MSR), UART_MSR_DSR | UART_MSR_DCTS | UART_MSR_DDCD);
    uart_set_modem_inputs(&u, 0xff); /* delta bits are not inputs */
    CHECK_EQ_U64(rd(UART_MSR) & 0xf0, 0xf0);
}

static void test_loopback(void)
{
    reset();
    wr(UART_LCR, 0x03);
    wr(UART_MCR, UART_MCR_LOOP);
    /* outputs are internal: none asserted, so CTS/DSR/DCD drop */
    CHECK_EQ_U64(rd(UART_MSR), UART_MSR_DCTS | UART_MSR_DDSR | UART_MSR_DDCD);
    wr(UART_RBR_THR_DLL, 0x55);
    CHECK_EQ_U64(rec.txn, 0);
    CHECK(rd(UART_LSR) & UART_LSR_DR);
    CHECK_EQ_U64(rd(UART_RBR_THR_DLL), 0x55);
    wr(UART_MCR, UART_MCR_LOOP | UART_MCR_RTS);
    CHECK_EQ_U64(rd(UART_MSR), UART_MSR_CTS | UART_MSR_DCTS);
    wr(UART_MCR, UART_MCR_LOOP | UART_MCR_RTS | UART_MCR_DTR | UART_MCR_OUT1 | UART_MCR_OUT2);
    CHECK_EQ_U64(rd(UART_MSR), 0xf0 | UART_MSR_DDSR | UART_MSR_DDCD);
    wr(UART_MCR, UART_MCR_LOOP | UART_MCR_RTS | UART_MCR_DTR | UART_MCR_OUT2);
    CHECK_EQ_U64(rd(UART_MSR), 0xb0 | UART_MSR_TERI);
    /* modem-status interrupt from loopback changes */
    wr(UART_IER_DLM, UART_IER_MS);
    wr(UART_MCR, UART_MCR_LOOP | UART_MCR_DTR | UART_MCR_OUT2);
    CHECK_EQ_U64(rd(UART_IIR_FCR), UART_IIR_MS);
    CHECK(rec_level(&rec));
    rd(UART_MSR);
    CHECK(!rec_level(&rec));
    /* external inputs do not show while looped back, but return after */
    uart_set_modem_inputs(&u, 0);
    CHECK_EQ_U64(rd(UART_MSR), UART_MSR_DSR | UART_MSR_DCD);
    wr(UART_MCR, 0);
    CHECK_EQ_U64(rd(UART_MSR), UART_MSR_DDSR | UART_MSR_DDCD);
    wr(UART_RBR_THR_DLL, 0x66);
    CHECK_EQ_U64(rec.txn, 1);
}

static void test_port_bus(void)
{
    reset();
    wr(UART_LCR, 0x03);
    struct port_bus bus;
    port_bus_init(&bus);
    struct port_range r = uart_port_range(&u, 0x3f8);
    CHECK_EQ_U64(port_bus_add(&bus, &r), 0);
    bool claimed = false;
    CHECK_EQ_U64(port_bus_read(&bus, 0x3fd, 1, &claimed), 0x60);
    CHECK(claimed);
    port_bus_write(&bus, 0x3ff, 1, 0x42, 0);
    CHECK_EQ_U64(rd(UART_SCR), 0x42);
    /* a 16-bit write is two byte writes: THR then IER */
    port_bus_write(&bus, 0x3f8, 2, 0x0241, 0);
    CHECK_EQ_U64(rec.tx[0], 0x41);
    CHECK_EQ_U64(u.ier, 0x02);
    CHECK_EQ_U64(port_bus_read(&bus, 0x3fe, 4, &claimed), 0xffff42b0); /* MSR, SCR, two unclaimed */
}

int main(void)
{
    test_reset_state();
    test_scratch_lcr_mcr();
    test_divisor_latch();
    test_word_length();
    test_transmit();
    test_thre_interrupt();
    test_receive_16450();
    test_fifo();
    test_fcr();
    test_line_status_interrupt();
    test_modem_inputs();
    test_loopback();
    test_port_bus();
    return check_report("devices_uart");
}
