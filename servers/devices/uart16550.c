/* UART 16550A model (uart16550.h). */
#include "uart16550.h"

static const u8 rx_triggers[4] = {1, 4, 8, 14};

static unsigned rx_capacity(const struct uart16550 *u)
{
    return u->fifo_on ? UART_FIFO_SIZE : 1u;
}

static u8 word_mask(const struct uart16550 *u)
{
    return (u8)((1u << uart_word_bits(u)) - 1);
}

unsigned uart_word_bits(const struct uart16550 *u)
{
    return 5u + (u->lcr & UART_LCR_WLEN);
}

u32 uart_baud(const struct uart16550 *u)
{
    return u->divisor ? UART_CLOCK_HZ / 16u / u->divisor : 0;
}

/* CTS/DSR/RI/DCD as the UART sees them: looped back from MCR in loopback. */
static u8 modem_status(const struct uart16550 *u)
{
    if (!(u->mcr & UART_MCR_LOOP))
        return u->modem_in;
    u8 s = 0;
    if (u->mcr & UART_MCR_RTS)
        s |= UART_MSR_CTS;
    if (u->mcr & UART_MCR_DTR)
        s |= UART_MSR_DSR;
    if (u->mcr & UART_MCR_OUT1)
        s |= UART_MSR_RI;
    if (u->mcr & UART_MCR_OUT2)
        s |= UART_MSR_DCD;
    return s;
}

/* Set the delta bits for a change of the modem status from old to now. */
static void modem_changed(struct uart16550 *u, u8 old, u8 now)
{
    u8 diff = old ^ now;
    if (diff & UART_MSR_CTS)
        u->msr |= UART_MSR_DCTS;
    if (diff & UART_MSR_DSR)
        u->msr |= UART_MSR_DDSR;
    if ((old & UART_MSR_RI) && !(now & UART_MSR_RI)) /* trailing edge only */
        u->msr |= UART_MSR_TERI;
    if (diff & UART_MSR_DCD)
        u->msr |= UART_MSR_DDCD;
    u->msr = (u8)((u->msr & UART_MSR_DELTAS) | now);
}

static bool rda_due(const struct uart16550 *u)
{
    return u->fifo_on ? u->rx_count >= u->rx_trigger : u->rx_count > 0;
}

u8 uart_iir_id(const struct uart16550 *u)
{
    if ((u->ier & UART_IER_RLS) && (u->lsr_err & UART_LSR_ERR))
        return UART_IIR_RLS;
    if ((u->ier & UART_IER_RDA) && rda_due(u))
        return UART_IIR_RDA;
    if ((u->ier & UART_IER_RDA) && u->timeout_pending)
        return UART_IIR_TIMEOUT;
    if ((u->ier & UART_IER_THRE) && u->thre_pending)
        return UART_IIR_THRE;
    if ((u->ier & UART_IER_MS) && (u->msr & UART_MSR_DELTAS))
        return UART_IIR_MS;
    return UART_IIR_NONE;
}

static void update_irq(struct uart16550 *u)
{
    dev_line_set(&u->irq, uart_iir_id(u) != UART_IIR_NONE && (u->mcr & UART_MCR_OUT2));
}

static void rx_clear(struct uart16550 *u)
{
    u->rx_head = 0;
    u->rx_count = 0;
    u->timeout_pending = false;
}

/* On overrun a 16450 (no FIFO) loses the unread byte, a 16550 with FIFO
 * the incoming one. */
static bool rx_push(struct uart16550 *u, u8 byte)
{
    if (u->rx_count >= rx_capacity(u)) {
        u->lsr_err |= UART_LSR_OE;
        if (!u->fifo_on)
            u->rx[u->rx_head] = byte & word_mask(u);
        return false;
    }
    u->rx[(u->rx_head + u->rx_count) % UART_FIFO_SIZE] = byte & word_mask(u);
    u->rx_count++;
    return true;
}

static u8 rx_pop(struct uart16550 *u)
{
    if (u->rx_count == 0)
        return 0;
    u8 byte = u->rx[u->rx_head];
    u->rx_head = (u8)((u->rx_head + 1) % UART_FIFO_SIZE);
    u->rx_count--;
    return byte;
}

void uart_init(struct uart16550 *u, uart_tx_fn tx, void *tx_ctx, const struct dev_sink *sink,
               u16 line)
{
    *u = (struct uart16550){0};
    u->divisor = 12; /* 9600 baud until the guest programs it */
    u->rx_trigger = 1;
    u->modem_in = UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD;
    u->msr = u->modem_in;
    u->tx = tx;
    u->tx_ctx = tx_ctx;
    dev_line_init(&u->irq, sink, line);
}

static void transmit(struct uart16550 *u, u8 byte)
{
    byte &= word_mask(u);
    if (u->mcr & UART_MCR_LOOP)
        rx_push(u, byte);
    else if (u->tx)
        u->tx(u->tx_ctx, byte);
    /* THR is empty again at once: a fresh THRE interrupt */
    u->thre_pending = true;
}

static void write_fcr(struct uart16550 *u, u8 v)
{
    bool on = v & UART_FCR_ENABLE;
    if (on != u->fifo_on) {
        rx_clear(u);
        u->fifo_on = on;
    }
    if (!on) /* the other bits take effect only with the enable bit */
        return;
    if (v & UART_FCR_CLEAR_RX)
        rx_clear(u);
    /* CLEAR_TX: the transmitter never holds anything */
    u->rx_trigger = rx_triggers[(v & UART_FCR_TRIGGER) >> 6];
}

static void write_mcr(struct uart16550 *u, u8 v)
{
    u8 old = modem_status(u);
    u->mcr = v & UART_MCR_MASK;
    u8 now = modem_status(u);
    if (old != now)
        modem_changed(u, old, now);
}

u32 uart_read(void *dev, u16 offset, unsigned size)
{
    struct uart16550 *u = dev;
    u32 v = 0;
    (void)size;
    switch (offset) {
    case UART_RBR_THR_DLL:
        if (u->lcr & UART_LCR_DLAB) {
            v = u->divisor & 0xffu;
        } else {
            v = rx_pop(u);
            u->timeout_pending = false;
        }
        break;
    case UART_IER_DLM:
        v = (u->lcr & UART_LCR_DLAB) ? (u32)(u->divisor >> 8) : u->ier;
        break;
    case UART_IIR_FCR: {
        u8 id = uart_iir_id(u);
        if (id == UART_IIR_THRE) /* reading IIR acknowledges THRE */
            u->thre_pending = false;
        v = id | (u->fifo_on ? UART_IIR_FIFO : 0);
        break;
    }
    case UART_LCR:
        v = u->lcr;
        break;
    case UART_MCR:
        v = u->mcr;
        break;
    case UART_LSR:
        v = u->lsr_err | UART_LSR_THRE | UART_LSR_TEMT | (u->rx_count ? UART_LSR_DR : 0);
        u->lsr_err = 0;
        break;
    case UART_MSR:
        v = u->msr;
        u->msr &= (u8)~UART_MSR_DELTAS;
        break;
    case UART_SCR:
        v = u->scr;
        break;
    default:
        v = 0xff;
        break;
    }
    update_irq(u);
    return v;
}

void uart_write(void *dev, u16 offset, unsigned size, u32 value)
{
    struct uart16550 *u = dev;
    u8 v = (u8)value;
    (void)size;
    switch (offset) {
    case UART_RBR_THR_DLL:
        if (u->lcr & UART_LCR_DLAB)
            u->divisor = (u16)((u->divisor & 0xff00u) | v);
        else
            transmit(u, v);
        break;
    case UART_IER_DLM:
        if (u->lcr & UART_LCR_DLAB) {
            u->divisor = (u16)((u->divisor & 0x00ffu) | (u16)(v << 8));
        } else {
            u8 old = u->ier;
            u->ier = v & 0x0fu;
            /* enabling THRE with THR empty raises it at once */
            if ((u->ier & ~old) & UART_IER_THRE)
                u->thre_pending = true;
            if (!(u->ier & UART_IER_THRE))
                u->thre_pending = false;
        }
        break;
    case UART_IIR_FCR:
        write_fcr(u, v);
        break;
    case UART_LCR:
        u->lcr = v;
        break;
    case UART_MCR:
        write_mcr(u, v);
        break;
    case UART_SCR:
        u->scr = v;
        break;
    default: /* LSR and MSR writes are factory-test only: ignored */
        break;
    }
    update_irq(u);
}

struct port_range uart_port_range(struct uart16550 *u, u16 base)
{
    return (struct port_range){.base = base,
                               .count = UART_PORTS,
                               .sizes = PORT_SIZE_1,
                               .read = uart_read,
                               .write = uart_write,
                               .dev = u,
                               .name = "uart16550"};
}

bool uart_receive(struct uart16550 *u, u8 byte)
{
    bool ok = rx_push(u, byte);
    update_irq(u);
    return ok;
}

unsigned uart_rx_space(const struct uart16550 *u)
{
    return rx_capacity(u) - u->rx_count;
}

void uart_rx_idle(struct uart16550 *u)
{
    if (u->fifo_on && u->rx_count > 0 && u->rx_count < u->rx_trigger)
        u->timeout_pending = true;
    update_irq(u);
}

void uart_set_modem_inputs(struct uart16550 *u, u8 inputs)
{
    inputs &= UART_MSR_CTS | UART_MSR_DSR | UART_MSR_RI | UART_MSR_DCD;
    u8 old = modem_status(u);
    u->modem_in = inputs;
    u8 now = modem_status(u);
    if (old != now)
        modem_changed(u, old, now);
    update_irq(u);
}
