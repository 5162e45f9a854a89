/* The PC keyboard controller with nothing attached, and port 0x92 (i8042.h). */
#include <string.h>

#include "i8042.h"

static void update_lines(struct i8042 *k)
{
    dev_line_set(&k->kbd_irq, k->obf && !k->aux && (k->ram[0] & I8042_CTR_KBDINT));
    dev_line_set(&k->aux_irq, k->obf && k->aux && (k->ram[0] & I8042_CTR_AUXINT));
}

/* A byte lands in the output buffer, replacing any unread one. */
static void put(struct i8042 *k, u8 byte, bool aux, bool timeout)
{
    k->obuf = byte;
    k->obf = true;
    k->aux = aux;
    k->timeout = timeout;
    update_lines(k);
}

static void update_a20(struct i8042 *k)
{
    k->a20 = (k->out & I8042_OUT_A20) || (k->port92 & I8042_P92_A20);
}

static void request_reset(struct i8042 *k)
{
    k->reset_requested = true;
    k->resets++;
}

static u8 output_port(const struct i8042 *k)
{
    u8 v = k->out & (u8) ~(I8042_OUT_KBD_OBF | I8042_OUT_AUX_OBF);
    if (k->obf)
        v |= k->aux ? I8042_OUT_AUX_OBF : I8042_OUT_KBD_OBF;
    return v;
}

static void write_output_port(struct i8042 *k, u8 value)
{
    k->out = value & (u8) ~(I8042_OUT_KBD_OBF | I8042_OUT_AUX_OBF);
    update_a20(k);
    if (!(value & I8042_OUT_RESET))
        request_reset(k);
}

void i8042_init(struct i8042 *k, const struct dev_sink *sink)
{
    memset(k, 0, sizeof(*k));
    k->ram[0] = I8042_CTR_INIT;
    k->out = I8042_OUT_INIT;
    update_a20(k);
    dev_line_init(&k->kbd_irq, sink, I8042_KBD_LINE);
    dev_line_init(&k->aux_irq, sink, I8042_AUX_LINE);
}

u8 i8042_read_data(struct i8042 *k)
{
    k->obf = false;
    update_lines(k);
    return k->obuf;
}

void i8042_write_data(struct i8042 *k, u8 value)
{
    u8 cmd = k->pending;
    k->pending = 0;
    k->cmd = false;
    if (cmd >= I8042_CMD_WRITE_RAM && cmd < I8042_CMD_WRITE_RAM + I8042_RAM_BYTES) {
        k->ram[cmd - I8042_CMD_WRITE_RAM] = value;
        update_lines(k); /* the interrupt enables may have changed */
        return;
    }
    switch (cmd) {
    case I8042_CMD_WRITE_OUT:
        write_output_port(k, value);
        break;
    case I8042_CMD_KBD_ECHO:
        put(k, value, false, false);
        break;
    case I8042_CMD_AUX_ECHO:
        put(k, value, true, false);
        break;
    case I8042_CMD_AUX_WRITE: /* no aux device */
        put(k, I8042_NO_DEVICE, true, true);
        break;
    default: /* no pending command: a byte for the keyboard, which is absent */
        put(k, I8042_NO_DEVICE, false, true);
        break;
    }
}

u8 i8042_read_status(const struct i8042 *k)
{
    u8 s = I8042_STR_UNLOCKED;
    if (k->obf)
        s |= I8042_STR_OBF | (k->aux ? I8042_STR_AUXB : 0);
    if (k->ram[0] & I8042_CTR_SYS)
        s |= I8042_STR_SYS;
    if (k->cmd)
        s |= I8042_STR_CMD;
    if (k->timeout)
        s |= I8042_STR_TIMEOUT;
    return s;
}

void i8042_write_command(struct i8042 *k, u8 cmd)
{
    k->cmd = true;
    k->pending = 0;
    if (cmd >= I8042_CMD_READ_RAM && cmd < I8042_CMD_READ_RAM + I8042_RAM_BYTES) {
        put(k, k->ram[cmd - I8042_CMD_READ_RAM], false, false);
        return;
    }
    if (cmd >= I8042_CMD_WRITE_RAM && cmd < I8042_CMD_WRITE_RAM + I8042_RAM_BYTES) {
        k->pending = cmd;
        return;
    }
    if (cmd >= I8042_CMD_PULSE) {
        if (!(cmd & I8042_OUT_RESET))
            request_reset(k);
        return;
    }
    switch (cmd) {
    case I8042_CMD_AUX_OFF:
        k->ram[0] |= I8042_CTR_AUXDIS;
        break;
    case I8042_CMD_AUX_ON:
        k->ram[0] &= (u8)~I8042_CTR_AUXDIS;
        break;
    case I8042_CMD_AUX_TEST:
    case I8042_CMD_KBD_TEST:
        put(k, 0x00, false, false);
        break;
    case I8042_CMD_SELFTEST:
        k->ram[0] |= I8042_CTR_SYS;
        put(k, I8042_SELFTEST_OK, false, false);
        break;
    case I8042_CMD_KBD_OFF:
        k->ram[0] |= I8042_CTR_KBDDIS;
        break;
    case I8042_CMD_KBD_ON:
        k->ram[0] &= (u8)~I8042_CTR_KBDDIS;
        break;
    case I8042_CMD_READ_IN:
        put(k, I8042_INPUT_PORT, false, false);
        break;
    case I8042_CMD_READ_OUT:
        put(k, output_port(k), false, false);
        break;
    case I8042_CMD_WRITE_OUT:
    case I8042_CMD_KBD_ECHO:
    case I8042_CMD_AUX_ECHO:
    case I8042_CMD_AUX_WRITE:
        k->pending = cmd;
        break;
    case I8042_CMD_A20_OFF:
        k->out &= (u8)~I8042_OUT_A20;
        update_a20(k);
        break;
    case I8042_CMD_A20_ON:
        k->out |= I8042_OUT_A20;
        update_a20(k);
        break;
    default: /* not modelled: ignored */
        break;
    }
}

u8 i8042_port92_read(const struct i8042 *k)
{
    return k->port92;
}

void i8042_port92_write(struct i8042 *k, u8 value)
{
    bool rising = (value & I8042_P92_RESET) && !(k->port92 & I8042_P92_RESET);
    k->port92 = value;
    update_a20(k);
    if (rising)
        request_reset(k);
}

bool i8042_take_reset(struct i8042 *k)
{
    bool r = k->reset_requested;
    k->reset_requested = false;
    return r;
}

/* port_bus glue: byte ports only, so size is always 1. */
static u32 data_read(void *dev, u16 offset, unsigned size)
{
    (void)offset, (void)size;
    return i8042_read_data(dev);
}

static void data_write(void *dev, u16 offset, unsigned size, u32 value)
{
    (void)offset, (void)size;
    i8042_write_data(dev, (u8)value);
}

static u32 cmd_read(void *dev, u16 offset, unsigned size)
{
    (void)offset, (void)size;
    return i8042_read_status(dev);
}

static void cmd_write(void *dev, u16 offset, unsigned size, u32 value)
{
    (void)offset, (void)size;
    i8042_write_command(dev, (u8)value);
}

static u32 p92_read(void *dev, u16 offset, unsigned size)
{
    (void)offset, (void)size;
    return i8042_port92_read(dev);
}

static void p92_write(void *dev, u16 offset, unsigned size, u32 value)
{
    (void)offset, (void)size;
    i8042_port92_write(dev, (u8)value);
}

struct port_range i8042_data_port_range(struct i8042 *k, u16 base)
{
    return (struct port_range){.base = base,
                               .count = 1,
                               .sizes = PORT_SIZE_1,
                               .read = data_read,
                               .write = data_write,
                               .dev = k,
                               .name = "i8042-data"};
}

struct port_range i8042_cmd_port_range(struct i8042 *k, u16 base)
{
    return (struct port_range){.base = base,
                               .count = 1,
                               .sizes = PORT_SIZE_1,
                               .read = cmd_read,
                               .write = cmd_write,
                               .dev = k,
                               .name = "i8042-cmd"};
}

struct port_range i8042_port92_range(struct i8042 *k, u16 base)
{
    return (struct port_range){.base = base,
                               .count = 1,
                               .sizes = PORT_SIZE_1,
                               .read = p92_read,
                               .write = p92_write,
                               .dev = k,
                               .name = "port92"};
}
