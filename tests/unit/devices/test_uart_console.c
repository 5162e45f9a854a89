/* Host tests of the device server's UART console output
 * (servers/devices/uart_console.c), with the console write recorded. */
#include <string.h>
#include <vireo/sys.h>

#include "check.h"
#include "uart_console.h"

static char written[4096];
static size_t written_len;
static unsigned writes;

enum vireo_status sys_console_write(const char *buf, size_t len)
{
    if (written_len + len < sizeof(written)) {
        memcpy(written + written_len, buf, len);
        written_len += len;
        written[written_len] = '\0';
    }
    writes++;
    return VIREO_OK;
}

static u64 raw_sm_seen;
static unsigned raw_writes;
enum vireo_status sys_console_write_raw(u64 sm, const char *buf, u64 len)
{
    raw_sm_seen = sm;
    raw_writes++;
    return sys_console_write(buf, len);
}

static void reset(void)
{
    written_len = 0;
    written[0] = '\0';
    writes = 0;
}

static void send(struct uart_console *c, const char *s)
{
    while (*s)
        uart_console_tx(c, (u8)*s++);
}

static void test_lines(void)
{
    struct uart_console c;
    uart_console_init(&c);
    reset();
    send(&c, "hel");
    CHECK_EQ_U64(writes, 0); /* nothing until the line ends */
    send(&c, "lo\r\nworld\n\n");
    CHECK_EQ_U64(writes, 3); /* one write per line */
    CHECK(strcmp(written, "uart: hello\nuart: world\nuart: \n") == 0);
    reset();
    send(&c, "partial");
    uart_console_flush(&c);
    uart_console_flush(&c); /* nothing left the second time */
    CHECK_EQ_U64(writes, 1);
    CHECK(strcmp(written, "uart: partial\n") == 0);
}

static void test_long_line(void)
{
    struct uart_console c;
    uart_console_init(&c);
    reset();
    for (unsigned i = 0; i < UART_CONSOLE_TEXT + 5; i++)
        uart_console_tx(&c, 'a');
    CHECK_EQ_U64(writes, 1); /* the first piece went when the buffer filled */
    CHECK_EQ_U64(written_len, 6 + UART_CONSOLE_TEXT + 1);
    uart_console_tx(&c, '\n');
    CHECK_EQ_U64(writes, 2);
    CHECK(strcmp(written + written_len - 12, "uart: aaaaa\n") == 0);
}

/* Raw mode: bytes as they are (CR and control bytes kept), no prefix,
 * partial lines written at each sync, one write per sync. */
static void test_raw(void)
{
    struct uart_console c;
    uart_console_init(&c);
    reset();
    send(&c, "half");
    uart_console_raw(&c, 51); /* line mode's partial line goes out first */
    CHECK(strcmp(written, "uart: half\n") == 0);
    reset();
    raw_writes = 0;
    send(&c, "/ # ");
    CHECK_EQ_U64(writes, 0);
    uart_console_sync(&c);
    CHECK(strcmp(written, "/ # ") == 0);
    CHECK_EQ_U64(raw_writes, 1);
    CHECK_EQ_U64(raw_sm_seen, 51);
    send(&c, "ls\r\n\x1b[1m");
    uart_console_sync(&c);
    CHECK(strcmp(written, "/ # ls\r\n\x1b[1m") == 0);
    uart_console_sync(&c); /* nothing new: no write */
    CHECK_EQ_U64(raw_writes, 2);
    /* a full buffer goes out without waiting for the sync */
    reset();
    for (unsigned i = 0; i < UART_CONSOLE_TEXT; i++)
        uart_console_tx(&c, 'x');
    CHECK_EQ_U64(written_len, UART_CONSOLE_TEXT);
    uart_console_flush(&c);
    CHECK_EQ_U64(written_len, UART_CONSOLE_TEXT);
}

int main(void)
{
    test_lines();
    test_long_line();
    test_raw();
    return check_report("devices_uart_console");
}
