/*
 * UART 16550A model (National Semiconductor PC16550D register set).
 * Transmission is instant: a byte written to THR goes to the output sink
 * at once, so THR and the transmitter are always empty again by the next
 * access (THRE and TEMT read 1). Input comes from uart_receive() into the
 * receive FIFO (16 bytes; 1 in 16450 mode). The interrupt output is the
 * 8250 PC wiring: pending interrupt AND MCR.OUT2.
 */
#ifndef VIREO_DEVICES_UART16550_H
#define VIREO_DEVICES_UART16550_H

#include "dev.h"
#include "port_bus.h"

/* Register offsets from the base port. */
enum uart_reg {
    UART_RBR_THR_DLL = 0,
    UART_IER_DLM = 1,
    UART_IIR_FCR = 2,
    UART_LCR = 3,
    UART_MCR = 4,
    UART_LSR = 5,
    UART_MSR = 6,
    UART_SCR = 7,
    UART_PORTS = 8,
};

#define UART_IER_RDA  0x01u /* received data available (and timeout) */
#define UART_IER_THRE 0x02u /* transmitter holding register empty */
#define UART_IER_RLS  0x04u /* receiver line status */
#define UART_IER_MS   0x08u /* modem status */

#define UART_IIR_NONE    0x01u /* no interrupt pending */
#define UART_IIR_MS      0x00u
#define UART_IIR_THRE    0x02u
#define UART_IIR_RDA     0x04u
#define UART_IIR_RLS     0x06u
#define UART_IIR_TIMEOUT 0x0cu
#define UART_IIR_ID_MASK 0x0fu
#define UART_IIR_FIFO    0xc0u /* FIFOs enabled */

#define UART_FCR_ENABLE   0x01u
#define UART_FCR_CLEAR_RX 0x02u
#define UART_FCR_CLEAR_TX 0x04u
#define UART_FCR_DMA      0x08u
#define UART_FCR_TRIGGER  0xc0u

#define UART_LCR_WLEN 0x03u /* word length - 5 */
#define UART_LCR_STOP 0x04u
#define UART_LCR_PAR  0x08u
#define UART_LCR_EPAR 0x10u
#define UART_LCR_SPAR 0x20u
#define UART_LCR_BRK  0x40u
#define UART_LCR_DLAB 0x80u

#define UART_MCR_DTR  0x01u
#define UART_MCR_RTS  0x02u
#define UART_MCR_OUT1 0x04u
#define UART_MCR_OUT2 0x08u
#define UART_MCR_LOOP 0x10u
#define UART_MCR_MASK 0x1fu

#define UART_LSR_DR   0x01u
#define UART_LSR_OE   0x02u
#define UART_LSR_PE   0x04u
#define UART_LSR_FE   0x08u
#define UART_LSR_BI   0x10u
#define UART_LSR_THRE 0x20u
#define UART_LSR_TEMT 0x40u
#define UART_LSR_ERR  0x1eu /* the bits reading LSR clears */

#define UART_MSR_DCTS   0x01u
#define UART_MSR_DDSR   0x02u
#define UART_MSR_TERI   0x04u
#define UART_MSR_DDCD   0x08u
#define UART_MSR_CTS    0x10u
#define UART_MSR_DSR    0x20u
#define UART_MSR_RI     0x40u
#define UART_MSR_DCD    0x80u
#define UART_MSR_DELTAS 0x0fu

#define UART_FIFO_SIZE 16u
#define UART_CLOCK_HZ  1843200u /* the PC's 1.8432 MHz crystal: divisor 1 = 115200 baud */

typedef void (*uart_tx_fn)(void *ctx, u8 byte);

struct uart16550 {
    u8 ier, lcr, mcr, lsr_err, msr, scr;
    u16 divisor;
    bool fifo_on;
    u8 rx_trigger; /* bytes for an RDA interrupt in FIFO mode */
    u8 rx[UART_FIFO_SIZE];
    u8 rx_head, rx_count;
    bool thre_pending; /* THRE interrupt not yet acknowledged */
    bool timeout_pending;
    u8 modem_in; /* external CTS/DSR/RI/DCD, MSR bit positions */
    uart_tx_fn tx;
    void *tx_ctx;
    struct dev_line irq;
};

/* Reset state; the modem inputs start with CTS, DSR and DCD asserted (a
 * terminal is connected). tx may be 0 (output dropped). */
void uart_init(struct uart16550 *u, uart_tx_fn tx, void *tx_ctx, const struct dev_sink *sink,
               u16 line);

/* Register access (port_bus callbacks; offset 0..7, size 1). */
u32 uart_read(void *dev, u16 offset, unsigned size);
void uart_write(void *dev, u16 offset, unsigned size, u32 value);
/* A port_bus range for a UART at base (0x3f8 for COM1). */
struct port_range uart_port_range(struct uart16550 *u, u16 base);

/* Input: false if the byte was lost (receiver full: overrun). */
bool uart_receive(struct uart16550 *u, u8 byte);
/* Bytes the receiver can still take. */
unsigned uart_rx_space(const struct uart16550 *u);
/* No more input for now: the character-timeout interrupt becomes due if
 * bytes below the trigger level wait (the glue calls this after a burst). */
void uart_rx_idle(struct uart16550 *u);
/* External modem-status inputs (UART_MSR_CTS | DSR | RI | DCD). */
void uart_set_modem_inputs(struct uart16550 *u, u8 inputs);

/* Derived state (for tests and the glue). */
u8 uart_iir_id(const struct uart16550 *u);
unsigned uart_word_bits(const struct uart16550 *u);
u32 uart_baud(const struct uart16550 *u);

#endif
