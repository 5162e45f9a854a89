/*
 * The PC keyboard controller, an Intel 8042 with PS/2 firmware, with
 * nothing plugged into it, and System Control Port A (port 0x92). Enough
 * for a guest to find a working controller with no keyboard and no mouse,
 * gate A20 and reset the machine.
 *
 * Ports. 0x60 reads the output buffer and writes data (the parameter of a
 * pending command, else a byte for the keyboard); 0x64 reads the status
 * register and writes commands. Both are byte ports, apart (0x61 is the
 * PIT's), so each has its own range. Commands complete at once: the input
 * buffer is never full.
 *
 * Status register (0x64):
 *   bit 0 OBF: the output buffer holds a byte; reading 0x60 clears it.
 *   bit 1 IBF: always 0.
 *   bit 2 system flag: the command byte's bit 2 (the 8042 copies it).
 *   bit 3 command/data: the last write was to 0x64 (1) or 0x60 (0).
 *   bit 4 keyboard unlocked (no keylock switch): always 1.
 *   bit 5 AUXB: the byte in the output buffer came from the aux (mouse)
 *         port; clear when OBF is.
 *   bit 6 timeout: the last byte sent to a device went unanswered (no
 *         device); clear as soon as any other byte enters the buffer.
 *   bit 7 parity error: always 0.
 *
 * The output buffer holds one byte, as on the chip: a reply that lands in
 * it before the guest read the last one replaces it. Reading 0x60 with OBF
 * clear gives the last byte again.
 *
 * Commands (0x64). Replies go to the output buffer as keyboard bytes
 * (AUXB clear), except those of 0xd3 and 0xd4.
 *   0x20..0x3f read byte n of the controller RAM (byte 0: the command
 *              byte); 0x60..0x7f write it with the next 0x60 byte.
 *   0xa7/0xa8  disable / enable the aux port: set / clear command byte
 *              bit 5.
 *   0xa9       aux interface test: 0x00 (lines fine).
 *   0xaa       self-test: 0x55, sets the system flag.
 *   0xab       keyboard interface test: 0x00.
 *   0xad/0xae  disable / enable the keyboard: set / clear command byte
 *              bit 4.
 *   0xc0       read input port: 0x80 (keyboard not inhibited).
 *   0xd0       read output port: bit 0 reset line (1: not asserted),
 *              bit 1 A20 gate, bits 2, 3, 6, 7 as last written (0xcc at
 *              init: the device clock and data lines idle high), bit 4
 *              OBF from the keyboard, bit 5 OBF from the aux port.
 *   0xd1       write output port (next 0x60 byte): bit 1 is the A20 gate,
 *              bit 0 clear asserts the reset line (a reset request; the
 *              byte is kept, so 0xd0 reads it back).
 *   0xd2       next 0x60 byte goes to the output buffer as if from the
 *              keyboard (IRQ1 if enabled).
 *   0xd3       next 0x60 byte goes to the output buffer as if from the aux
 *              port (AUXB, IRQ12 if enabled): Linux's loopback test.
 *   0xd4       next 0x60 byte goes to the aux device; there is none.
 *   0xdd/0xdf  A20 gate off / on (output port bit 1).
 *   0xf0..0xff pulse output port bits 0-3 low for each clear bit of the
 *              low nibble; bit 0 clear (0xfe, ..., 0xf0) pulses the reset
 *              line: a reset request. Other pulses do nothing.
 * Every other command is ignored (no reply). A command written while
 * another waits for its 0x60 byte replaces it.
 *
 * No devices. A byte for the keyboard (0x60 without a pending command) or
 * the aux device (0xd4) is answered at once with 0xfe in the output buffer
 * from that port and the timeout bit set, so a guest's wait ends at once:
 * Linux's libps2 takes 0xfe as "resend", retries once, and atkbd /
 * psmouse give up quietly (-ENODEV, no message); a real PS/2 controller
 * would set the timeout bit after some milliseconds instead.
 *
 * Command byte (RAM byte 0): bit 0 keyboard interrupt enable, 1 aux
 * interrupt enable, 2 system flag, 3 ignore keylock, 4 keyboard disabled,
 * 5 aux disabled, 6 scan-code translation, 7 0. The "disabled" bits are
 * kept and reported only (no device could send anyway). At init it is
 * 0x65, as a BIOS that enabled a translated keyboard leaves it: keyboard
 * interrupt, system flag, aux disabled, translation.
 *
 * Interrupts: line 1 is high while OBF is set with a keyboard byte and
 * command byte bit 0 is set; line 12 while OBF is set with an aux byte and
 * bit 1 is set (dev_line: level, changes reported to the sink).
 *
 * A20 and reset. a20 is the output port's bit 1 OR port 0x92's bit 1 (as
 * on Intel chipsets: A20M# is asserted only when both are 0). It is kept
 * and reported only: the VM's RAM is mapped flat and the model cannot
 * wrap addresses at 1 MiB. A reset request sets reset_requested (and
 * counts in resets); the board glue checks it after each access to these
 * ports (i8042_take_reset()) and resets or ends the VM. The model itself
 * keeps its state: on a PC the CPU reset line does not reset the 8042.
 *
 * Port 0x92 (System Control Port A, PS/2 and every PC chipset since): bit
 * 0 fast reset, a reset request when written 1 while it was 0 (the
 * chipset acts on the rising edge; it stays 1 until written 0), bit 1
 * alternate A20 gate; every bit reads back as written (0 at init).
 */
#ifndef VIREO_DEVICES_I8042_H
#define VIREO_DEVICES_I8042_H

#include "dev.h"
#include "port_bus.h"

#define I8042_DATA_PORT   0x60u
#define I8042_CMD_PORT    0x64u /* status on reads */
#define I8042_PORT92      0x92u
#define I8042_KBD_LINE    1u
#define I8042_AUX_LINE    12u
#define I8042_RAM_BYTES   32u
#define I8042_NO_DEVICE   0xfeu /* the answer to a byte sent to an absent device */
#define I8042_SELFTEST_OK 0x55u
#define I8042_INPUT_PORT  0x80u /* 0xc0: keyboard not inhibited */

/* Status register. */
#define I8042_STR_OBF      0x01u
#define I8042_STR_IBF      0x02u
#define I8042_STR_SYS      0x04u
#define I8042_STR_CMD      0x08u
#define I8042_STR_UNLOCKED 0x10u
#define I8042_STR_AUXB     0x20u
#define I8042_STR_TIMEOUT  0x40u
#define I8042_STR_PARITY   0x80u

/* Command byte. */
#define I8042_CTR_KBDINT  0x01u
#define I8042_CTR_AUXINT  0x02u
#define I8042_CTR_SYS     0x04u
#define I8042_CTR_IGNLOCK 0x08u
#define I8042_CTR_KBDDIS  0x10u
#define I8042_CTR_AUXDIS  0x20u
#define I8042_CTR_XLATE   0x40u
#define I8042_CTR_INIT    (I8042_CTR_KBDINT | I8042_CTR_SYS | I8042_CTR_AUXDIS | I8042_CTR_XLATE)

/* Output port. */
#define I8042_OUT_RESET   0x01u /* 0: reset asserted */
#define I8042_OUT_A20     0x02u
#define I8042_OUT_KBD_OBF 0x10u
#define I8042_OUT_AUX_OBF 0x20u
#define I8042_OUT_INIT    0xcfu /* reset deasserted, A20 on, lines idle high */

/* Commands. */
#define I8042_CMD_READ_RAM    0x20u /* | byte, 0..0x1f */
#define I8042_CMD_WRITE_RAM   0x60u /* | byte, 0..0x1f */
#define I8042_CMD_AUX_OFF     0xa7u
#define I8042_CMD_AUX_ON      0xa8u
#define I8042_CMD_AUX_TEST    0xa9u
#define I8042_CMD_SELFTEST    0xaau
#define I8042_CMD_KBD_TEST    0xabu
#define I8042_CMD_KBD_OFF     0xadu
#define I8042_CMD_KBD_ON      0xaeu
#define I8042_CMD_READ_IN     0xc0u
#define I8042_CMD_READ_OUT    0xd0u
#define I8042_CMD_WRITE_OUT   0xd1u
#define I8042_CMD_KBD_ECHO    0xd2u
#define I8042_CMD_AUX_ECHO    0xd3u
#define I8042_CMD_AUX_WRITE   0xd4u
#define I8042_CMD_A20_OFF     0xddu
#define I8042_CMD_A20_ON      0xdfu
#define I8042_CMD_PULSE       0xf0u /* | the lines to leave alone (bit set) */
#define I8042_CMD_PULSE_RESET 0xfeu

/* Port 0x92. */
#define I8042_P92_RESET 0x01u
#define I8042_P92_A20   0x02u

struct i8042 {
    u8 ram[I8042_RAM_BYTES]; /* ram[0]: the command byte */
    u8 out;                  /* output port as last written (bits 4, 5 computed) */
    u8 obuf;                 /* the output buffer (or the last byte read) */
    bool obf;                /* obuf holds an unread byte */
    bool aux;                /* obuf came from the aux port */
    bool timeout;            /* the last byte sent to a device went unanswered */
    bool cmd;                /* the last write was to 0x64 */
    u8 pending;              /* the command waiting for its 0x60 byte, or 0 */
    u8 port92;
    bool a20;             /* out bit 1 | port92 bit 1 */
    bool reset_requested; /* set by a reset request; the board clears it */
    u32 resets;           /* reset requests so far */
    struct dev_line kbd_irq, aux_irq;
};

/* Init state: command byte I8042_CTR_INIT, output port I8042_OUT_INIT
 * (A20 on), port 0x92 0, output buffer empty, both lines low. */
void i8042_init(struct i8042 *k, const struct dev_sink *sink);

/* Port 0x60. */
u8 i8042_read_data(struct i8042 *k);
void i8042_write_data(struct i8042 *k, u8 value);
/* Port 0x64. */
u8 i8042_read_status(const struct i8042 *k);
void i8042_write_command(struct i8042 *k, u8 cmd);
/* Port 0x92. */
u8 i8042_port92_read(const struct i8042 *k);
void i8042_port92_write(struct i8042 *k, u8 value);

/* Whether a reset was requested since the last call; clears the request. */
bool i8042_take_reset(struct i8042 *k);

/* port_bus ranges, one byte port each: 0x60, 0x64 and 0x92. */
struct port_range i8042_data_port_range(struct i8042 *k, u16 base);
struct port_range i8042_cmd_port_range(struct i8042 *k, u16 base);
struct port_range i8042_port92_range(struct i8042 *k, u16 base);

#endif
