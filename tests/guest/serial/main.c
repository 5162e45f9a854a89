/*
 * serial: a polling UART guest reading what is typed at the host terminal.
 * The command line's "input=TEXT" says what the test types (tools/run
 * --input, tools/run-bare --input): the guest polls LSR.DR for lines, with
 * a bound in TSC cycles so that no input ends the test instead of hanging
 * it, and checks that a line came whole, in order, and that LSR follows the
 * receiver (DR set while bytes wait, clear once they are read; THRE and
 * TEMT set: transmission never stalls a polling writer). Bytes typed
 * before the guest set up its UART may be lost (resetting the FIFOs drops
 * them, as on hardware), so the input file starts with a line to spare and
 * the guest waits for the expected one.
 */
#include <guest/cpu.h>
#include <guest/rt.h>
#include <guest/uart.h>
#include <string.h>

const char guest_name[] = "serial";

#define UART_RBR    0
#define UART_LSR_DR 0x01
#define LINE_MAX    64
#define WAIT_CYCLES (20ull * 1000 * 1000 * 1000) /* TSC cycles: many seconds anywhere */

/* The value of the command line's "input=" word, or NULL. */
static const char *expected(char *buf, size_t size)
{
    for (const char *p = rt_cmdline(); *p;) {
        while (*p == ' ')
            p++;
        size_t len = 0;
        while (p[len] && p[len] != ' ')
            len++;
        if (len > 6 && !strncmp(p, "input=", 6)) {
            size_t n = len - 6 < size - 1 ? len - 6 : size - 1;
            memcpy(buf, p + 6, n);
            buf[n] = 0;
            return buf;
        }
        p += len;
    }
    return NULL;
}

void guest_main(void)
{
    char want[LINE_MAX], got[LINE_MAX];
    if (!expected(want, sizeof(want))) {
        rt_fail("serial: the command line names the input", "no input=TEXT in \"%s\"",
                rt_cmdline());
        return;
    }
    uint8_t lsr = inb(UART_COM1 + UART_LSR);
    rt_check((lsr & (UART_LSR_THRE | UART_LSR_TEMT)) == (UART_LSR_THRE | UART_LSR_TEMT),
             "serial: LSR shows the transmitter empty", "LSR %#x", lsr);
    rt_printf("serial: waiting for \"%s\" and a newline\n", want);
    size_t n = 0;
    bool found = false;
    unsigned lines = 0;
    uint64_t start = rdtsc();
    while (!found && rdtsc() - start < WAIT_CYCLES) {
        if (!(inb(UART_COM1 + UART_LSR) & UART_LSR_DR)) {
            cpu_relax();
            continue;
        }
        char c = (char)inb(UART_COM1 + UART_RBR);
        if (c != '\n' && c != '\r') {
            if (n + 1 < sizeof(got))
                got[n++] = c;
            continue;
        }
        got[n] = 0;
        if (n) {
            lines++;
            found = !strcmp(got, want);
        }
        n = 0;
    }
    bool dr_cleared;
    /* The line's terminator may be "\r\n": take what follows, then DR must
     * read clear. */
    for (int spins = 0; spins < 1000 && (inb(UART_COM1 + UART_LSR) & UART_LSR_DR); spins++)
        (void)inb(UART_COM1 + UART_RBR);
    dr_cleared = !(inb(UART_COM1 + UART_LSR) & UART_LSR_DR);
    rt_check(lines > 0, "serial: a line arrived", "nothing within the bound");
    rt_check(found, "serial: the expected line reads back as typed", "%u lines, the last \"%s\"",
             lines, got);
    rt_check(dr_cleared, "serial: LSR.DR clears once the receiver is empty", "DR still set");
    rt_printf("serial: got \"%s\"\n", got);
}
